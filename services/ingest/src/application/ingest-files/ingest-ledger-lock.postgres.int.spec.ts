import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { EmbeddedEventLog } from '@observatoire/platform';
import { inject } from 'vitest';
import { createLedgerLock } from '../../infrastructure/locking/create-ledger-lock';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
import { createScratchDatabase } from '../../../test/support/scratch-postgres';
import { gatedInput, memoryLogger, publicationsPerContract, publishedContracts, runsWereSerialised } from '../../../test/support/ingest-runs';
import { IngestFilesHandler } from './ingest-files.handler';
import type { LedgerLockOptions } from './ledger-lock';
import { fileInput } from './resolve-inputs';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');
const BRETON = join(FIXTURES, 'real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_bretagne.csv');
const MEGALIS = join(FIXTURES, 'real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json');
/** Contracts in BRETON (324) and MEGALIS (5): the union two overlapping runs must publish, once each. */
const UNION = 329;
const TUNING = { stageBatch: 50, publishPage: 40 };
const FAST: Partial<LedgerLockOptions> = { pollMs: 20, heartbeatMs: 100, logEveryMs: 50 };

/**
 * The ledger lock on real PostgreSQL: a session advisory lock on one dedicated connection per run.
 * Two ORMs (two connection pools, two lock instances) stand for two ingest processes.
 */
describe('one ingest run at a time per ledger (PostgreSQL advisory lock)', () => {
  let database: { url: string; drop(): Promise<void> };
  let one: MikroORM;
  let two: MikroORM;
  let bus: EmbeddedEventLog;

  const knexOf = (orm: MikroORM) => (orm.em.fork() as unknown as SqlEntityManager).getKnex();
  /** Sessions of this test's database holding a ledger lock (named after their run in pg_stat_activity). */
  const lockSessions = async () =>
    ((await knexOf(one).raw(`select pid, application_name from pg_stat_activity where datname = current_database() and application_name like 'observatoire-ingest-lock %'`)) as {
      rows: { pid: number; application_name: string }[];
    }).rows;
  const terminate = async (pid: number) => knexOf(one).raw('select pg_terminate_backend(?)', [pid]);
  const until = async (check: () => boolean | Promise<boolean>, ms = 5_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('condition not reached');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  beforeAll(async () => {
    database = await createScratchDatabase(inject('engines').postgres.url);
    one = await createIngestOrm(database.url);
    await migrateIngest(one);
    two = await createIngestOrm(database.url);
  });

  beforeEach(async () => {
    await knexOf(one).raw('truncate ingest_contract_state, ingest_run, ingest_quarantine, ingest_ledger_lock');
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'ingest-lock-pg-bus-')));
  });

  afterEach(async () => {
    await bus.close();
  });

  afterAll(async () => {
    await one.close(true);
    await two.close(true);
    await database.drop();
  });

  it('serialises two concurrent runs of two processes on overlapping files: each contract is published exactly once in total', async () => {
    const logger = memoryLogger();
    const first = new IngestFilesHandler(one, bus, TUNING, undefined, createLedgerLock(one, { ...FAST, logger }));
    const second = new IngestFilesHandler(two, bus, TUNING, undefined, createLedgerLock(two, { ...FAST, logger }));
    const [a, b] = await Promise.all([
      first.run([fileInput(BRETON, 'bretagne.csv'), fileInput(MEGALIS, 'megalis.json')], { source: 'platform-a', trigger: 'upload' }),
      second.run([fileInput(MEGALIS, 'megalis.json'), fileInput(BRETON, 'bretagne.csv')], { source: 'platform-b', trigger: 'feed:f_x' }),
    ]);
    expect(a.records).toBe(b.records);
    expect(a.published + b.published).toBe(UNION);
    const counts = publicationsPerContract(await publishedContracts(bus));
    expect(counts.size).toBe(UNION);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    const { serialised, runs } = await runsWereSerialised(one);
    expect(runs.map((r) => r.runId).sort()).toEqual([a.runId, b.runId].sort());
    expect(serialised).toBe(true);
    // the run that waited named the one holding the ledger (read from ingest_ledger_lock)
    const [holder, waiter] = runs[0].runId === a.runId ? [a, b] : [b, a];
    expect(logger.lines.some((l) => l.startsWith(`ingest run ${waiter.runId} `) && l.includes(`waiting for ingest run ${holder.runId} (`))).toBe(true);
    // nothing left behind: no lock session, no holder row
    expect(await lockSessions()).toEqual([]);
    expect(await knexOf(one).select('*').from('ingest_ledger_lock')).toEqual([]);
  });

  it('waits a bounded time, then refuses with INGEST_LEDGER_BUSY naming the holder', async () => {
    const held = await createLedgerLock(one, FAST).acquire({ runId: 'run-holder', trigger: 'cli' });
    try {
      expect((await lockSessions()).map((s) => s.application_name)).toEqual(['observatoire-ingest-lock run-holder']);
      const handler = new IngestFilesHandler(two, bus, TUNING, undefined, createLedgerLock(two, { ...FAST, logger: memoryLogger() }));
      const started = Date.now();
      const err = await handler.run([fileInput(MEGALIS, 'megalis.json')], { source: 's', trigger: 'upload', lockWaitMs: 300 }).catch((e) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      expect(err).toMatchObject({ code: 'INGEST_LEDGER_BUSY', httpStatus: 409, details: { holder: { runId: 'run-holder', trigger: 'cli' } } });
      expect(await knexOf(one).count({ n: '*' }).from('ingest_run').first()).toMatchObject({ n: '0' });
    } finally {
      await held.release();
    }
    expect(await lockSessions()).toEqual([]);
  });

  it('releases the lock when its connection is lost: the holder knows it, another process gets the ledger', async () => {
    const held = await createLedgerLock(one, FAST).acquire({ runId: 'run-doomed', trigger: 'cli' });
    const [session] = await lockSessions();
    await terminate(session.pid);
    await until(() => held.lostReason !== null);
    expect(() => held.assertHeld()).toThrow(expect.objectContaining({ code: 'INGEST_LEDGER_LOCK_LOST' }));
    const next = await createLedgerLock(two, FAST).acquire({ runId: 'run-next', trigger: 'cli' }, { waitMs: 2_000 });
    expect(next.waitedMs).toBeLessThan(2_000);
    await next.release();
    await held.release();
    expect(await lockSessions()).toEqual([]);
  });

  it('stops a run whose lock connection dies mid-file, before its next write, and lets the next run publish everything', async () => {
    const handler = new IngestFilesHandler(one, bus, TUNING, undefined, createLedgerLock(one, { ...FAST, logger: memoryLogger() }));
    const gated = gatedInput(BRETON, 'bretagne.csv', 120);
    const running = handler.run([gated.input], { source: 's', trigger: 'cli' }).catch((e) => e);
    await gated.reached;
    const [session] = await lockSessions();
    await terminate(session.pid);
    await until(async () => (await lockSessions()).length === 0);
    gated.open();
    const err = await running;
    expect(err).toMatchObject({ code: 'INGEST_LEDGER_LOCK_LOST' });
    expect(await publishedContracts(bus)).toHaveLength(0);

    const again = await new IngestFilesHandler(two, bus, TUNING, undefined, createLedgerLock(two, FAST)).run([fileInput(BRETON, 'bretagne.csv')], { source: 's', trigger: 'cli' });
    expect(again.published).toBe(324);
    expect(publicationsPerContract(await publishedContracts(bus)).size).toBe(324);
  });
});
