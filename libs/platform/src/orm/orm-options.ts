import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Constructor, EntitySchema, Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import type { Migration } from '@mikro-orm/migrations';

export type SqlDialect = 'postgresql' | 'sqlite';

export interface DatabaseUrl {
  dialect: SqlDialect;
  /** PostgreSQL connection string, or SQLite file path (":memory:" allowed). */
  target: string;
}

/** `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite:<path>` or `sqlite::memory:` → embedded SQLite. */
export function parseDatabaseUrl(url: string): DatabaseUrl {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: 'postgresql', target: url };
  const m = /^sqlite:(.+)$/.exec(url);
  if (m) return { dialect: 'sqlite', target: m[1] };
  throw new Error(`unsupported database URL "${url}": use postgres://user:pass@host:port/db or sqlite:<file>`);
}

export interface MigrationEntry {
  name: string;
  class: Constructor<Migration>;
}

export interface OrmOptionsInput {
  url: string;
  entities: EntitySchema[];
  /** Migrations per dialect, explicit list (no file globbing at run time). */
  migrations: Record<SqlDialect, MigrationEntry[]>;
  /** Table that records applied migrations (one per service, so services can share a database). */
  migrationsTable: string;
  /** PostgreSQL schema (one per service in a shared database). */
  schema?: string;
  /** PostgreSQL: `SET search_path` on every pooled connection (unqualified table names resolve there first). */
  searchPath?: string[];
  debug?: boolean;
  poolMax?: number;
}

/**
 * One explicit MikroORM configuration per service: the same entities on PostgreSQL (distributed
 * profile) and SQLite through better-sqlite3 (embedded profile). Migrations are explicit and run
 * by a command (`observatoire migrate`), never at boot.
 */
export async function ormOptions(input: OrmOptionsInput): Promise<Options> {
  const db = parseDatabaseUrl(input.url);
  const common = {
    entities: input.entities,
    extensions: [Migrator],
    debug: input.debug ?? false,
    allowGlobalContext: false,
    discovery: { warnWhenNoEntities: true },
    migrations: {
      tableName: input.migrationsTable,
      migrationsList: input.migrations[db.dialect],
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
  };
  if (db.dialect === 'postgresql') {
    const { PostgreSqlDriver } = await import('@mikro-orm/postgresql');
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: db.target,
      schema: input.schema,
      pool: {
        min: 0,
        max: input.poolMax ?? 8,
        ...(input.searchPath?.length ? { afterCreate: setSearchPath(input.searchPath) } : {}),
      },
    } as Options;
  }
  const { BetterSqliteDriver } = await import('@mikro-orm/better-sqlite');
  if (db.target !== ':memory:') mkdirSync(dirname(db.target), { recursive: true });
  return {
    ...common,
    driver: BetterSqliteDriver,
    dbName: db.target,
    pool: {
      min: 1,
      max: 1,
      // WAL lets readers (HTTP) run beside the writer (consumers); NORMAL is durable in WAL mode.
      afterCreate: (conn: { pragma: (s: string) => unknown }, done: (err: Error | null, conn: unknown) => void) => {
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = NORMAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        done(null, conn);
      },
    },
  } as unknown as Options;
}

/** Identifiers only (no quoting games): schema names are ours, never user input. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

function setSearchPath(schemas: string[]) {
  for (const s of schemas) if (!SCHEMA_NAME.test(s)) throw new Error(`invalid schema name "${s}"`);
  const sql = `set search_path to ${schemas.map((s) => `"${s}"`).join(', ')}`;
  return (conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) => {
    conn.query(sql, (err) => done(err, conn));
  };
}
