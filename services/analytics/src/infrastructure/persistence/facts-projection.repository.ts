import type { EntityManager, MikroORM } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import { probableDuplicateGroups } from '../../domain';
import { factRowsOf, type FactRows } from '../../application/shared/fact-rows';
import { OrganisationProjectionRepository } from './organisation-projection.repository';
import { IN_CHUNK, chunks, rowsPerInsert, sqlOf } from './sql';

const FACT = 'analytics_fact';
const SHARE = 'analytics_fact_share';
/** Rows per statement of the pair and group look-ups (3 parameters a row at most). */
const TUPLE_CHUNK = 300;
/** SQLite's multi-row INSERT is a compound SELECT, limited to 500 terms. */
const MAX_ROWS_PER_INSERT = 400;

type Pair = [buyer: string, supplier: string];
type DuplicateKey = [buyerId: string, cpvCode: string, montant: number];

/** A montant that can make a probable duplicate: positive and not a multiple of 100 € (domain/probable-duplicates.ts). */
function distinctive(montant: number | null): montant is number {
  return montant != null && Number.isFinite(montant) && montant > 0 && Math.round(montant * 100) % 10_000 !== 0;
}

/**
 * The facts projection (analytics_fact, analytics_fact_share): written from the canonical contracts of
 * analytics_contract with the CURRENT profiles, by uid. Every write replaces the rows of whole contracts, then
 * re-derives, set-based, the two facts that depend on OTHER contracts:
 *  - `has_prior` (first-time suppliers) of every share of the buyer × supplier pairs the write touched;
 *  - `probable_duplicate` of every contract of the (buyer, CPV, non-round montant) groups the write touched.
 */
