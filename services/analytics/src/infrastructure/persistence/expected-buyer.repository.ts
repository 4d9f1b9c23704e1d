import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { BuyerRegisteredData } from '@observatoire/contracts';
import type { RegisteredBuyer } from '../../application/shared/expected-buyer-years';
import { IN_CHUNK, chunks, rowsPerInsert, sqlOf } from './sql';

const TABLE = 'analytics_expected_buyer';

export interface ExpectedBuyerWrite {
  data: BuyerRegisteredData;
  aggregateVersion: number;
}

/** The buyers of the ingest feed registry (BuyerRegistered), by SIRET: the buyers expected to publish. */
export class ExpectedBuyerRepository {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  async versions(sirets: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of chunks([...new Set(sirets)], IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('siret', 'aggregate_version').whereIn('siret', part)) as { siret: string; aggregate_version: number }[];
      for (const r of rows) out.set(r.siret, Number(r.aggregate_version));
    }
    return out;
  }

  async upsert(rows: readonly ExpectedBuyerWrite[]): Promise<void> {
    const now = new Date().toISOString();
    for (const part of chunks(rows, rowsPerInsert(7))) {
      await this.db(TABLE)
        .insert(
          part.map((r) => ({
            siret: r.data.siret,
            siren: r.data.siren,
            nom: r.data.nom,
            registered_at: r.data.registeredAt,
            active: r.data.active ? 1 : 0,
            aggregate_version: r.aggregateVersion,
            updated_at: now,
          })),
        )
        .onConflict('siret')
        .merge();
    }
  }

  /** Every registered buyer, active or not, by SIRET. */
  async all(): Promise<RegisteredBuyer[]> {
    const rows = (await this.db(TABLE).select('siret', 'siren', 'nom', 'active').orderBy('siret')) as { siret: string; siren: string; nom: string; active: number | boolean }[];
    return rows.map((r) => ({ siret: r.siret, siren: r.siren, nom: r.nom, active: r.active === 1 || r.active === true }));
  }
}
