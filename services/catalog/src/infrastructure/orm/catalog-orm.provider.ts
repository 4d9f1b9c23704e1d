import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';

/** Nest token of the catalog's MikroORM instance (created by a factory provider in CatalogModule). */
export const CATALOG_ORM = Symbol('CATALOG_ORM');

/** One ORM context per request / message / batch: never the global EntityManager. */
export function forkEm(orm: MikroORM): SqlEntityManager {
  return orm.em.fork() as SqlEntityManager;
}

/** Closes the ORM when the application shuts down. */
@Injectable()
export class CatalogOrmLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close(true);
  }
}
