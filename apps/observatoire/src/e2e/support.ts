import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createScratchDatabase, loadConfig, type ObservatoireConfig } from '@observatoire/platform';
import type { ProvidedContext } from 'vitest';
import { createObservatoire, type Observatoire } from '../compose/observatoire';
import { createLogger } from '../compose/logger';
import { migrateAll, SERVICE_NAMES, type ServiceName } from '../compose/services';

export const SEED_DIR = resolve(__dirname, '../seed');
export const BRETON_CSV = join(SEED_DIR, 'decp_2024H2_travaux_cpv4521_bretagne.csv');

/** Fresh PostgreSQL databases, one per service, on the test cluster. */
export async function createDatabases(pgUrl: string, prefix: string): Promise<Record<'ingest' | 'catalog' | 'analytics', string>> {
  const out = {} as Record<'ingest' | 'catalog' | 'analytics', string>;
  for (const s of ['ingest', 'catalog', 'analytics'] as const) out[s] = (await createScratchDatabase(pgUrl, `${prefix}_${s}`.replace(/[^a-z0-9_]/g, '_'))).url;
  return out;
}

type EngineInfo = ProvidedContext['engines'];

export function distributedConfig(engines: EngineInfo, dbs: Record<'ingest' | 'catalog' | 'analytics', string>, ns: string): ObservatoireConfig {
  return loadConfig({
    OBSERVATOIRE_PROFILE: 'distributed',
    OBSERVATOIRE_DATA_DIR: mkdtempSync(join(tmpdir(), 'obs-dist-')),
    KAFKA_BROKERS: engines.kafka.brokers.join(','),
    KAFKA_NAMESPACE: ns,
    INGEST_DATABASE_URL: dbs.ingest,
    CATALOG_DATABASE_URL: dbs.catalog,
    ANALYTICS_DATABASE_URL: dbs.analytics,
    SEARCH_URL: engines.opensearch.url,
    SEARCH_ENGINE_FLAVOR: 'opensearch',
    SEARCH_INDEX_PREFIX: ns,
    OBSERVATOIRE_ADMIN_TOKENS: 'test-admin-key',
    LOG_LEVEL: 'warn',
  });
}

export function embeddedConfig(): ObservatoireConfig {
  return loadConfig({ OBSERVATOIRE_DATA_DIR: mkdtempSync(join(tmpdir(), 'obs-emb-')), OBSERVATOIRE_ADMIN_TOKENS: 'test-admin-key', LOG_LEVEL: 'warn' });
}

/** Start services as the given processes would (one Nest app per entry), listening on ephemeral ports. */
export async function startServices(config: ObservatoireConfig, groups: ServiceName[][]): Promise<{ apps: Observatoire[]; urls: string[] }> {
  await migrateAll(config, SERVICE_NAMES);
  const apps: Observatoire[] = [];
  const urls: string[] = [];
  for (const services of groups) {
    const obs = await createObservatoire(config, services, createLogger('warn', services.join('+')), { serveWeb: false });
    await obs.app.listen(0, '127.0.0.1');
    apps.push(obs);
    urls.push(`${(await obs.app.getUrl()).replace('[::1]', '127.0.0.1').replace(/\/$/, '')}/`);
  }
  return { apps, urls };
}

/** Poll until `check` returns a value, or fail with the last observation. */
export async function eventually<T>(what: string, check: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms (last: ${String((last as Error)?.message ?? JSON.stringify(last))})`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

/** POST with an optional admin key (`Authorization: Bearer`), JSON answer. */
export async function postJson(url: string, key: string | null, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  const r = await fetch(url, { method: 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: await r.json().catch(() => null) };
}

/**
 * `POST /api/admin/replay/observatoire-analytics` on a running analytics service, then waits for the rebuild
 * into fresh tables to switch over. Returns the finished job.
 */
export async function rebuildAnalyticsThroughAdminApi(baseUrl: string, key: string): Promise<any> {
  const started = await postJson(`${baseUrl}api/admin/replay/observatoire-analytics`, key);
  if (started.status !== 202 || started.body?.mode !== 'rebuild') throw new Error(`replay not accepted: ${started.status} ${JSON.stringify(started.body)}`);
  return eventually('analytics rebuild switched over', async () => {
    const res = await fetch(`${baseUrl}api/admin/analytics/rebuild`, { headers: { authorization: `Bearer ${key}` } });
    const r = { status: res.status, body: (await res.json()) as any };
    if (r.body?.state === 'failed') throw new Error(`rebuild failed: ${r.body.error}`);
    return r.body?.state === 'succeeded' ? r.body : null;
  }, 180_000);
}
