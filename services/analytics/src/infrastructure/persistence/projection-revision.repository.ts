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
    const db = sqlOf(this.em);
    await db(TABLE).where('name', NAME).update({ revision: db.raw('revision + 1'), changed_at: new Date().toISOString() });
  }

  /** The revision and when it last changed (null before the first change). */
  async position(): Promise<{ revision: number; changedAt: string | null }> {
    const row = (await sqlOf(this.em)(TABLE).select('revision', 'changed_at').where('name', NAME).first()) as { revision: number; changed_at: string | null } | undefined;
    return { revision: Number(row?.revision ?? 0), changedAt: row?.changed_at ?? null };
  }

  async current(): Promise<number> {
    const row = (await sqlOf(this.em)(TABLE).select('revision').where('name', NAME).first()) as { revision: number } | undefined;
    return Number(row?.revision ?? 0);
  }
}
