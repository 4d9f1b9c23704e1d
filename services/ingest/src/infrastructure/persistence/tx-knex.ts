import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Knex } from 'knex';

/**
 * A knex instance whose queries join the entity manager's open transaction, if any. Plain
 * `em.getKnex()` queries would take another pooled connection — a deadlock on SQLite's single one.
 */
export function txKnex(em: EntityManager): Knex {
  const sqlEm = em as unknown as SqlEntityManager;
  const knex = sqlEm.getKnex();
  const trx = sqlEm.getTransactionContext<Knex.Transaction>();
  return (trx ?? knex) as Knex;
}
