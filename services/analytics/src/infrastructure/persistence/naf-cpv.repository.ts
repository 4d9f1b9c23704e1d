import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { NafCpvWins } from '../../domain';
import { num, sqlOf } from './sql';

/**
 * Per engine: the titulaires of a contract as rows (`t`), the id of one (`t` → text), the NAF code of a profile.
 * Titulaires live in `contract_json`, NAF codes in `profile_json` (both text columns, on both engines).
 */
const DIALECT = {
  sqlite: {
    titulaires: `join json_each(c.contract_json, '$.titulaires') t`,
    titulaireId: `json_extract(t.value, '$.id')`,
    naf: `json_extract(o.profile_json, '$.naf')`,
  },
  postgresql: {
    titulaires: `cross join lateral json_array_elements(c.contract_json::json -> 'titulaires') t`,
    titulaireId: `t ->> 'id'`,
    naf: `(o.profile_json::json ->> 'naf')`,
  },
} as const;

/**
 * The (NAF, CPV group) table of wins over the current contracts, in ONE set-based query on PostgreSQL and SQLite
 * alike: each titulaire of a contract is joined to its profile by the identifier contracts use; a contract counts
 * once per distinct NAF code of its titulaires (co-contractors of different codes each count, two of the same
 * code count once); only contracts with a valid CPV code (`cpv_division` set) count. Amounts: Σ usable amounts,
 * framework-agreement maxima left out (as everywhere in the sector view).
 */
export class NafCpvRepository {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  async wins(): Promise<NafCpvWins[]> {
    const d = this.db.client.dialect === 'postgresql' ? DIALECT.postgresql : DIALECT.sqlite;
    const sql = `
      select w.naf as naf, w.cpv as cpv, count(*) as contracts,
             sum(case when w.framework_agreement = 0 then w.amount end) as amount
      from (
        select distinct c.uid as uid, ${d.naf} as naf, substr(c.cpv_code, 1, 3) as cpv, c.amount as amount, c.framework_agreement as framework_agreement
        from analytics_contract c
        ${d.titulaires}
        join analytics_organisation o on o.id = ${d.titulaireId}
        where c.cpv_division is not null and ${d.naf} is not null
      ) w
      group by w.naf, w.cpv
      order by w.naf, w.cpv`;
    const result = (await this.db.raw(sql)) as unknown;
    // knex.raw answers the driver's own shape: pg a result with `rows`, better-sqlite3 the rows themselves
    const rows = (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
    return rows.map((r) => ({ naf: String(r.naf), cpv: String(r.cpv), contracts: num(r.contracts), amount: num(r.amount) }));
  }
}