export class FactsProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  /**
   * Re-derive the facts of these contracts after a profile changed (uids of analytics_contract). Probable-duplicate
   * membership is kept: it depends on the contracts' own content (buyer id, CPV, montant, titulaire ids, dates),
   * never on a profile.
   */
  async refresh(uids: readonly string[]): Promise<number> {
    let written = 0;
    for (const part of chunks([...new Set(uids)], IN_CHUNK)) {
      const rows = (await this.db('analytics_contract').select('contract_json').whereIn('uid', part)) as { contract_json: string }[];
      const contracts = rows.map((r) => JSON.parse(r.contract_json) as Contract);
      written += await this.replace(contracts, { keepDuplicates: true });
    }
    return written;
  }

  /** Replace the facts of these current contracts, computed with the stored profiles. */
  async replace(contracts: readonly Contract[], options: { keepDuplicates?: boolean } = {}): Promise<number> {
    if (contracts.length === 0) return 0;
    const ids = new Set<string>();
    for (const c of contracts) {
      ids.add(c.acheteur.id);
      for (const t of c.titulaires) ids.add(t.id);
    }
    const t0 = performance.now();
    const profiles: Map<string, OrganisationProfile> = await new OrganisationProjectionRepository(this.em).find([...ids]);
    const t1 = performance.now();
    const duplicated = options.keepDuplicates ? await this.duplicated(contracts.map((c) => c.uid)) : null;
    const rows = contracts.map((c) => factRowsOf(c, (id) => profiles.get(id), duplicated?.has(c.uid) ?? false));
    const t2 = performance.now();
    await this.write(rows, duplicated === null);
    if (process.env.FACTS_QUERY_TIMING) console.error(`facts replace ${contracts.length}: profiles ${(t1 - t0).toFixed(0)} ms, rows ${(t2 - t1).toFixed(0)} ms, write ${(performance.now() - t2).toFixed(0)} ms`);
    return rows.length;
  }

  /** Which of these contracts are stored as probable duplicates. */
  private async duplicated(uids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunks(uids, IN_CHUNK)) {
      const rows = (await this.db(FACT).select('uid').whereIn('uid', part).where('probable_duplicate', 1)) as { uid: string }[];
      for (const r of rows) out.add(r.uid);
    }
    return out;
  }

  private async write(rows: readonly FactRows[], duplicates = true): Promise<void> {
    const uids = rows.map((r) => r.contract.uid);
    const pairs = new Map<string, Pair>();
    const groups = new Map<string, DuplicateKey>();
    const addPair = (buyer: string, supplier: string | null) => {
      if (supplier != null) pairs.set(`${buyer}\u001f${supplier}`, [buyer, supplier]);
    };
    const addGroup = (buyerId: string, cpv: string | null, montant: number | null) => {
      if (cpv != null && distinctive(montant)) groups.set(`${buyerId}\u001f${cpv}\u001f${montant}`, [buyerId, cpv, montant]);
    };
    // what the old rows were part of
    for (const part of chunks(uids, IN_CHUNK)) {
      const old = (await this.db(FACT).select('buyer_id', 'cpv_code', 'montant').whereIn('uid', part)) as { buyer_id: string; cpv_code: string | null; montant: number | null }[];
      for (const o of old) addGroup(o.buyer_id, o.cpv_code, o.montant == null ? null : Number(o.montant));
      const oldShares = (await this.db(SHARE).select('pair_buyer', 'supplier_key').whereIn('contract_uid', part).where('position', '>=', 0)) as { pair_buyer: string; supplier_key: string }[];
      for (const s of oldShares) addPair(s.pair_buyer, s.supplier_key);
      await this.db(SHARE).whereIn('contract_uid', part).delete();
      await this.db(FACT).whereIn('uid', part).delete();
    }
    for (const r of rows) {
      addGroup(r.contract.buyer_id, r.contract.cpv_code, r.contract.montant);
      for (const s of r.shares) if (s.position >= 0) addPair(s.pair_buyer, s.supplier_key);
    }
    const facts = rows.map((r) => r.contract);
    if (facts.length > 0) {
      const perInsert = Math.min(MAX_ROWS_PER_INSERT, rowsPerInsert(Object.keys(facts[0]).length));
      for (const part of chunks(facts, perInsert)) await this.db(FACT).insert(part);
    }
    const shares = rows.flatMap((r) => r.shares);
    if (shares.length > 0) {
      const perInsert = Math.min(MAX_ROWS_PER_INSERT, rowsPerInsert(Object.keys(shares[0]).length));
      for (const part of chunks(shares, perInsert)) await this.db(SHARE).insert(part);
    }
    const t = performance.now();
    await this.refreshPriors([...pairs.values()]);
    const u = performance.now();
    if (duplicates) await this.refreshDuplicates([...groups.values()]);
    if (process.env.FACTS_QUERY_TIMING) console.error(`  priors ${pairs.size} ${(u - t).toFixed(0)} ms, duplicates ${groups.size} ${(performance.now() - u).toFixed(0)} ms`);
  }

  /**
   * has_prior of every share of these buyer × supplier pairs: another contract of the pair notified in the 3 years
   * before (look-back window [pair_from, pair_date)). One UPDATE per chunk of pairs, answered through the pair index.
   */
  private async refreshPriors(pairs: readonly Pair[]): Promise<void> {
    for (const part of chunks(pairs, TUPLE_CHUNK)) {
      const tuples = part.map(() => '(?, ?)').join(', ');
      await this.db.raw(
        `update ${SHARE} set has_prior = case when ${SHARE}.pair_date is not null and exists (
           select 1 from ${SHARE} o
           where o.pair_buyer = ${SHARE}.pair_buyer and o.supplier_key = ${SHARE}.supplier_key
             and o.contract_uid <> ${SHARE}.contract_uid
             and o.pair_date >= ${SHARE}.pair_from and o.pair_date < ${SHARE}.pair_date) then 1 else 0 end
         where position >= 0 and (pair_buyer, supplier_key) in (values ${tuples})`,
        part.flat(),
      );
    }
  }

  /** probable_duplicate of every contract of these (buyer, CPV, montant) groups, decided by the domain's rule. */
  private async refreshDuplicates(groups: readonly DuplicateKey[]): Promise<void> {
    for (const part of chunks(groups, TUPLE_CHUNK)) {
      const tuples = part.map(() => '(?, ?, cast(? as double precision))').join(', ');
      const members = (await this.db.raw(
        `select uid from ${FACT} where (buyer_id, cpv_code, montant) in (values ${tuples})`,
        part.flat(),
      )) as unknown;
      const uids = rowsOf<{ uid: string }>(members).map((r) => r.uid);
      if (uids.length === 0) continue;
      const contracts: Contract[] = [];
      for (const c of chunks(uids, IN_CHUNK)) {
        const rows = (await this.db('analytics_contract').select('contract_json').whereIn('uid', c)) as { contract_json: string }[];
        for (const r of rows) contracts.push(JSON.parse(r.contract_json) as Contract);
      }
      const duplicated = new Set(probableDuplicateGroups(contracts).flatMap((g) => g.copies.map((c) => c.uid)));
      const yes = uids.filter((u) => duplicated.has(u));
      const no = uids.filter((u) => !duplicated.has(u));
      for (const c of chunks(yes, IN_CHUNK)) await this.db(FACT).whereIn('uid', c).update({ probable_duplicate: 1 });
      for (const c of chunks(no, IN_CHUNK)) await this.db(FACT).whereIn('uid', c).where('probable_duplicate', 1).update({ probable_duplicate: 0 });
    }
  }

  /** The contracts whose facts depend on these organisations' profiles (as buyer or as titulaire), by index. */
  async contractsOf(organisationIds: readonly string[]): Promise<string[]> {
    const out = new Set<string>();
    for (const part of chunks([...new Set(organisationIds)], IN_CHUNK)) {
      const asSupplier = (await this.db(SHARE).distinct('contract_uid').whereIn('supplier_id', part)) as { contract_uid: string }[];
      for (const r of asSupplier) out.add(r.contract_uid);
      const asBuyer = (await this.db(FACT).select('uid').whereIn('buyer_id', part)) as { uid: string }[];
      for (const r of asBuyer) out.add(r.uid);
    }
    return [...out];
  }

  /** Current contracts without facts yet (a store migrated with contracts in it), at most `limit`. */
  async missing(limit: number): Promise<string[]> {
    const rows = (await this.db('analytics_contract as c')
      .select('c.uid')
      .leftJoin(`${FACT} as f`, 'f.uid', 'c.uid')
      .whereNull('f.uid')
      .orderBy('c.uid')
      .limit(limit)) as { uid: string }[];
    return rows.map((r) => r.uid);
  }

  async count(): Promise<number> {
    const [row] = (await this.db(FACT).count({ n: '*' })) as { n: number | string }[];
    return Number(row.n);
  }
}

/**
 * Facts for the contracts a store already held when the facts migration ran (the consumers write facts for every
 * contract they apply from then on): batches of `batch` contracts, one transaction each, until none is missing.
 */
export async function backfillFacts(orm: MikroORM, batch = 500): Promise<number> {
  // not migrated yet (migrations are a separate step): the consumers will write facts once it is
  if ((await orm.getMigrator().getPendingMigrations()).some((m) => m.name.endsWith('_analytics_facts'))) return 0;
  let total = 0;
  for (;;) {
    const done = await orm.em.fork().transactional(async (tx) => {
      const repo = new FactsProjectionRepository(tx);
      const uids = await repo.missing(batch);
      return uids.length === 0 ? 0 : repo.refresh(uids);
    });
    if (done === 0) return total;
    total += done;
  }
}

/** Rows of a knex.raw answer: an array on SQLite, `{ rows }` on PostgreSQL. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
