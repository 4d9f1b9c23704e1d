import type { SqlEntityManager } from '@mikro-orm/knex';
import { CONTRACT_SUMMARY_COLUMNS, toSummary, type ContractSummary } from '../catalog-read';
import { decodeCursor, encodeCursor } from './contract-cursor';

export interface ListContractsFilter {
  /** SIRET (14 digits) or SIREN (9 digits) of the buyer. */
  acheteur?: string;
  /** Identifier of a titulaire (SIRET, other id) or a SIREN (9 digits). */
  titulaire?: string;
  /** CPV division (2 digits) or code prefix (3–8 digits). */
  cpv?: string;
  annee?: number;
  cursor?: string;
  limit: number;
}

export interface ContractPage {
  items: ContractSummary[];
  /** null on the last page. */
  nextCursor: string | null;
}

/** Keyset pagination on (sort_date desc, uid desc): stable under inserts, no OFFSET. */
export async function listContracts(em: SqlEntityManager, filter: ListContractsFilter): Promise<ContractPage> {
  const knex = em.getKnex();
  const qb = knex('contract as c').select(...CONTRACT_SUMMARY_COLUMNS);
  if (filter.acheteur) qb.where(filter.acheteur.length === 9 ? 'c.acheteur_siren' : 'c.acheteur_id', filter.acheteur);
  if (filter.titulaire) {
    const column = /^\d{9}$/.test(filter.titulaire) ? 'titulaire_siren' : 'titulaire_id';
    qb.whereIn('c.uid', knex('contract_titulaire').select('contract_uid').where(column, filter.titulaire));
  }
  if (filter.cpv) {
    if (filter.cpv.length === 2) qb.where('c.cpv_division', filter.cpv);
    else qb.where('c.code_cpv', 'like', `${filter.cpv}%`);
  }
  if (filter.annee !== undefined) qb.where('c.annee', filter.annee);
  if (filter.cursor) {
    const [sortDate, uid] = decodeCursor(filter.cursor);
    qb.where((w) => w.where('c.sort_date', '<', sortDate).orWhere((x) => x.where('c.sort_date', sortDate).andWhere('c.uid', '<', uid)));
  }
  const rows: Record<string, unknown>[] = await qb
    .orderBy([{ column: 'c.sort_date', order: 'desc' }, { column: 'c.uid', order: 'desc' }])
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toSummary),
    nextCursor: rows.length > filter.limit && last ? encodeCursor([String(last.sort_date), String(last.uid)]) : null,
  };
}
