import type { EntitySchema } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';

/** SQLite binds at most 32,766 parameters per statement, PostgreSQL 65,535: stay under both. */
const MAX_PARAMETERS = 30_000;

export function rowsPerStatement(schema: EntitySchema<object>): number {
  const columns = Object.keys(schema.meta.properties).length;
  return Math.max(1, Math.floor(MAX_PARAMETERS / Math.max(1, columns)));
}

function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** INSERT … ON CONFLICT (primary key) DO UPDATE, in as few statements as the engines allow. */
export async function upsertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  const size = rowsPerStatement(schema as unknown as EntitySchema<object>);
  for (const chunk of chunks(rows, size)) {
    await em.upsertMany(schema, chunk, { batchSize: size });
  }
}

/** Plain multi-row INSERT, chunked. */
export async function insertRows<T extends object>(em: SqlEntityManager, schema: EntitySchema<T>, rows: readonly T[]): Promise<void> {
  const size = rowsPerStatement(schema as unknown as EntitySchema<object>);
  for (const chunk of chunks(rows, size)) {
    await em.insertMany(schema, chunk);
  }
}

export function chunked<T>(rows: readonly T[], size: number): T[][] {
  return chunks(rows, size);
}
