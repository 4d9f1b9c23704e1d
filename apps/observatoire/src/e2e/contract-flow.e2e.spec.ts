import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { fileInput, IngestFilesHandler } from '@observatoire/ingest';
import type { Observatoire } from '../compose/observatoire';
import { BRETON_CSV, createDatabases, distributedConfig, embeddedConfig, eventually, getJson, postJson, rebuildAnalyticsThroughAdminApi, startServices } from './support';

/** Contracts of the real Breton decp.info extract, counted from the file itself. */
function breton() {
  const lines = readFileSync(BRETON_CSV, 'utf8').trim().split('\n').slice(1);
  const uids = new Set(lines.map((l) => l.split(',')[0]));
  return { rows: lines.length, contracts: uids.size, someUid: lines[0].split(',')[0] };
}

async function upload(baseUrl: string, file: string, key: string | null) {
  return fetch(`${baseUrl}api/ingest/uploads?filename=bretagne.csv&source=e2e`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: readFileSync(file),
  });
}

describe('a real DECP file travels end to end', () => {
  const expected = breton();

  describe('distributed profile: Kafka, PostgreSQL and OpenSearch, one app per service', () => {
    let apps: Observatoire[] = [];
    let urls: Record<string, string> = {};

    beforeAll(async () => {
      const engines = inject('engines');
      const ns = `e2e${randomUUID().slice(0, 8)}`;
      const dbs = await createDatabases(engines.postgres.url, ns);
      const config = distributedConfig(engines, dbs, ns);
      const started = await startServices(config, [['ingest'], ['catalog'], ['search'], ['analytics']]);
      apps = started.apps;
      urls = { ingest: started.urls[0], catalog: started.urls[1], search: started.urls[2], analytics: started.urls[3] };
    });

    afterAll(async () => {
      for (const a of apps) await a.close();
    });

    it('refuses an anonymous upload and accepts the file with an admin key', async () => {
      const anonymous = await upload(urls.ingest, BRETON_CSV, null);
      expect(anonymous.status).toBe(401);
      const res = await upload(urls.ingest, BRETON_CSV, 'test-admin-key');
      expect(res.status).toBe(201);
      const summary = (await res.json()) as { records: number; accepted: number; flagged: number; quarantined: number; published: number };
      expect(summary.records).toBe(expected.rows);
      expect(summary.accepted + summary.flagged + summary.quarantined).toBe(summary.records);
      expect(summary.published).toBe(expected.contracts);
    });

    it('persists every published contract in PostgreSQL through the catalog consumer', async () => {
      const contract = await eventually('contract in catalog', async () => {
        const r = await getJson(`${urls.catalog}api/contrats/${encodeURIComponent(expected.someUid)}`);
        return r.status === 200 ? r.body : null;
      });
      expect(contract.uid ?? contract.contract?.uid).toBe(expected.someUid);
    });

    it('makes the contracts searchable through the public search endpoint on OpenSearch', async () => {
      const result = await eventually('contracts indexed', async () => {
        const r = await getJson(`${urls.search}api/search?typeAchat=travaux&limit=5`);
        return r.status === 200 && r.body.total === expected.contracts ? r.body : null;
      });
      expect(result.items.length).toBeGreaterThan(0);
      expect(result.items[0].link).toMatch(/^\/contrats\//);
    });

    it('counts the contracts in the analytics projection', async () => {
      const indicators = await eventually('contracts projected', async () => {
        const r = await getJson(`${urls.analytics}api/indicators?territoire=bretagne`);
        return r.status === 200 && r.body.contracts === expected.contracts ? r.body : null;
      });
      expect(indicators.indicators.length).toBeGreaterThan(10);
    });

    it('rebuilds the analytics projections from Kafka into fresh PostgreSQL tables and switches over (admin API)', async () => {
      expect((await postJson(`${urls.analytics}api/admin/replay/observatoire-analytics`, null)).status).toBe(401);
      const before = await getJson(`${urls.analytics}api/indicators?territoire=bretagne`);
      const job = await rebuildAnalyticsThroughAdminApi(urls.analytics, 'test-admin-key');
      expect(job.report).toMatchObject({ store: 'postgresql', rows: { contracts: expected.contracts } });
      const after = await getJson(`${urls.analytics}api/indicators?territoire=bretagne`);
      expect(after.body.contracts).toBe(expected.contracts);
      expect(after.body.indicators).toEqual(before.body.indicators);
    });

    it('publishes nothing new when the same file is uploaded again', async () => {
      const res = await upload(urls.ingest, BRETON_CSV, 'test-admin-key');
      const summary = (await res.json()) as { published: number; duplicates: number; records: number };
      expect(summary.published).toBe(0);
      expect(summary.duplicates).toBe(summary.records);
    });
  });

  describe('embedded profile: one process, embedded log, SQLite and the embedded search engine', () => {
    let obs: Observatoire;
    let url: string;

    beforeAll(async () => {
      const config = embeddedConfig();
      const started = await startServices(config, [['ingest', 'catalog', 'search', 'analytics']]);
      obs = started.apps[0];
      url = started.urls[0];
    });

    afterAll(async () => {
      await obs?.close();
    });

    it('ingests, persists, indexes and counts the same file', async () => {
      const summary = await obs.app.get(IngestFilesHandler).run([fileInput(BRETON_CSV)], { source: 'e2e', trigger: 'test' });
      expect(summary.published).toBe(expected.contracts);
      await obs.drain(120_000);
      const contract = await getJson(`${url}api/contrats/${encodeURIComponent(expected.someUid)}`);
      expect(contract.status).toBe(200);
      const search = await getJson(`${url}api/search?typeAchat=travaux&limit=5`);
      expect(search.body.total).toBe(expected.contracts);
      const indicators = await getJson(`${url}api/indicators?territoire=bretagne`);
      expect(indicators.body.contracts).toBe(expected.contracts);
      const health = await getJson(`${url}api/health`);
      expect(health.status).toBe(200);
      expect(Object.keys(health.body.checks)).toEqual(expect.arrayContaining(['eventBus', 'ingestDatabase', 'catalogDatabase']));
    });

    it('rebuilds the analytics projections into a fresh SQLite store and switches over while serving (admin API)', async () => {
      const before = await getJson(`${url}api/indicators?territoire=bretagne`);
      const job = await rebuildAnalyticsThroughAdminApi(url, 'test-admin-key');
      expect(job.report).toMatchObject({ store: 'sqlite', rows: { contracts: expected.contracts } });
      const after = await getJson(`${url}api/indicators?territoire=bretagne`);
      expect(after.body.indicators).toEqual(before.body.indicators);
    });
  });
});
