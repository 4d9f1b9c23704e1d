import type { EntityManager } from '@mikro-orm/core';
import type { Knex, SqlEntityManager } from '@mikro-orm/knex';

/**
 * The knex instance bound to the EntityManager's current transaction, if any. `SqlEntityManager.getKnex()`
 * alone returns the pool's knex, whose queries would run OUTSIDE `em.transactional(...)`.
 */
export function sqlOf(em: EntityManager): Knex {
  const trx = em.getTransactionContext<Knex.Transaction>();
  return trx ?? (em as unknown as SqlEntityManager).getKnex();
}

/** Well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters per statement. */
export const IN_CHUNK = 500;

export function chunks<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

/** Rows per multi-row INSERT for a table of `columns` columns. */
export function rowsPerInsert(columns: number): number {
  return Math.max(1, Math.floor(30_000 / columns));
}

export const num = (v: unknown): number => (v == null ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
