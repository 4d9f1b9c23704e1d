import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { DomainError, parseDatabaseUrl } from '@observatoire/platform';
import { createAnalyticsOrm, migrateAnalytics } from './analytics-orm';
import { sqlOf } from './sql';

/**
 * Every table a rebuild replaces, in one switch. The migrations table stays (both generations are built by the
 * same migrations).
 */
export const PROJECTION_TABLES = [
  'analytics_contract',
  'analytics_fact',
  'analytics_fact_share',
  'analytics_organisation',
  'analytics_quarantine',
  'analytics_ingest_run',
  'analytics_source_freshness',
  'analytics_expected_buyer',
  'analytics_processed_event',
  'analytics_projection_revision',
] as const;

const REVISION_TABLE = 'analytics_projection_revision';
const REBUILD_SCHEMA = 'analytics_rebuild';
const RETIRED_SCHEMA = 'analytics_retired';
/** `pg_try_advisory_lock` key of "an analytics rebuild is running" (any 64-bit constant of ours). */
const REBUILD_LOCK_KEY = 4_730_215_881;

/**
 * Where a rebuild writes and how it takes the live projections' place. PostgreSQL: a fresh schema in the same
 * database, swapped in by moving tables between schemas in ONE transaction (O(1), every instance of the service
 * sees the new tables at its next statement). SQLite (embedded, one process): a fresh database file, copied into
 * the live file in ONE transaction (readers keep their WAL snapshot until it commits).
 */
export interface ProjectionStoreSwitch {
  readonly kind: 'postgresql' | 'sqlite';
  /** Exclusive: at most one rebuild at a time (PostgreSQL advisory lock; in-process on SQLite). */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** An empty, migrated store for the rebuild (any leftover of a crashed rebuild is dropped first). */
  createFresh(): Promise<MikroORM>;
  /** The fresh store (closed by the caller) becomes the live one. Returns the live revision after the switch. */
  switchOver(): Promise<{ revision: number; previousRevision: number }>;
  /** Drops what a rebuild left behind: the fresh store (failure) or the retired generation (success). */
  cleanUp(): Promise<void>;
}

export function projectionStoreSwitch(liveUrl: string, live: MikroORM): ProjectionStoreSwitch {
  const db = parseDatabaseUrl(liveUrl);
  return db.dialect === 'postgresql' ? new PostgresStoreSwitch(liveUrl, live) : new SqliteStoreSwitch(db.target, live);
}

function knexOf(orm: MikroORM): Knex {
  return sqlOf(orm.em.fork());
}

class PostgresStoreSwitch implements ProjectionStoreSwitch {
  readonly kind = 'postgresql' as const;
  private lockConnection: unknown = null;

  constructor(
    private readonly liveUrl: string,
    private readonly live: MikroORM,
  ) {}

  async lock(): Promise<void> {
    const knex = knexOf(this.live);
    const conn = await knex.client.acquireConnection();
    const r = await knex.raw('select pg_try_advisory_lock(?) as locked', [REBUILD_LOCK_KEY]).connection(conn);
    if (!(r.rows as { locked: boolean }[])[0]?.locked) {
      await knex.client.releaseConnection(conn);
      throw new DomainError('REBUILD_RUNNING', 'une reconstruction des projections d’analyse est déjà en cours (autre processus)', 409);
    }
    this.lockConnection = conn;
  }

  async unlock(): Promise<void> {
    if (!this.lockConnection) return;
    const knex = knexOf(this.live);
    const conn = this.lockConnection;
    this.lockConnection = null;
    try {
      await knex.raw('select pg_advisory_unlock(?)', [REBUILD_LOCK_KEY]).connection(conn);
    } finally {
      await knex.client.releaseConnection(conn);
    }
  }

  async createFresh(): Promise<MikroORM> {
    const knex = knexOf(this.live);
    await knex.raw(`drop schema if exists ${REBUILD_SCHEMA} cascade`);
    await knex.raw(`create schema ${REBUILD_SCHEMA}`);
    const orm = await createAnalyticsOrm(this.liveUrl, { schema: REBUILD_SCHEMA });
    await migrateAnalytics(orm);
    return orm;
  }

