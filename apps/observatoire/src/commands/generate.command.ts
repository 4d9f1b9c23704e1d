import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { generateDecp } from '@observatoire/ingest';

export async function generateCommand(o: { contracts: number; seed: number; shape: 'decp-2022-json' | 'decp-info-csv'; out: string }) {
  const sink = new PassThrough();
  const done = o.out.endsWith('.gz') ? pipeline(sink, createGzip(), createWriteStream(o.out)) : pipeline(sink, createWriteStream(o.out));
  await generateDecp({ contracts: o.contracts, seed: o.seed, shape: o.shape }, sink);
  sink.end();
  await done;
  process.stderr.write(`${o.contracts} contrats synthétiques écrits dans ${o.out}\n`);
}
