import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import * as path from 'node:path';
import { CATALOG_ENTITIES } from './entities';
import { POSTGRESQL_MIGRATIONS } from './migrations/postgresql';
import { SQLITE_MIGRATIONS } from './migrations/sqlite';

export type CatalogDialect = 'postgresql' | 'sqlite';

export interface CatalogOrmOptions {
  /** `postgres://user:pw@host:port/db`, `sqlite:/path/file.db` or `sqlite::memory:`. */
  url: string;
  debug?: boolean;
}

export function dialectOf(url: string): CatalogDialect {
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (url.startsWith('sqlite:')) return 'sqlite';
  throw new Error(`catalog: unsupported database URL "${url.replace(/:[^:@/]*@/, ':***@')}" (expected postgres://… or sqlite:…)`);
}

export function migrationsDirectory(dialect: CatalogDialect): string {
  return path.join(__dirname, 'migrations', dialect);
}

/**
 * The one explicit MikroORM config of the catalog, for PostgreSQL or the embedded SQLite store.
 * Entities are `EntitySchema`s (no decorators, no reflect-metadata, nothing discovered from files);
 * migrations are the committed classes of the dialect, listed explicitly, run only by `migrateCatalog`.
 */
export function createCatalogOrmConfig(options: CatalogOrmOptions): Options {
  const dialect = dialectOf(options.url);
  const common = {
    entities: CATALOG_ENTITIES,
    extensions: [Migrator],
    debug: options.debug ?? false,
    forceUtcTimezone: true,
    allowGlobalContext: false,
    discovery: { disableDynamicFileAccess: true, warnWhenNoEntities: true },
  };
  const migrations = {
    tableName: 'catalog_migrations',
    path: migrationsDirectory(dialect),
    transactional: true,
    allOrNothing: true,
    snapshot: false,
    silent: true,
    emit: 'ts' as const,
    fileName: (timestamp: string, name?: string) => `Migration${timestamp}${name ? `_${name}` : ''}`,
  };
  if (dialect === 'postgresql') {
    return defineConfig({
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: options.url,
      pool: { min: 0, max: 10 },
      migrations: { ...migrations, migrationsList: POSTGRESQL_MIGRATIONS },
    });
  }
  const file = options.url.slice('sqlite:'.length);
  return defineConfig({
    ...common,
    driver: BetterSqliteDriver,
    dbName: file === '' || file === ':memory:' ? ':memory:' : file,
    migrations: { ...migrations, migrationsList: SQLITE_MIGRATIONS },
  });
}

/** Open the ORM (connects; never migrates). SQLite gets WAL and relaxed fsync, as an embedded store. */
export async function openCatalogOrm(options: CatalogOrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(createCatalogOrmConfig(options));
  if (dialectOf(options.url) === 'sqlite') {
    const connection = (orm.em as SqlEntityManager).getConnection();
    await connection.execute('pragma journal_mode = WAL');
    await connection.execute('pragma synchronous = NORMAL');
  }
  return orm;
}
