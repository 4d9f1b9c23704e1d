import type { Writable } from 'node:stream';
import { CSV_COLUMNS, SYNTHETIC_SOURCE, toDecp2022Item, toDecpInfoRows } from './decp-writers';
import { Prng } from './prng';
import { drawContract, SyntheticWorld, type SyntheticContract } from './synthetic-contract';

export interface GenerateOptions {
  /** Number of distinct contracts; about 5 % more records are written as cross-source duplicates. */
  readonly contracts: number;
  readonly seed: number;
  readonly shape: 'decp-2022-json' | 'decp-info-csv';
}

export interface GenerateSummary {
  readonly contracts: number;
  readonly records: number;
  readonly duplicates: number;
  readonly messy: number;
}

const BATCH = 256;
const DUPLICATE_RATE = 0.05;
const RECENT = 1000;

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    out.once('error', onError);
    const ok = out.write(text, (err) => {
      if (err) reject(err);
    });
    const done = (): void => {
      out.off('error', onError);
      resolve();
    };
    if (ok) done();
    else out.once('drain', done);
  });
}

function* records(opts: GenerateOptions, stats: { duplicates: number; messy: number }): Generator<SyntheticContract> {
  const rng = new Prng(opts.seed);
  const world = new SyntheticWorld(rng);
  const recent: SyntheticContract[] = [];
  for (let i = 1; i <= opts.contracts; i++) {
    const c = drawContract(rng, world, i);
    if (c.messy) stats.messy++;
    yield c;
    if (recent.length < RECENT) recent.push(c);
    else recent[i % RECENT] = c;
    if (rng.chance(DUPLICATE_RATE)) {
      stats.duplicates++;
      yield { ...rng.pick(recent), duplicate: true };
    }
  }
}

/**
 * Streams a deterministic (seeded) synthetic DECP file of any size to `out`, in the 2022 JSON shape or
 * the decp.info CSV shape, respecting backpressure: memory stays flat whatever `contracts` is. Every
 * record is marked synthetic. Does not end `out`.
 */
export async function generateDecp(opts: GenerateOptions, out: Writable): Promise<GenerateSummary> {
  const stats = { duplicates: 0, messy: 0 };
  let count = 0;
  let batch: string[] = [];
  const json = opts.shape === 'decp-2022-json';
  await write(out, json ? `{"source":"${SYNTHETIC_SOURCE}","marches":{"marche":[\n` : `${CSV_COLUMNS.join(',')}\n`);
  for (const c of records(opts, stats)) {
    if (json) batch.push(`${count > 0 ? ',' : ''}${JSON.stringify(toDecp2022Item(c))}`);
    else batch.push(...toDecpInfoRows(c));
    count++;
    if (batch.length >= BATCH) {
      await write(out, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length) await write(out, `${batch.join('\n')}\n`);
  if (json) await write(out, ']}}\n');
  return { contracts: opts.contracts, records: count, duplicates: stats.duplicates, messy: stats.messy };
}
