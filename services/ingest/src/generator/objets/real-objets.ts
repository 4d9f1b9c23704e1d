import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Prng } from '../prng';

/** objets-reels.tsv: objet and CPV of 1,190 real contracts (see PROVENANCE.md next to it). */
export const REAL_OBJETS_FILE = join(__dirname, 'objets-reels.tsv');

export interface RealObjets {
  /** Every real objet, in file order (repeats kept: they are part of the distribution). */
  readonly all: readonly string[];
  /** Real objets by CPV division (2 digits). */
  readonly byDivision: ReadonlyMap<string, readonly string[]>;
}

let loaded: RealObjets | null = null;

export function readRealObjets(file: string = REAL_OBJETS_FILE): RealObjets {
  const all: string[] = [];
  const byDivision = new Map<string, string[]>();
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[0] !== 'cpv\tobjet') throw new Error(`${file}: expected the header "cpv<TAB>objet", found ${JSON.stringify(lines[0].slice(0, 40))}`);
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const cpv = line.slice(0, tab);
    const objet = line.slice(tab + 1);
    all.push(objet);
    if (cpv) {
      const list = byDivision.get(cpv.slice(0, 2)) ?? [];
      list.push(objet);
      byDivision.set(cpv.slice(0, 2), list);
    }
  }
  if (all.length < 100) throw new Error(`${file}: only ${all.length} objets, the corpus looks truncated`);
  return { all, byDivision };
}

function corpus(): RealObjets {
  loaded ??= readRealObjets();
  return loaded;
}

/** Clauses of an objet: the parts real publishers join with " - ", " – ", " : " or " ; ". */
function clauses(objet: string): string[] {
  return objet.split(/\s+[-–:;]\s+/).filter((c) => c.length > 2);
}

/**
 * An objet drawn from the vocabulary and distribution of real ones, deterministic for a given PRNG
 * state: a real objet of the contract's CPV division (any division when the corpus has fewer than
 * 5 of it), as published (60 %), or its first clause joined to a clause of another real objet of
 * the division (40 %, so that 1.5 M contracts are not 1,070 strings repeated), sometimes with a lot
 * number as buyers write them. Text queries then match the share of contracts real ones would.
 */
export function drawObjet(rng: Prng, codeCPV: string): string {
  const c = corpus();
  const division = c.byDivision.get(codeCPV.slice(0, 2));
  const pool = division && division.length >= 5 ? division : c.all;
  const first = rng.pick(pool);
  let text = first;
  if (rng.chance(0.4)) {
    const other = clauses(rng.pick(pool));
    const head = clauses(first)[0] ?? first;
    text = other.length > 0 ? `${head} - ${rng.pick(other)}` : head;
  }
  if (rng.chance(0.25)) text = `${text} - Lot ${rng.int(1, 12)}`;
  return text;
}
