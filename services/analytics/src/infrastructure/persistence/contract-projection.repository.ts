import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { Contract } from '@observatoire/contracts';
import type { AnalyticsFilters } from '../../application/shared/analytics-filters';
import type { BuyerColumns, ContractColumns } from '../../application/shared/projection-columns';
import type { AmountRow, SectorBuyer, SectorContract, SectorTotals, SectorYear } from '../../application/shared/projection-read.port';
import { IN_CHUNK, chunks, num, numOrNull, rowsPerInsert, sqlOf } from './sql';

const TABLE = 'analytics_contract';
const COLUMNS = 21;

export interface ContractWrite {
  uid: string;
  aggregateVersion: number;
  contract: Contract;
  columns: ContractColumns;
}

/** The "current contracts" projection: set-based reads and writes, on PostgreSQL and SQLite alike. */
export class ContractProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  async versions(uids: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const part of chunks(uids, IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('uid', 'aggregate_version').whereIn('uid', part)) as { uid: string; aggregate_version: number }[];
      for (const r of rows) out.set(r.uid, Number(r.aggregate_version));
    }
    return out;
  }

  async upsert(rows: readonly ContractWrite[]): Promise<void> {
    const now = new Date().toISOString();
    for (const part of chunks(rows, rowsPerInsert(COLUMNS))) {
      const values = part.map((r) => ({
        uid: r.uid,
        aggregate_version: r.aggregateVersion,
        contract_json: JSON.stringify(r.contract),
        buyer_id: r.columns.buyerId,
        buyer_siren: r.columns.buyerSiren,
        buyer_name: r.columns.buyerName,
        buyer_type: r.columns.buyerType,
        buyer_epci: r.columns.buyerEpci,
        buyer_departement: r.columns.buyerDepartement,
        buyer_region: r.columns.buyerRegion,
        year: r.columns.year,
        notification_date: r.columns.notificationDate,
        cpv_code: r.columns.cpvCode,
        cpv_division: r.columns.cpvDivision,
        purchase_type: r.columns.purchaseType,
        objet: r.columns.objet,
        montant: r.columns.montant,
        amount: r.columns.amount,
        framework_agreement: r.columns.frameworkAgreement ? 1 : 0,
        contract_kind: r.columns.contractKind,
        updated_at: now,
      }));
      await this.db(TABLE)
        .insert(values)
        .onConflict('uid')
        .merge();
    }
  }

  /** Which of these organisation ids are buyers of at least one stored contract. */
  async buyerIds(ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunks([...new Set(ids)], IN_CHUNK)) {
      const rows = (await this.db(TABLE).distinct('buyer_id').whereIn('buyer_id', part)) as { buyer_id: string }[];
      for (const r of rows) out.add(r.buyer_id);
    }
    return out;
  }

  /** One stored contract of a buyer (to recompute the buyer columns when its profile arrives). */
  async oneOfBuyer(buyerId: string): Promise<Contract | null> {
    const row = (await this.db(TABLE).select('contract_json').where('buyer_id', buyerId).orderBy('uid').first()) as { contract_json: string } | undefined;
    return row ? (JSON.parse(row.contract_json) as Contract) : null;
  }

  async updateBuyer(buyerId: string, c: BuyerColumns): Promise<number> {
    const patch: Record<string, unknown> = {
      buyer_siren: c.buyerSiren,
      buyer_type: c.buyerType,
      buyer_epci: c.buyerEpci,
      buyer_departement: c.buyerDepartement,
      buyer_region: c.buyerRegion,
    };
    if (c.buyerName) patch.buyer_name = c.buyerName;
    return Number(await this.db(TABLE).where('buyer_id', buyerId).update(patch));
  }

  async count(): Promise<number> {
    const [row] = (await this.db(TABLE).count({ n: '*' })) as { n: number | string }[];
    return Number(row.n);
  }

  // ---- reads -------------------------------------------------------------------------------------

  private filtered(f: AnalyticsFilters): Knex.QueryBuilder {
    const q = this.db(TABLE);
    if (f.acheteur) q.where(f.acheteur.length === 14 ? 'buyer_id' : 'buyer_siren', f.acheteur);
    if (f.typeAcheteur) q.where('buyer_type', f.typeAcheteur);
    if (f.territoire) {
      const column = { epci: 'buyer_epci', departement: 'buyer_departement', region: 'buyer_region', bretagne: 'buyer_region' }[f.territoire.level];
      q.where(column, f.territoire.code);
    }
    // the prefix is validated as 2 to 8 digits: no LIKE metacharacter can reach the pattern
    if (f.cpv) q.where('cpv_code', 'like', `${f.cpv}%`);
    if (f.cpvIn) {
      const prefixes = f.cpvIn;
      if (prefixes.some((p) => !/^\d{2,8}$/.test(p))) throw new Error(`cpvIn: CPV prefixes of 2 to 8 digits expected, got ${prefixes.join(', ')}`);
      if (prefixes.length === 0) q.whereRaw('1 = 0');
      else q.where((any) => prefixes.forEach((p) => any.orWhere('cpv_code', 'like', `${p}%`)));
    }
    if (f.typeAchat) q.where('purchase_type', f.typeAchat);
    if (f.annee !== undefined) q.where('year', f.annee);
    if (f.du) q.where('notification_date', '>=', f.du);
    if (f.au) q.where('notification_date', '<=', f.au);
    return q;
  }

  async contracts(f: AnalyticsFilters): Promise<Contract[]> {
    const rows = (await this.filtered(f).select('contract_json').orderBy('uid')) as { contract_json: string }[];
    return rows.map((r) => JSON.parse(r.contract_json) as Contract);
  }

  /**
   * Contracts notified in [from, toExclusive) by these buyers (null = all), except `exclude` (the contracts already
   * loaded by the query): uids first, then only the missing contracts are read and parsed.
   */
  async history(buyers: readonly string[] | null, from: string, toExclusive: string, exclude: ReadonlySet<string> = new Set()): Promise<Contract[]> {
    const uids: string[] = [];
    const run = async (part: readonly string[] | null) => {
      const q = this.db(TABLE).select('uid').where('notification_date', '>=', from).andWhere('notification_date', '<', toExclusive);
      if (part) q.whereIn('buyer_siren', part as string[]);
      for (const r of (await q) as { uid: string }[]) if (!exclude.has(r.uid)) uids.push(r.uid);
    };
    if (buyers === null) await run(null);
    else for (const part of chunks(buyers, IN_CHUNK)) await run(part);
    const out: Contract[] = [];
    for (const part of chunks(uids, IN_CHUNK)) {
      const rows = (await this.db(TABLE).select('contract_json').whereIn('uid', part)) as { contract_json: string }[];
      for (const r of rows) out.push(JSON.parse(r.contract_json) as Contract);
    }
    return out;
  }

  async earliestNotificationDate(): Promise<string | null> {
    const row = (await this.db(TABLE).min({ d: 'notification_date' }).first()) as { d: string | null } | undefined;
    return row?.d ?? null;
  }

  /** The distinct years of notification of every current contract, ascending (index on `year`). */
  async notificationYears(): Promise<number[]> {
    const rows = (await this.db(TABLE).distinct('year').whereNotNull('year').orderBy('year')) as { year: number | string }[];
    return rows.map((r) => Number(r.year));
  }

  private static totalsSelect(db: Knex) {
    return [
      db.raw('count(*) as contracts'),
      db.raw('sum(case when framework_agreement = 0 then amount end) as amount'),
      db.raw('sum(case when amount is null then 1 else 0 end) as unusable'),
      db.raw('sum(case when framework_agreement = 1 then 1 else 0 end) as fa_contracts'),
      db.raw('sum(case when framework_agreement = 1 then amount end) as fa_amount'),
    ];
  }

  private static totalsOf(r: Record<string, unknown> | undefined): SectorTotals {
    return {
      contracts: num(r?.contracts),
      amount: num(r?.amount),
      unusableAmounts: num(r?.unusable),
      frameworkAgreements: { contracts: num(r?.fa_contracts), maxAmount: num(r?.fa_amount) },
    };
  }

  async sectorTotals(f: AnalyticsFilters): Promise<SectorTotals> {
    const [row] = (await this.filtered(f).select(ContractProjectionRepository.totalsSelect(this.db))) as Record<string, unknown>[];
    return ContractProjectionRepository.totalsOf(row);
  }

  async sectorByYear(f: AnalyticsFilters): Promise<SectorYear[]> {
    const rows = (await this.filtered(f)
      .select('year', ...ContractProjectionRepository.totalsSelect(this.db))
      .groupBy('year')
      .orderBy('year')) as Record<string, unknown>[];
    return rows.map((r) => ({ year: numOrNull(r.year), ...ContractProjectionRepository.totalsOf(r) }));
  }

  async topBuyers(f: AnalyticsFilters, limit: number): Promise<SectorBuyer[]> {
    const rows = (await this.filtered(f)
      .select('buyer_siren', this.db.raw('max(buyer_name) as nom'), this.db.raw('count(*) as contracts'))
      .select(this.db.raw('coalesce(sum(case when framework_agreement = 0 then amount end), 0) as amount'))
      .groupBy('buyer_siren')
      .orderByRaw('amount desc, contracts desc, buyer_siren')
      .limit(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({ acheteur: String(r.buyer_siren), nom: (r.nom as string | null) ?? null, contracts: num(r.contracts), amount: num(r.amount) }));
  }

  async latestContracts(f: AnalyticsFilters, limit: number): Promise<SectorContract[]> {
    const rows = (await this.filtered(f)
      .select('uid', 'objet', 'buyer_id', 'buyer_name', 'montant', 'amount', 'framework_agreement', 'notification_date')
      .whereNotNull('notification_date')
      .orderBy([{ column: 'notification_date', order: 'desc' }, { column: 'uid', order: 'asc' }])
      .limit(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({
      uid: String(r.uid),
      objet: (r.objet as string | null) ?? null,
      acheteurId: String(r.buyer_id),
      acheteurNom: (r.buyer_name as string | null) ?? null,
      montant: numOrNull(r.montant),
      montantUtilisable: r.amount != null,
      accordCadre: num(r.framework_agreement) === 1,
      dateNotification: (r.notification_date as string | null) ?? null,
    }));
  }

  /** Concessions among the filtered contracts (the `contract_kind` column). */
  async concessions(f: AnalyticsFilters): Promise<Contract[]> {
    const rows = (await this.filtered(f).select('contract_json').where('contract_kind', 'concession').orderBy('uid')) as { contract_json: string }[];
    return rows.map((r) => JSON.parse(r.contract_json) as Contract);
  }

  /**
   * The filtered contracts that share buyer, CPV code and a non-round current amount (not a multiple of 100 €) with
   * another filtered contract: the only ones that can be probable duplicates (domain/probable-duplicates.ts decides).
   * One set-based statement: the (buyer, CPV, amount) groups of two or more, joined back to their contracts.
   */
  async duplicateCandidates(f: AnalyticsFilters): Promise<Contract[]> {
    const groups = this.filtered(f)
      .select('buyer_id', 'cpv_code', 'montant')
      .whereNotNull('montant')
      .whereNotNull('cpv_code')
      .whereRaw('montant > 0 and montant <> round(montant / 100) * 100')
      .groupBy('buyer_id', 'cpv_code', 'montant')
      .havingRaw('count(*) > 1');
    // one statement; a row-value IN (subquery) is answered through a temporary index of the groups on both engines
    // (a join to a derived table made SQLite scan the groups once per contract without a filter: 1.7 s at 20 k)
    const rows = (await this.filtered(f)
      .select('contract_json')
      .whereIn(['buyer_id', 'cpv_code', 'montant'], groups)
      .orderBy('uid')) as { contract_json: string }[];
    return rows.map((r) => JSON.parse(r.contract_json) as Contract);
  }

  async amounts(f: AnalyticsFilters): Promise<AmountRow[]> {
    const rows = (await this.filtered(f).select('amount', 'framework_agreement')) as Record<string, unknown>[];
    return rows.map((r) => ({ amount: numOrNull(r.amount), frameworkAgreement: num(r.framework_agreement) === 1 }));
  }
}
