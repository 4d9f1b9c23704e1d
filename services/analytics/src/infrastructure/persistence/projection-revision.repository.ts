import type { EntityManager } from '@mikro-orm/core';
import { sqlOf } from './sql';

const TABLE = 'analytics_projection_revision';
const NAME = 'projections';

/**
 * One counter for every analytics projection, bumped in the transaction of each batch that changed something.
 * Query caches key their entries by it, so a change made by any instance's consumer invalidates every instance.
 */
export class ProjectionRevisionRepository {
  constructor(private readonly em: EntityManager) {}

  async bump(): Promise<void> {
    await sqlOf(this.em)(TABLE).where('name', NAME).increment('revision', 1);
  }

  async current(): Promise<number> {
    const row = (await sqlOf(this.em)(TABLE).select('revision').where('name', NAME).first()) as { revision: number } | undefined;
    return Number(row?.revision ?? 0);
  }
}
