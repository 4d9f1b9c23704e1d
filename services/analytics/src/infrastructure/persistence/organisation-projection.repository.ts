import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { OrganisationProfile } from '@observatoire/contracts';
import { IN_CHUNK, chunks, rowsPerInsert, sqlOf } from './sql';

const TABLE = 'analytics_organisation';

export interface ProfileWrite {
  profile: OrganisationProfile;
  aggregateVersion: number;
}

/** Organisation profiles (buyers and suppliers) by the identifier contracts use. */
export class OrganisationProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  async versions(ids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of chunks(ids, IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('id', 'aggregate_version').whereIn('id', part)) as { id: string; aggregate_version: number }[];
      for (const r of rows) out.set(r.id, Number(r.aggregate_version));
    }
    return out;
  }

  async upsert(rows: readonly ProfileWrite[]): Promise<void> {
    const now = new Date().toISOString();
    for (const part of chunks(rows, rowsPerInsert(6))) {
      await this.db(TABLE)
        .insert(
          part.map((r) => ({
            id: r.profile.id,
            siren: r.profile.siren,
            aggregate_version: r.aggregateVersion,
            resolved_at: r.profile.resolvedAt,
            profile_json: JSON.stringify(r.profile),
            updated_at: now,
          })),
        )
        .onConflict('id')
        .merge();
    }
  }

  /** One profile per SIREN: the one with the smallest id (a deterministic pick among the legal unit's establishments). */
  async findBySiren(sirens: readonly string[]): Promise<Map<string, OrganisationProfile>> {
    const out = new Map<string, OrganisationProfile>();
    for (const part of chunks([...new Set(sirens)], IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('siren', 'profile_json').whereIn('siren', part).orderBy('id')) as { siren: string; profile_json: string }[];
      for (const r of rows) if (!out.has(r.siren)) out.set(r.siren, JSON.parse(r.profile_json) as OrganisationProfile);
    }
    return out;
  }

  async find(ids: readonly string[]): Promise<Map<string, OrganisationProfile>> {
    const out = new Map<string, OrganisationProfile>();
    const unique = [...new Set(ids)];
    for (const part of chunks(unique, IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('profile_json').whereIn('id', part)) as { profile_json: string }[];
      for (const r of rows) {
        const p = JSON.parse(r.profile_json) as OrganisationProfile;
        out.set(p.id, p);
      }
    }
    return out;
  }
}
