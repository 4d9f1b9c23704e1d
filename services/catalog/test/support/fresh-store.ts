import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';

/** Opens a freshly migrated, empty catalog store; `dispose` closes it (and drops a scratch database). */
export type OpenStore = () => Promise<{ orm: MikroORM; dispose: () => Promise<void> }>;

/**
 * A fresh store for each test of the enclosing `describe` (opened before, disposed after each test).
 * `orm()` is the test's ORM; `em()` a new context of it (what a consumer batch gets).
 */
export function freshStorePerTest(open: OpenStore): { orm: () => MikroORM; em: () => SqlEntityManager } {
  let current: MikroORM;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ orm: current, dispose } = await open());
  });
  afterEach(async () => {
    await dispose();
  });
  return { orm: () => current, em: () => current.em.fork() as SqlEntityManager };
}
