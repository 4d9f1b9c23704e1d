import type { EntitySchema } from '@mikro-orm/core';
import { BaseSqlitePlatform, type SqlEntityManager } from '@mikro-orm/knex';

/** SQLite binds at most 32,766 parameters per statement, PostgreSQL 65,535: stay under both. */
const MAX_PARAMETERS = 30_000;
/** knex writes SQLite multi-row inserts as `SELECT … UNION ALL …`: at most 500 compound terms. */
const SQLITE_MAX_ROWS = 500;

export function rowsPerStatement(em: SqlEntityManager, schema: EntitySchema<object>): number {
  const columns = Object.keys(schema.meta.properties).length;
  const byParameters = Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
  return em.getPlatform() instanceof BaseSqlitePlatform ? Math.min(SQLITE_MAX_ROWS, byParameters) : byParameters;
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** INSERT … ON CONFLICT (primary key) DO UPDATE, in as few statements as the engines allow. */
export async function upsertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  const size = rowsPerStatement(em, schema as unknown as EntitySchema<object>);
  for (const chunk of chunks(rows, size)) {
    await em.upsertMany(schema, chunk, { batchSize: size });
  }
}

/** Plain multi-row INSERT, chunked. */
export async function insertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  const size = rowsPerStatement(em, schema as unknown as EntitySchema<object>);
  for (const chunk of chunks(rows, size)) {
    await em.insertMany(schema, chunk);
  }
}

export function chunked<T>(rows: readonly T[], size: number): T[][] {
  return chunks(rows, size);
}
