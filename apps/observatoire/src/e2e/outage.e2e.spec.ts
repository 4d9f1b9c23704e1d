import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { CONSUMER_GROUP_TOPICS, createScratchDatabase, type ObservatoireConfig } from '@observatoire/platform';
import { fileInput, IngestFilesHandler } from '@observatoire/ingest';
import type { Observatoire } from '../compose/observatoire';
import { distributedConfig, embeddedConfig, eventually, getJson, startServices } from './support';
import { DedicatedEngine, FaultProxy, generatedFile, SqliteLocker, storeDigest, type StoreDigest } from './faults';

/**
 * Issue 20: an outage of a dependency during a catch-up never dead-letters an event. Each scenario
 * ingests the same generated file as a clean run, injects the fault while the consumers are catching
 * up, keeps it for the duration the issue names, and then expects zero dead letters in every group
 * and every store equal to the clean run (counts and a digest). Readiness must say the consumers are
 * paused while the dependency is down. The faults never touch the engines other tests share: a
 * dedicated PostgreSQL, a proxy in front of OpenSearch, another process locking the SQLite file.
 */
/**
 * Small catch-ups to keep the suite's time reasonable (the outages themselves take 30 s and 60 s). The
 * fault is injected once the catalog has committed its first batch of 500; the readiness check then
 * proves a consumer was still catching up (the test fails if the catch-up finished first).
 */
const CONTRACTS = { distributed: 1000, embedded: 2000 };
/** A catch-up takes seconds on a quiet machine, minutes on a loaded one: generous limits per step. */
const STEP_TIMEOUT = 900_000;

interface RunResult {
  catalog: StoreDigest;
  analytics: StoreDigest;
  search: { total: number; facets: string };
  deadLetters: Record<string, number>;
}

async function deadLetterCounts(obs: Observatoire, groups: string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const group of groups) for (const topic of CONSUMER_GROUP_TOPICS[group]) out[`${group} ${topic}`] = (await obs.bus.deadLetters(topic, group, 10_000)).length;
  return out;
}

async function searchState(url: string): Promise<RunResult['search']> {
  const r = await getJson(`${url}api/search?limit=1`);
  if (r.status !== 200) throw new Error(`search answered ${r.status}: ${JSON.stringify(r.body)}`);
  return { total: r.body.total, facets: JSON.stringify(r.body.facets) };
}

async function catalogCount(url: string): Promise<number> {
  return (await storeDigest('catalog', url)).counts.contract;
}

/** Waits until the consumers are catching up (some contracts in the catalog, not all), then returns. */
async function duringCatchUp(dbUrl: string, contracts: number): Promise<void> {
  await eventually('catch-up under way', async () => {
    const n = await catalogCount(dbUrl).catch(() => 0);
    if (n >= contracts) throw new Error(`the catch-up finished (${n} contracts) before the fault could be injected: raise CONTRACTS`);
    return n > 0;
  }, 120_000);
}

/** Readiness of a service while its dependency is down: 503, the consumers check names a paused group. */
async function expectPausedReadiness(url: string, group: string): Promise<void> {
  const health = await eventually(`${group} reported paused by /api/health`, async () => {
    const r = await getJson(`${url}api/health`);
    return r.status === 503 && r.body.checks?.consumers?.ok === false && String(r.body.checks.consumers.detail).includes(group) ? r.body : null;
  }, 60_000);
  expect(health.checks.consumers.detail).toContain('paused');
}

async function drainAll(apps: Observatoire[]): Promise<void> {
  // Twice: the catalog publishes organisation events that search and analytics consume.
  for (let round = 0; round < 2; round++) for (const a of apps) await a.drain(600_000);
}

