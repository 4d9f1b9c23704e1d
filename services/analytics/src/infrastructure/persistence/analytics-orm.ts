import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from '@observatoire/platform';
import { ANALYTICS_ENTITIES } from './analytics.entities';
import { ANALYTICS_MIGRATIONS } from './migrations';

/** The analytics projection store: `postgres://…` (distributed) or `sqlite:<file>` / `sqlite::memory:` (embedded). */
export async function createAnalyticsOrm(url: string, options: { debug?: boolean; schema?: string } = {}): Promise<MikroORM> {
  return MikroORM.init(
    await ormOptions({
      url,
      entities: ANALYTICS_ENTITIES,
      migrations: ANALYTICS_MIGRATIONS,
      migrationsTable: 'analytics_migrations',
      schema: options.schema ?? 'public',
      // A rebuild store lives in its own schema: unqualified table names must resolve there.
      searchPath: options.schema ? [options.schema] : undefined,
      debug: options.debug,
    }),
  );
}

/** Explicit migration step (`observatoire migrate`), never run at boot. Returns the names applied. */
export async function migrateAnalytics(orm: MikroORM): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
