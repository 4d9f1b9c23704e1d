import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { EmbeddedEventLog } from '@observatoire/platform';
import { createLedgerLock } from '../../infrastructure/locking/create-ledger-lock';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
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
const FAST: Partial<LedgerLockOptions> = { pollMs: 20, heartbeatMs: 50, logEveryMs: 50 };

const knexOf = (orm: MikroORM) => (orm.em.fork() as unknown as SqlEntityManager).getKnex();

describe('one ingest run at a time per ledger (SQLite)', () => {
  let dir: string;
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  const extraOrms: MikroORM[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-lock-'));
    orm = await createIngestOrm(`sqlite:${join(dir, 'ingest.db')}`);
    await migrateIngest(orm);
    bus = new EmbeddedEventLog(join(dir, 'bus'));
  });

  afterEach(async () => {
    await bus.close();
    for (const o of extraOrms.splice(0)) await o.close();
    await orm.close();
  });

  it('serialises two concurrent runs of one process on overlapping files: each contract is published once in total', async () => {
    const logger = memoryLogger();
    const handler = new IngestFilesHandler(orm, bus, TUNING, undefined, createLedgerLock(orm, { ...FAST, logger }));
    const [a, b] = await Promise.all([
      handler.run([fileInput(BRETON, 'bretagne.csv'), fileInput(MEGALIS, 'megalis.json')], { source: 'platform-a', trigger: 'upload' }),
      handler.run([fileInput(MEGALIS, 'megalis.json'), fileInput(BRETON, 'bretagne.csv')], { source: 'platform-b', trigger: 'feed:f_x' }),
    ]);
    expect(a.published + b.published).toBe(UNION);
    const counts = publicationsPerContract(await publishedContracts(bus));
    expect(counts.size).toBe(UNION);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const { serialised, runs } = await runsWereSerialised(orm);
    expect(runs).toHaveLength(2);
    expect(serialised).toBe(true);
    expect(logger.lines.some((l) => l.includes(`(feed:f_x) waiting for ingest run ${a.runId} (upload, since `))).toBe(true);
  });

  it('serialises runs of two processes on the same SQLite file through the lease row', async () => {
    const other = await createIngestOrm(`sqlite:${join(dir, 'ingest.db')}`);
    extraOrms.push(other);
    const logger = memoryLogger();
    const first = new IngestFilesHandler(orm, bus, TUNING, undefined, createLedgerLock(orm, { ...FAST, logger }));
    const second = new IngestFilesHandler(other, bus, TUNING, undefined, createLedgerLock(other, { ...FAST, logger }));
    const [a, b] = await Promise.all([
      first.run([fileInput(BRETON, 'bretagne.csv'), fileInput(MEGALIS, 'megalis.json')], { source: 'platform-a', trigger: 'cli' }),
      second.run([fileInput(MEGALIS, 'megalis.json'), fileInput(BRETON, 'bretagne.csv')], { source: 'platform-b', trigger: 'upload' }),
    ]);
    expect(a.published + b.published).toBe(UNION);
    const counts = publicationsPerContract(await publishedContracts(bus));
    expect(counts.size).toBe(UNION);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect((await runsWereSerialised(orm)).serialised).toBe(true);
    expect(logger.lines.some((l) => /waiting for ingest run [0-9a-f-]{36} \((cli|upload), since /.test(l))).toBe(true);
    expect(await knexOf(orm).count({ n: '*' }).from('ingest_ledger_lock').first()).toMatchObject({ n: 0 });
  });

  it('gives up after the wait with INGEST_LEDGER_BUSY naming the holder, without touching the ledger', async () => {
    const lock = createLedgerLock(orm, FAST);
    const held = await lock.acquire({ runId: 'run-holder', trigger: 'cli' });
    try {
      const handler = new IngestFilesHandler(orm, bus, TUNING, undefined, createLedgerLock(orm, { ...FAST, logger: memoryLogger() }));
      const err = await handler.run([fileInput(MEGALIS, 'megalis.json')], { source: 's', trigger: 'upload', lockWaitMs: 150 }).catch((e) => e);
      expect(err).toMatchObject({ code: 'INGEST_LEDGER_BUSY', httpStatus: 409, details: { holder: { runId: 'run-holder', trigger: 'cli' } } });
      expect(err.message).toMatch(/Une autre intégration occupe le registre des marchés \(exécution run-holder, cli/);
      expect(await knexOf(orm).count({ n: '*' }).from('ingest_contract_state').first()).toMatchObject({ n: 0 });
      expect(await knexOf(orm).count({ n: '*' }).from('ingest_run').first()).toMatchObject({ n: 0 });
    } finally {
      await held.release();
    }
  });

  it('takes over the lease of a crashed holder once it expires, and not before', async () => {
    const now = Date.now();
    await knexOf(orm)
      .insert({ name: 'ingest_contract_state', owner_run: 'crashed', owner_trigger: 'cli', acquired_at: now - 60_000, heartbeat_at: now - 60_000, expires_at: now + 400 })
      .into('ingest_ledger_lock');
    const logger = memoryLogger();
    const handler = new IngestFilesHandler(orm, bus, TUNING, undefined, createLedgerLock(orm, { ...FAST, logger }));
    const started = Date.now();
    const s = await handler.run([fileInput(MEGALIS, 'megalis.json')], { source: 's', trigger: 'upload', lockWaitMs: 5_000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(s.published).toBe(5);
    expect(logger.lines[0]).toMatch(/waiting for ingest run crashed \(cli, since /);
  });

  it('stops a run whose lease was taken over, at its next write, with INGEST_LEDGER_LOCK_LOST', async () => {
    const handler = new IngestFilesHandler(orm, bus, TUNING, undefined, createLedgerLock(orm, { ...FAST, logger: memoryLogger() }));
    const gated = gatedInput(BRETON, 'bretagne.csv', 120);
    const running = handler.run([gated.input], { source: 's', trigger: 'cli' }).catch((e) => e);
    await gated.reached;
    await knexOf(orm).table('ingest_ledger_lock').update({ owner_run: 'thief' });
    await new Promise((r) => setTimeout(r, 200)); // a heartbeat notices
    gated.open();
    const err = await running;
    expect(err).toMatchObject({ code: 'INGEST_LEDGER_LOCK_LOST', httpStatus: 503 });
    expect(err.message).toMatch(/bail repris par une autre exécution/);
    expect(await publishedContracts(bus)).toHaveLength(0);
    // the thief's row is left alone
    expect(await knexOf(orm).select('owner_run').from('ingest_ledger_lock').first()).toMatchObject({ owner_run: 'thief' });
  });

  it('queues the runs of one process in arrival order', async () => {
    const lock = createLedgerLock(orm, { ...FAST, logger: memoryLogger() });
    const order: string[] = [];
    const first = await lock.acquire({ runId: 'r1', trigger: 't' });
    const waiting = ['r2', 'r3', 'r4'].map((runId) =>
      lock.acquire({ runId, trigger: 't' }).then(async (lease) => {
        order.push(runId);
        await new Promise((r) => setTimeout(r, 10));
        await lease.release();
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    await first.release();
    await Promise.all(waiting);
    expect(order).toEqual(['r2', 'r3', 'r4']);
  });
});