describe('an outage of a dependency during a catch-up never dead-letters an event', () => {

  describe('distributed profile (Kafka, PostgreSQL, OpenSearch)', () => {
    const contracts = CONTRACTS.distributed;
    let file: string;
    let pg: DedicatedEngine;
    let search: FaultProxy;
    let clean: RunResult;
    const groups = ['observatoire-catalog', 'observatoire-search', 'observatoire-analytics'];

    /** One catch-up of the file on fresh stores; `fault` runs once the consumers are under way. */
    async function run(fault?: (ctx: { urls: string[]; dbs: { catalog: string; analytics: string }; ingested: Promise<unknown> }) => Promise<void>, kafka?: DedicatedEngine): Promise<RunResult> {
      const engines = inject('engines');
      const ns = `flt${randomUUID().slice(0, 8)}`;
      const dbs = {
        ingest: (await createScratchDatabase(engines.postgres.url, `${ns}_ingest`)).url,
        catalog: await pg.createDatabase(`${ns}_catalog`),
        analytics: await pg.createDatabase(`${ns}_analytics`),
      };
      const config: ObservatoireConfig = distributedConfig({ ...engines, opensearch: { url: search.url() }, ...(kafka ? { kafka: { brokers: kafka.brokers } } : {}) }, dbs, ns);
      const { apps, urls } = await startServices(config, [['ingest'], ['catalog'], ['search'], ['analytics']]);
      try {
        const ingested = apps[0].app.get(IngestFilesHandler).run([fileInput(file)], { source: 'fault-test', trigger: 'test' });
        if (fault) await fault({ urls, dbs, ingested });
        expect((await ingested).published).toBe(contracts);
        await drainAll(apps.slice(1));
        return {
          catalog: await storeDigest('catalog', dbs.catalog),
          analytics: await storeDigest('analytics', dbs.analytics),
          search: await searchState(urls[2]),
          deadLetters: Object.assign({}, ...(await Promise.all(apps.slice(1).map((a, i) => deadLetterCounts(a, [groups[i]]))))),
        };
      } finally {
        for (const a of apps) await a.close();
      }
    }

    beforeAll(async () => {
      file = await generatedFile(contracts);
      pg = await DedicatedEngine.start('postgres');
      search = await FaultProxy.to(inject('engines').opensearch.url);
      clean = await run();
      expect(clean.catalog.counts.contract).toBe(contracts);
      expect(clean.analytics.counts.analytics_contract).toBe(contracts);
      expect(clean.search.total).toBe(contracts);
    }, STEP_TIMEOUT);

    afterAll(async () => {
      await search?.stop();
      await pg?.down();
    });

    it('Kafka broker stopped for 30 s: every consumer reconnects and matches the clean run', async () => {
      const kafka = await DedicatedEngine.start('kafka');
      try {
        const faulty = await run(async ({ dbs, ingested }) => {
          // The producer's own retries are not under test: the broker stops once the file is published.
          await ingested;
          await duringCatchUp(dbs.catalog, contracts);
          const downAt = Date.now();
          await kafka.down();
          await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downAt))));
          await kafka.up();
        }, kafka);
        expect(Object.values(faulty.deadLetters).reduce((a, b) => a + b, 0)).toBe(0);
        expect(faulty.catalog).toEqual(clean.catalog);
        expect(faulty.analytics).toEqual(clean.analytics);
        expect(faulty.search).toEqual(clean.search);
      } finally {
        await kafka.down();
      }
    }, STEP_TIMEOUT);

    it('PostgreSQL down for 30 s: catalog and analytics pause, resume by themselves, and match the clean run', async () => {
      const faulty = await run(async ({ urls, dbs }) => {
        await duringCatchUp(dbs.catalog, contracts);
        const downAt = Date.now();
        await pg.down();
        await expectPausedReadiness(urls[1], 'observatoire-catalog');
        await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downAt))));
        await pg.up();
      });
      expect(Object.values(faulty.deadLetters).reduce((a, b) => a + b, 0)).toBe(0);
      expect(faulty.catalog).toEqual(clean.catalog);
      expect(faulty.analytics).toEqual(clean.analytics);
      expect(faulty.search).toEqual(clean.search);
    }, STEP_TIMEOUT);

    it('search engine unreachable for 60 s: the search consumer pauses, resumes by itself, and matches the clean run', async () => {
      const faulty = await run(async ({ urls, dbs }) => {
        await duringCatchUp(dbs.catalog, contracts);
        const downAt = Date.now();
        await search.stop();
        await expectPausedReadiness(urls[2], 'observatoire-search');
        await new Promise((r) => setTimeout(r, Math.max(0, 60_000 - (Date.now() - downAt))));
        await search.start();
      });
      expect(Object.values(faulty.deadLetters).reduce((a, b) => a + b, 0)).toBe(0);
      expect(faulty.search).toEqual(clean.search);
      expect(faulty.catalog).toEqual(clean.catalog);
      expect(faulty.analytics).toEqual(clean.analytics);
    }, STEP_TIMEOUT);
  });

  describe('embedded profile (embedded log, SQLite)', () => {
    const contracts = CONTRACTS.embedded;
    let file: string;
    beforeAll(async () => {
      file = await generatedFile(contracts);
    });

    async function run(fault?: (ctx: { url: string; catalogDb: string }) => Promise<void>): Promise<RunResult> {
      const config = embeddedConfig();
      const { apps, urls } = await startServices(config, [['ingest', 'catalog', 'search', 'analytics']]);
      const obs = apps[0];
      try {
        const ingested = obs.app.get(IngestFilesHandler).run([fileInput(file)], { source: 'fault-test', trigger: 'test' });
        if (fault) await fault({ url: urls[0], catalogDb: config.databases.catalog });
        expect((await ingested).published).toBe(contracts);
        await drainAll([obs]);
        return {
          catalog: await storeDigest('catalog', config.databases.catalog),
          analytics: await storeDigest('analytics', config.databases.analytics),
          search: await searchState(urls[0]),
          deadLetters: await deadLetterCounts(obs, ['observatoire-catalog', 'observatoire-search', 'observatoire-analytics']),
        };
      } finally {
        await obs.close();
      }
    }

    it("the catalog's SQLite file locked by another process for 30 s: no dead letter, every store equal to a clean run", async () => {
      const clean = await run();
      expect(clean.catalog.counts.contract).toBe(contracts);
      const faulty = await run(async ({ url, catalogDb }) => {
        await duringCatchUp(catalogDb, contracts);
        const lockedAt = Date.now();
        const locker = await SqliteLocker.lock(catalogDb.slice('sqlite:'.length));
        await expectPausedReadiness(url, 'observatoire-catalog');
        await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - lockedAt))));
        await locker.release();
      });
      expect(Object.values(faulty.deadLetters).reduce((a, b) => a + b, 0)).toBe(0);
      expect(faulty.catalog).toEqual(clean.catalog);
      expect(faulty.analytics).toEqual(clean.analytics);
      expect(faulty.search).toEqual(clean.search);
    }, STEP_TIMEOUT);
  });
});
