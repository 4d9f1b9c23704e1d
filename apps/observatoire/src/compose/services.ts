import type { DynamicModule } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import type { ObservatoireConfig } from '@observatoire/platform';
import { createIngestOrm, IngestModule, migrateIngest } from '@observatoire/ingest';
import { CatalogModule, migrateCatalog, openCatalogOrm } from '@observatoire/catalog';
import { SearchModule, type SearchConfig } from '@observatoire/search';
import { AnalyticsModule, createAnalyticsOrm, migrateAnalytics } from '@observatoire/analytics';

import { SERVICE_NAMES, type ServiceName } from './service-names';

export { SERVICE_NAMES, type ServiceName };

export interface ServiceDescriptor {
  /** The service's Nest module. */
  module(config: ObservatoireConfig): Promise<DynamicModule>;
  /** Apply the service's migrations (explicit step: `observatoire migrate`, and the start scripts). */
  migrate?(config: ObservatoireConfig): Promise<string[]>;
}

async function withOrm(create: () => Promise<MikroORM>, run: (orm: MikroORM) => Promise<string[]>): Promise<string[]> {
  const orm = await create();
  try {
    return await run(orm);
  } finally {
    await orm.close();
  }
}

function toNames(result: unknown): string[] {
  if (Array.isArray(result)) return result.map((r) => (typeof r === 'string' ? r : String((r as { name?: string }).name ?? r)));
  return [];
}

/** The search service's engine from the observatory configuration. */
export function searchConfigOf(c: ObservatoireConfig): SearchConfig {
  const s = c.search;
  if ('url' in s) return { engine: 'elasticsearch', url: s.url, flavor: s.flavor, indexPrefix: s.indexPrefix, username: s.username, password: s.password };
  return { engine: 'embedded', file: s.embedded, readers: s.readers };
}

export const SERVICES: Record<ServiceName, ServiceDescriptor> = {
  ingest: {
    module: async (c) => IngestModule.register({ databaseUrl: c.databases.ingest, feedScheduler: { enabled: c.feedScheduler }, ingestLock: c.ingestLock }),
    migrate: (c) => withOrm(() => createIngestOrm(c.databases.ingest), migrateIngest),
  },
  catalog: {
    module: async (c) => CatalogModule.register({ ormUrl: c.databases.catalog, sireneApiUrl: c.sireneApiUrl ?? undefined }),
    migrate: (c) => withOrm(() => openCatalogOrm({ url: c.databases.catalog }), async (orm) => (await migrateCatalog(orm)).applied),
  },
  search: { module: async (c) => SearchModule.register({ search: searchConfigOf(c), rateLimit: c.searchRateLimit }) },
  analytics: {
    module: async (c) => AnalyticsModule.register({ databaseUrl: c.databases.analytics }),
    migrate: (c) => withOrm(() => createAnalyticsOrm(c.databases.analytics), async (orm) => toNames(await migrateAnalytics(orm))),
  },
};

export async function migrateAll(config: ObservatoireConfig, services: readonly ServiceName[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const s of services) {
    const m = SERVICES[s].migrate;
    if (m) out[s] = await m(config);
  }
  return out;
}