  async switchOver(): Promise<{ revision: number; previousRevision: number }> {
    const knex = knexOf(this.live);
    for (let attempt = 1; ; attempt++) {
      try {
        return await knex.transaction(async (trx) => {
          const live = ((await trx.raw('select current_schema() as s')).rows as { s: string }[])[0].s;
          await trx.raw("set local lock_timeout = '60s'");
          // Every lock in one statement: a live consumer's batch either commits before the switch or waits for it.
          const all = PROJECTION_TABLES.flatMap((t) => [`"${live}".${t}`, `${REBUILD_SCHEMA}.${t}`]);
          await trx.raw(`lock table ${all.join(', ')} in access exclusive mode`);
          const previousRevision = await revisionIn(trx, `"${live}".${REVISION_TABLE}`);
          const rebuiltRevision = await revisionIn(trx, `${REBUILD_SCHEMA}.${REVISION_TABLE}`);
          await trx.raw(`drop schema if exists ${RETIRED_SCHEMA} cascade`);
          await trx.raw(`create schema ${RETIRED_SCHEMA}`);
          for (const t of PROJECTION_TABLES) await trx.raw(`alter table "${live}".${t} set schema ${RETIRED_SCHEMA}`);
          for (const t of PROJECTION_TABLES) await trx.raw(`alter table ${REBUILD_SCHEMA}.${t} set schema "${live}"`);
          // Strictly above both: query caches keyed by revision can never serve a result of the old generation.
          const revision = Math.max(previousRevision, rebuiltRevision) + 1;
          await trx.raw(`update "${live}".${REVISION_TABLE} set revision = ? where name = 'projections'`, [revision]);
          return { revision, previousRevision };
        });
      } catch (e) {
        // 40P01 deadlock_detected (a live batch locked tables in another order): the switch is simply tried again.
        if ((e as { code?: string }).code !== '40P01' || attempt >= 5) throw e;
      }
    }
  }

  async cleanUp(): Promise<void> {
    const knex = knexOf(this.live);
    await knex.raw(`drop schema if exists ${REBUILD_SCHEMA} cascade`);
    await knex.raw(`drop schema if exists ${RETIRED_SCHEMA} cascade`);
  }
}

async function revisionIn(trx: Knex.Transaction, table: string): Promise<number> {
  const r = await trx.raw(`select revision from ${table} where name = 'projections'`);
  const rows = (r.rows ?? r) as { revision: number | string }[];
  return Number(rows[0]?.revision ?? 0);
}

/** One rebuild at a time per process (the embedded profile has one process per data directory). */
const sqliteRebuilds = new Set<string>();

class SqliteStoreSwitch implements ProjectionStoreSwitch {
  readonly kind = 'sqlite' as const;
  private readonly freshFile: string;
  private locked = false;

  constructor(
    private readonly liveFile: string,
    private readonly live: MikroORM,
  ) {
    const dir = liveFile === ':memory:' ? tmpdir() : dirname(liveFile);
    this.freshFile = join(dir, `analytics-rebuild-${randomBytes(4).toString('hex')}.sqlite`);
  }

  async lock(): Promise<void> {
    if (sqliteRebuilds.has(this.liveFile)) throw new DomainError('REBUILD_RUNNING', 'une reconstruction des projections d’analyse est déjà en cours', 409);
    sqliteRebuilds.add(this.liveFile);
    this.locked = true;
  }

  async unlock(): Promise<void> {
    if (this.locked) sqliteRebuilds.delete(this.liveFile);
    this.locked = false;
  }

  async createFresh(): Promise<MikroORM> {
    this.removeFresh();
    const orm = await createAnalyticsOrm(`sqlite:${this.freshFile}`);
    await migrateAnalytics(orm);
    return orm;
  }

  async switchOver(): Promise<{ revision: number; previousRevision: number }> {
    const knex = knexOf(this.live);
    // ATTACH cannot run inside a transaction; the pool has one connection, so it stays attached for the copy.
    await knex.raw('attach database ? as rebuild', [this.freshFile]);
    try {
      return await knex.transaction(async (trx) => {
        const previousRevision = await revisionIn(trx, `main.${REVISION_TABLE}`);
        const rebuiltRevision = await revisionIn(trx, `rebuild.${REVISION_TABLE}`);
        for (const t of PROJECTION_TABLES) {
          const columns = ((await trx.raw(`pragma main.table_info(${t})`)) as { name: string }[]).map((c) => `"${c.name}"`).join(', ');
          await trx.raw(`delete from main.${t}`);
          await trx.raw(`insert into main.${t} (${columns}) select ${columns} from rebuild.${t}`);
        }
        const revision = Math.max(previousRevision, rebuiltRevision) + 1;
        await trx.raw(`update main.${REVISION_TABLE} set revision = ? where name = 'projections'`, [revision]);
        return { revision, previousRevision };
      });
    } finally {
      await knex.raw('detach database rebuild');
    }
  }

  async cleanUp(): Promise<void> {
    this.removeFresh();
  }

  private removeFresh(): void {
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(this.freshFile + suffix)) rmSync(this.freshFile + suffix);
  }
}
