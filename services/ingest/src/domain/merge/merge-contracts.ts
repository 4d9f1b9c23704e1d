import type { Contract, ContractVersion, Enrichment, OrganisationRef, Provenance, QualityFlag } from '@observatoire/contracts';
import { cpvDivisionOf, purchaseTypeOf } from '@observatoire/contracts';
import { amountUnusableReason } from '../normalise/amounts';
import { foldVersions } from '../normalise/fold-versions';
import { idReuseFlag } from './identity';

function unionBy<T>(a: readonly T[], b: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((t) => !seen.has(key(t)) && (seen.add(key(t)), true))];
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v,
  );
}

function versionFacts(v: ContractVersion): string {
  const { titulaires: _t, ...facts } = v;
  return stable(facts);
}

/** How many facts a version states. Titulaires are not facts here: how many a version holds depends on the merge order. */
function richness(v: ContractVersion): number {
  const { titulaires: _t, ...facts } = v;
  return Object.values(facts).filter((x) => x !== null && x !== undefined).length;
}

/**
 * A total order on the facts of conflicting versions: latest publication, then latest notification, then
 * richer, then text order of the facts. It reads facts only (never the titulaires united so far), so the
 * version kept is the same whatever order the rows are merged in.
 */
function preferVersion(a: ContractVersion, b: ContractVersion): ContractVersion {
  const keys: Array<(v: ContractVersion) => string | number> = [
    (v) => v.datePublicationDonnees ?? '',
    (v) => v.dateNotification ?? '',
    richness,
    versionFacts,
  ];
  for (const k of keys) {
    const x = k(a);
    const y = k(b);
    if (x !== y) return x > y ? a : b;
  }
  return a;
}

function mergeTitulaires(a: OrganisationRef[] | null, b: OrganisationRef[] | null): OrganisationRef[] | null {
  if (!a) return b;
  if (!b) return a;
  return unionBy(a, b, (t) => t.id);
}

function mergeVersions(a: readonly ContractVersion[], b: readonly ContractVersion[], flags: QualityFlag[]): ContractVersion[] {
  const bySeq = new Map<number, ContractVersion>(a.map((v) => [v.seq, v]));
  for (const v of b) {
    const mine = bySeq.get(v.seq);
    if (!mine) bySeq.set(v.seq, v);
    else if (versionFacts(mine) === versionFacts(v)) bySeq.set(v.seq, { ...mine, titulaires: mergeTitulaires(mine.titulaires, v.titulaires) });
    else {
      const kept = preferVersion(mine, v);
      bySeq.set(v.seq, kept);
      flags.push({
        code: 'VERSION_CONFLICT',
        field: `versions[${v.seq}]`,
        // No values in the text: the flag must be the same whatever the order rows are merged in (idempotence).
        message: `versions[${v.seq}]: sources publish different amounts, durations or dates for this version; the latest published is kept`,
      });
    }
  }
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

function latestPublication(c: Contract): string {
  return c.versions.reduce((max, v) => ((v.datePublicationDonnees ?? '') > max ? (v.datePublicationDonnees ?? '') : max), '');
}

/** The state whose content wins field by field: latest published, then more versions, then the state already held. */
function primaryOf(a: Contract, b: Contract): [Contract, Contract] {
  const pa = latestPublication(a);
  const pb = latestPublication(b);
  if (pa !== pb) return pa > pb ? [a, b] : [b, a];
  if (a.versions.length !== b.versions.length) return a.versions.length > b.versions.length ? [a, b] : [b, a];
  // A tie keeps the state already held (first argument): rows merged in file order keep their titulaire order.
  return [a, b];
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

function fill<T>(primary: T, secondary: T): T {
  return isEmpty(primary) ? secondary : primary;
}

function mergeEnrichment(a: Enrichment | null, b: Enrichment | null): Enrichment | null {
  if (!a || !b) return a ?? b;
  const acheteur = a.acheteur || b.acheteur ? { ...(b.acheteur ?? {}), ...Object.fromEntries(Object.entries(a.acheteur ?? {}).filter(([, v]) => !isEmpty(v))) } : undefined;
  const titulaires = a.titulaires || b.titulaires ? unionBy(a.titulaires ?? [], b.titulaires ?? [], (t) => t.id) : undefined;
  const out: Enrichment = { origin: a.origin };
  if (acheteur) out.acheteur = acheteur;
  if (titulaires) out.titulaires = titulaires;
  return out;
}

const flagKey = (f: QualityFlag): string => `${f.code}|${f.field ?? ''}|${f.message}`;
const provenanceKey = (p: Provenance): string => `${p.source}|${p.file}|${p.position}|${p.format}`;

/**
 * Merges two (partial or complete) states of the same uid: versions united by seq (same seq, same facts →
 * titulaires united by id; different facts → the latest published wins + VERSION_CONFLICT), provenance and
 * flags united without duplicates, contract fields taken from the latest-published state and filled from the
 * other, then the current state re-folded. merge(a, a) deep-equals a.
 */
export function mergeContracts(a: Contract, b: Contract): Contract {
  if (a.uid !== b.uid) throw new Error(`mergeContracts: different uids ${a.uid} / ${b.uid}`);
  const [primary, secondary] = primaryOf(a, b);
  const newFlags: QualityFlag[] = [];
  const versions = mergeVersions(primary.versions, secondary.versions, newFlags);
  const reuse = idReuseFlag(primary, secondary);
  if (reuse) newFlags.push(reuse);
  const state = foldVersions(versions);
  const merged: Contract = { ...secondary };
  for (const key of Object.keys(primary) as Array<keyof Contract>) {
    (merged as Record<keyof Contract, unknown>)[key] = fill(primary[key], secondary[key]);
  }
  const codeCPV = merged.codeCPV;
  return {
    ...merged,
    cpvDivision: cpvDivisionOf(codeCPV),
    purchaseType: purchaseTypeOf(codeCPV),
    acheteur: { ...primary.acheteur, denominationSociale: primary.acheteur.denominationSociale ?? secondary.acheteur.denominationSociale ?? null },
    montant: state.montant,
    montantInitial: state.montantInitial,
    montantUtilisable: state.montant !== null && amountUnusableReason(state.montant) === null,
    dureeMois: state.dureeMois,
    dureeMoisInitiale: state.dureeMoisInitiale,
    dateNotification: state.dateNotification,
    datePublicationDonnees: state.datePublicationDonnees,
    dateDerniereModification: state.dateDerniereModification,
    titulaires: state.titulaires,
    concession: primary.concession || secondary.concession ? { ...(secondary.concession ?? primary.concession), ...(primary.concession ?? {}), valeurGlobale: primary.concession || secondary.concession ? state.valeurGlobale : null } as Contract['concession'] : null,
    versions,
    flags: unionBy(unionBy(primary.flags, secondary.flags, flagKey), newFlags, flagKey),
    provenance: unionBy(primary.provenance, secondary.provenance, provenanceKey),
    enrichment: mergeEnrichment(primary.enrichment, secondary.enrichment),
  };
}
