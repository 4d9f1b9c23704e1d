/**
 * The ingest stage (file → ledger → ContractPublished in the embedded log), beside its raw bounds measured in
 * the same run on the same generated file:
 *  - bound 1: read + validate + normalise in one loop of this thread, nothing stored;
 *  - bound 2: a plain better-sqlite3 INSERT of as many rows of the same width (the staged JSON), one
 *    prepared statement in 1,000-row transactions;
 *  - the stage: IngestFilesHandler on a fresh SQLite ledger and embedded event log (what `observatoire ingest`
 *    runs), with peak RSS of the process sampled every 50 ms.
 *   node -r @swc-node/register services/ingest/bench/ingest-throughput.ts --contracts 100000 [--skip-bounds]
 */
import { createReadStream, createWriteStream, mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { EmbeddedEventLog } from '@observatoire/platform';
import { generateDecp, normaliseRecord, readRecords } from '../src/domain';
import { IngestFilesHandler } from '../src/application/ingest-files/ingest-files.handler';
import { createIngestOrm, migrateIngest } from '../src/infrastructure/persistence/ingest-orm';

interface Options {
  contracts: string;
  seed: string;
  skipBounds?: boolean;
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

async function main(): Promise<void> {
  const opts = new Command()
    .option('--contracts <n>', 'synthetic contracts', '100000')
    .option('--seed <n>', 'PRNG seed', '20240701')
    .option('--skip-bounds', 'measure the stage only')
    .parse()
    .opts<Options>();
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const file = join(dir, 'decp.json.gz');
  try {
    const through = new PassThrough();
    const written = pipeline(through, createGzip({ level: 1 }), createWriteStream(file));
    await generateDecp({ contracts: Number(opts.contracts), seed: Number(opts.seed), shape: 'decp-2022-json' }, through);
    through.end();
    await written;
    console.log(`file: ${opts.contracts} contracts, ${mb((await fsp.stat(file)).size)} MB gzipped`);

    let records = 0;
    if (!opts.skipBounds) {
      let t = performance.now();
      const widths: number[] = [];
      for await (const raw of readRecords({ name: file, open: () => createReadStream(file) })) {
        records++;
        const o = normaliseRecord(raw, { source: 'bench' });
        if (o.status !== 'quarantined' && widths.length < 1000) widths.push(JSON.stringify(o.contract).length);
      }
      const parseRate = records / ((performance.now() - t) / 1000);
      console.log(`bound 1, read+validate+normalise (one thread): ${Math.round(parseRate)} records/s`);

      const width = Math.round(widths.reduce((a, b) => a + b, 0) / widths.length);
      const db = new Database(join(dir, 'raw.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec('create table t (uid text primary key, state text not null, hash text not null)');
      const insert = db.prepare('insert into t values (?, ?, ?)');
      const payload = 'x'.repeat(width);
      const many = db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) insert.run(`uid-${i}`, payload, 'h'.repeat(64));
      });
      t = performance.now();
      for (let i = 0; i < records; i += 1000) many(i, Math.min(records, i + 1000));
      const insertRate = records / ((performance.now() - t) / 1000);
      db.close();
      console.log(`bound 2, plain better-sqlite3 insert of ${records} rows of ${width} characters: ${Math.round(insertRate)} rows/s`);
      console.log(`slowest bound: ${Math.round(Math.min(parseRate, insertRate))} records/s`);
      (global as { boundRate?: number }).boundRate = Math.min(parseRate, insertRate);
    }

    global.gc?.();
    const peak = rssSampler();
    const orm = await createIngestOrm(`sqlite:${join(dir, 'ingest.db')}`);
    await migrateIngest(orm);
    const bus = new EmbeddedEventLog(join(dir, 'events'));
    const t = performance.now();
    const s = await new IngestFilesHandler(orm, bus).run([{ name: file, open: () => createReadStream(file) }], { source: 'bench', trigger: 'bench' });
    const seconds = (performance.now() - t) / 1000;
    const rss = peak();
    await bus.close();
    await orm.close();
    const rate = s.records / seconds;
    const bound = (global as { boundRate?: number }).boundRate;
    console.log(`stage, IngestFilesHandler (SQLite ledger + embedded log): ${s.records} records, ${s.published} published in ${seconds.toFixed(1)} s: ${Math.round(rate)} records/s${bound ? ` = ${(rate / bound).toFixed(2)}× the slowest bound` : ''}`);
    console.log(`peak RSS during the stage: ${mb(rss)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
