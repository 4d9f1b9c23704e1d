/**
 * Parse + normalise throughput on a large synthetic DECP file, with peak RSS sampled during the run.
 *   node -r @swc-node/register services/ingest/bench/parse-throughput.ts --contracts 200000 [--shape decp-info-csv] [--gzip]
 */
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Command } from 'commander';
import { generateDecp } from '../src/generator';
import { normaliseRecord, readRecords } from '../src/domain';

interface Options {
  contracts: string;
  seed: string;
  shape: 'decp-2022-json' | 'decp-info-csv';
  gzip?: boolean;
  keep?: boolean;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

async function generateFile(opts: Options, path: string): Promise<void> {
  const out = createWriteStream(path);
  const through = new PassThrough();
  const done = pipeline(through, ...(opts.gzip ? [createGzip({ level: 1 })] : []), out);
  await generateDecp({ contracts: Number(opts.contracts), seed: Number(opts.seed), shape: opts.shape }, through);
  through.end();
  await done;
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--contracts <n>', 'number of synthetic contracts', '200000')
    .option('--seed <n>', 'PRNG seed', '20240701')
    .option('--shape <shape>', 'decp-2022-json | decp-info-csv', 'decp-2022-json')
    .option('--gzip', 'gzip the generated file')
    .option('--keep', 'keep the generated file')
    .parse()
    .opts<Options>();
  const path = join(tmpdir(), `decp-bench-${process.pid}.${opts.shape === 'decp-info-csv' ? 'csv' : 'json'}${opts.gzip ? '.gz' : ''}`);
  let t = Date.now();
  await generateFile(opts, path);
  const size = (await fsp.stat(path)).size;
  console.log(`generated ${opts.contracts} contracts (${opts.shape}${opts.gzip ? ', gzip' : ''}) → ${mb(size)} MB in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const counts = { records: 0, accepted: 0, flagged: 0, quarantined: 0, fileErrors: 0 };
  t = Date.now();
  for await (const raw of readRecords({ name: path, open: () => createReadStream(path) })) {
    counts.records++;
    if (raw.problem?.level === 'file') counts.fileErrors++;
    counts[normaliseRecord(raw, { source: 'synthetic' }).status]++;
  }
  const seconds = (Date.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify(counts));
  console.log(`parse+normalise: ${seconds.toFixed(1)} s, ${Math.round(counts.records / seconds)} records/s, ${(size / 1024 / 1024 / seconds).toFixed(1)} MB/s (${opts.gzip ? 'compressed' : 'file'} bytes)`);
  console.log(`RSS: before ${mb(baseline)} MB, peak during run ${mb(peak)} MB (file ${mb(size)} MB)`);
  if (!opts.keep) await fsp.unlink(path);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
