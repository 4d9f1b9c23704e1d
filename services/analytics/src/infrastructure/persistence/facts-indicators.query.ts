import type { EntityManager } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import type { QualityFlagCode } from '@observatoire/contracts';
import {
  advancesCharterIndicator,
  advancesIndicator,
  CHARTER_ADVANCE_MIN_AMOUNT,
  concentrationIndicator,
  considerationsIndicator,
  dataQualityIndicator,
  firstTimeSuppliersIndicator,
  HHI_CONCENTRATION_THRESHOLD,
  INDICATOR_KEYS,
  innovationIndicator,
  localShareIndicator,
  publicationDelayIndicator,
  safeRatio,
  simplifiedProceduresIndicator,
  singleBidderIndicator,
  smeShareIndicator,
  subcontractingIndicator,
  tpeShareIndicator,
  GRADE_A_MAX_MEDIAN_DELAY_DAYS,
  KEY_FIELDS,
  publicationGradeIndicator,
  type BuyerYearGrade,
  type ExpectedBuyerYear,
  type FrameworkAgreementAmounts,
  type Grade,
  type GradeConditions,
  type IndicatorValue,
  type Ratio,
} from '../../domain';
import { coContractorRuleOf, type AnalyticsFilters } from '../../application/shared/analytics-filters';
import { KEY_FIELD_COLUMNS } from '../../application/shared/fact-rows';
import { rowsOf } from './facts-projection.repository';
import { sqlOf } from './sql';

/** The indicators answered in the store: all of them (the publication grade with the expected buyer-years given). */
export const STORE_INDICATOR_KEYS = INDICATOR_KEYS;
export type StoreIndicatorKey = (typeof STORE_INDICATOR_KEYS)[number];

export interface StoreIndicatorOptions {
  frameworkAgreementAmounts?: FrameworkAgreementAmounts;
  /** The store's earliest notification date (first-time suppliers are unknown within 3 years of it). */
  historyStart?: string | null;
  /** Buyer-years expected to publish (graded E without any contract), already filtered. */
  expectedBuyerYears?: readonly Pick<ExpectedBuyerYear, 'buyer' | 'year'>[];
  /** One year of notification only (null: the contracts without a notification date), on top of the filters. */
  year?: number | null;
}

/** Above this many buyer-years, the publication grade gives its distribution but not the list of grades. */
export const MAX_LISTED_GRADES = 5_000;

export interface StoreIndicators {
  contracts: number;
  excludedUnusableAmounts: number;
  indicators: Record<StoreIndicatorKey, IndicatorValue>;
}

interface Where {
  sql: string;
  bindings: unknown[];
}

/**
 * The filters of the public API as a WHERE clause on analytics_fact (alias `f`): the same columns and the same
 * semantics as ContractProjectionRepository's pre-filter, written once for both SQL dialects.
 */
export function factFilters(f: AnalyticsFilters, alias = 'f'): Where {
  const parts: string[] = [];
  const bindings: unknown[] = [];
  const col = (c: string) => `${alias}.${c}`;
  const eq = (c: string, v: unknown) => {
    parts.push(`${col(c)} = ?`);
    bindings.push(v);
  };
  if (f.acheteur) eq(f.acheteur.length === 14 ? 'buyer_id' : 'buyer_siren', f.acheteur);
  if (f.typeAcheteur) eq('buyer_type', f.typeAcheteur);
  if (f.territoire) {
    const column = { epci: 'buyer_epci', departement: 'buyer_departement', region: 'buyer_region', bretagne: 'buyer_region' }[f.territoire.level];
    eq(column, f.territoire.code);
  }
  // prefixes are validated as 2 to 8 digits: no LIKE metacharacter can reach the pattern
  if (f.cpv) {
    parts.push(`${col('cpv_code')} like ?`);
    bindings.push(`${f.cpv}%`);
  }
  if (f.cpvIn) {
    if (f.cpvIn.some((p) => !/^\d{2,8}$/.test(p))) throw new Error(`cpvIn: CPV prefixes of 2 to 8 digits expected, got ${f.cpvIn.join(', ')}`);
    if (f.cpvIn.length === 0) parts.push('1 = 0');
    else {
      parts.push(`(${f.cpvIn.map(() => `${col('cpv_code')} like ?`).join(' or ')})`);
      bindings.push(...f.cpvIn.map((p) => `${p}%`));
    }
  }
  if (f.typeAchat) eq('purchase_type', f.typeAchat);
  if (f.annee !== undefined) eq('year', f.annee);
  if (f.du) {
    parts.push(`${col('notification_date')} >= ?`);
    bindings.push(f.du);
  }
  if (f.au) {
    parts.push(`${col('notification_date')} <= ?`);
    bindings.push(f.au);
  }
  return { sql: parts.length > 0 ? parts.join(' and ') : '1 = 1', bindings };
}

/**
 * PostgreSQL adds double-precision values in whatever order it reads the rows, so the same facts stored in
 * another physical order (a rebuild, a vacuum) gave sums that differed in the last bits (72,570,087.18 vs
 * 72,570,087.18000002) and indicators that were not equal from one store to the next. Every aggregate
 * `sum(x)` (not the window sums, whose order is given) is therefore computed in `numeric`, exact and
 * order-independent, and read back as double precision. SQLite's SUM is compensated (Kahan-Babuska-Neumaier).
 */
export function exactSums(sql: string): string {
  let out = '';
  let i = 0;
  const re = /\bsum\(/gi;
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let close = -1;
    for (let j = open; j < sql.length; j++) {
      if (sql[j] === '(') depth++;
      else if (sql[j] === ')' && --depth === 0) {
        close = j;
        break;
      }
    }
    if (close < 0) break;
    if (/^\s*over\b/i.test(sql.slice(close + 1))) continue;
    out += `${sql.slice(i, m.index)}sum((${exactSums(sql.slice(open + 1, close))})::numeric)::float8`;
    i = close + 1;
    re.lastIndex = close + 1;
  }
  return out + sql.slice(i);
}

const n = (v: unknown): number => (v == null ? 0 : Number(v));


function ratio(numerator: number, denominator: number, unknown: number): Ratio {
  return { numerator, denominator, value: safeRatio(numerator, denominator), unknown, unknownShare: safeRatio(unknown, denominator + unknown) };
}

/**
 * The aggregates of one yes / no / unknown answer (`answer` an SQL expression giving 'y', 'n', 'u', or null for
 * "not in the population"), weighted by `weight` (1, or the titulaire's share): by count, by usable amount
 * (framework agreements apart unless included), and the population's contracts without usable amount
 * (`entry` is the condition that counts one row per contract of the population).
 */
function answerAggregates(p: string, answer: string, weight: string, entry: string, include: boolean): string[] {
  const amountTarget = include ? '1 = 1' : 'f.framework_agreement = 0';
  const out: string[] = [];
  for (const a of ['y', 'n', 'u']) {
    out.push(`sum(case when ${answer} = '${a}' and ${weight} > 0 then ${weight} else 0 end) as ${p}_c${a}`);
    out.push(`sum(case when ${answer} = '${a}' and ${weight} > 0 and f.amount is not null and ${amountTarget} then ${weight} * f.amount else 0 end) as ${p}_a${a}`);
    out.push(`sum(case when ${answer} = '${a}' and ${weight} > 0 and f.amount is not null and not (${amountTarget}) then ${weight} * f.amount else 0 end) as ${p}_f${a}`);
  }
  out.push(`sum(case when ${answer} is not null and ${entry} and f.amount is null then 1 else 0 end) as ${p}_excl`);
  out.push(`sum(case when ${answer} is not null and ${entry} and f.framework_agreement = 1 then 1 else 0 end) as ${p}_fa`);
  return out;
}

interface Answered {
  byCount: Ratio;
  byAmount: Ratio;
  excludedUnusableAmounts: number;
  frameworkAgreements: { contracts: number; amountsIncluded: boolean; byAmount: Ratio };
}

function answered(row: Record<string, unknown>, p: string, include: boolean): Answered {
  const r = (kind: string) => ratio(n(row[`${p}_${kind}y`]), n(row[`${p}_${kind}y`]) + n(row[`${p}_${kind}n`]), n(row[`${p}_${kind}u`]));
  return {
    byCount: r('c'),
    byAmount: r('a'),
    excludedUnusableAmounts: n(row[`${p}_excl`]),
    frameworkAgreements: { contracts: n(row[`${p}_fa`]), amountsIncluded: include, byAmount: r('f') },
  };
}

/** A domain indicator's value with its figures replaced by the store's (labels and constant details kept). */
function valueOf<D>(template: IndicatorValue<D>, a: Answered, details: Partial<D>): IndicatorValue {
  return {
    ...template,
    byCount: a.byCount,
    ...(template.byAmount !== undefined ? { byAmount: a.byAmount } : {}),
    excludedUnusableAmounts: a.excludedUnusableAmounts,
    details: { ...(template.details as object), ...(('frameworkAgreements' in ((template.details as object) ?? {})) ? { frameworkAgreements: a.frameworkAgreements } : {}), ...details },
  };
}

const CONTRACT_ANSWERS = [
  ['adv', 'f.a_advance'],
  ['soc', 'f.a_social'],
  ['env', 'f.a_environmental'],
  ['sub', 'f.a_subcontracting'],
  ['inn', 'f.a_innovation'],
  ['pa', 'f.a_procedure_adaptee'],
  ['np', 'f.a_no_publicity'],
  ['sb', 'f.a_single_bidder'],
  ['del', 'f.a_publication_delay'],
  ['dq', "case when f.unusable_amount = 1 or f.invalid_identifier = 1 or f.duplicate_sources = 1 or f.probable_duplicate = 1 then 'y' else 'n' end"],
] as const;

/**
 * The charter indicators computed IN THE STORE by aggregate queries over the facts projection — never by loading
 * contracts into the process: one scan of analytics_fact for the contract-level answers, one join with
 * analytics_fact_share for the supplier-level answers, a GROUP BY of buyer × CPV division × supplier for the HHI,
 * window functions for the medians. Each answer equals the domain function's (facts-indicators equivalence tests).
 */
export class FactsIndicatorsQuery {
  constructor(private readonly em: EntityManager) {}

  private get db(): Knex {
    return sqlOf(this.em);
  }

  private async rows(sql: string, bindings: readonly unknown[]): Promise<Record<string, unknown>[]> {
    const t = performance.now();
    if (this.db.client.dialect === 'postgresql') sql = exactSums(sql);
    const out = rowsOf<Record<string, unknown>>(await this.db.raw(sql, bindings as Knex.RawBinding[]));
    if (process.env.FACTS_QUERY_TIMING) console.error(`${(performance.now() - t).toFixed(0)} ms ${sql.slice(0, 90).replace(/\s+/g, ' ')}`);
    return out;
  }

  /** The distinct years of notification of the filtered contracts (null for undated ones), by index. */
  async years(filters: AnalyticsFilters): Promise<(number | null)[]> {
    const where = factFilters(filters);
    const rows = await this.rows(`select distinct f.year as y from analytics_fact f where ${where.sql}`, where.bindings);
    return rows.map((r) => (r.y == null ? null : Number(r.y)));
  }

  async historyStart(): Promise<string | null> {
    const [row] = await this.rows('select min(notification_date) as d from analytics_fact', []);
    return (row?.d as string | null) ?? null;
  }

  async compute(filters: AnalyticsFilters, opts: StoreIndicatorOptions = {}): Promise<StoreIndicators> {
    const include = opts.frameworkAgreementAmounts === 'include';
    const where = factFilters(filters);
    if (opts.year !== undefined) {
      where.sql += opts.year === null ? ' and f.year is null' : ' and f.year = ?';
      if (opts.year !== null) where.bindings.push(opts.year);
    }
    const historyStart = opts.historyStart === undefined ? await this.historyStart() : opts.historyStart;
    const weight = coContractorRuleOf(filters) === 'lead' ? 's.share_lead' : 's.share_even';

    // 1. contract-level answers: one scan
    const contractSelect = [
      'count(*) as contracts',
      'sum(f.unusable_amount) as unusable',
      ...CONTRACT_ANSWERS.flatMap(([p, a]) => answerAggregates(p, a, '1', '1 = 1', include)),
      "sum(case when f.a_advance = 'y' and f.taux_avance is not null then f.taux_avance else 0 end) as adv_rate_sum",
      "sum(case when f.a_advance = 'y' and f.taux_avance is not null then 1 else 0 end) as adv_rate_known",
      "sum(case when f.a_advance = 'y' and f.taux_avance is null then 1 else 0 end) as adv_rate_unknown",
      "sum(case when f.a_advance = 'y' and f.taux_avance is not null and f.amount is not null then f.taux_avance * f.amount else 0 end) as adv_rate_weighted",
      "sum(case when f.a_advance = 'y' and f.taux_avance is not null and f.amount is not null then f.amount else 0 end) as adv_rate_weight",
      ...(['social', 'env'] as const).flatMap((k) => {
        const a = k === 'social' ? 'f.a_social' : 'f.a_environmental';
        return [
          `sum(case when ${a} = 'y' and f.${k}_clause = 1 then 1 else 0 end) as ${k}_clause`,
          `sum(case when ${a} = 'y' and f.${k}_criterion = 1 then 1 else 0 end) as ${k}_criterion`,
          `sum(case when ${a} = 'y' and f.${k}_reserved = 1 then 1 else 0 end) as ${k}_reserved`,
          `sum(f.${k}_contradictory) as ${k}_contradictory`,
        ];
      }),
      'sum(f.procedure_unknown) as procedure_unknown',
      'sum(f.delay_negative) as delay_negative',
      'sum(f.delay_missing) as delay_missing',
      'sum(f.invalid_identifier) as invalid_identifiers',
      'sum(f.duplicate_sources) as duplicate_sources',
      'sum(f.probable_duplicate) as probable_duplicates',
      'sum(case when f.notification_date is null then 1 else 0 end) as undated',
    ];
    const [c] = await this.rows(`select ${contractSelect.join(', ')} from analytics_fact f where ${where.sql}`, where.bindings);

    // 2. supplier-level answers: the facts joined with their shares (one row per contract has position <= 0)
    const firstTime = `case when s.position < 0 then 'u' when f.window_start is null${historyStart ? ' or f.window_start < ?' : ''} then 'u' when s.has_prior = 1 then 'n' else 'y' end`;
    const entry = 's.position <= 0';
    const charterPopulation = `f.amount is not null and f.amount > ${CHARTER_ADVANCE_MIN_AMOUNT}`;
    const shareSelect = [
      ...answerAggregates('sme', 's.a_sme', weight, entry, include),
      ...answerAggregates('tpe', 's.a_tpe', weight, entry, include),
      ...answerAggregates('lep', 's.a_local_epci', weight, entry, include),
      ...answerAggregates('ldp', 's.a_local_departement', weight, entry, include),
      ...answerAggregates('lbz', 's.a_local_bretagne', weight, entry, include),
      ...answerAggregates('ft', firstTime, weight, entry, include),
      ...answerAggregates('ch', `case when ${charterPopulation} and s.charter_member = 'y' then f.a_advance_charter end`, weight, '1 = 0', include),
      `count(distinct case when ${charterPopulation} and s.charter_member = 'y' and ${weight} > 0 and f.framework_agreement = 1 then f.uid end) as ch_fa_contracts`,
      `sum(case when ${charterPopulation} and s.charter_member = 'u' then ${weight} else 0 end) as ch_population_unknown`,
      `sum(case when s.position >= 0 and ${weight} > 0 and s.distance_km is not null then 1 else 0 end) as distance_known`,
      `sum(case when s.position >= 0 and ${weight} > 0 and s.distance_km is null then 1 else 0 end) as distance_missing`,
    ];
    // the first-time binding appears once per aggregate that embeds the expression (9 times)
    const ftBindings = historyStart ? Array.from({ length: 11 }, () => historyStart) : [];
    const [s] = await this.rows(
      `select ${shareSelect.join(', ')} from analytics_fact f join analytics_fact_share s on s.contract_uid = f.uid where ${where.sql}`,
      [...ftBindings, ...where.bindings],
    );

    const distanceMedian = await this.distanceMedian(where, weight);
    const delayMedian = await this.delayMedian(where);
    const concentration = await this.concentration(where, weight, include);
    const flags = await this.flags(where);
    const grade = await this.publicationGrade(where, n(c.undated), opts.expectedBuyerYears ?? []);

    const a = (row: Record<string, unknown>, p: string) => answered(row, p, include);
    const adv = a(c, 'adv');
    const known = (x: Answered) => x.byCount.denominator;
    const soc = a(c, 'soc');
    const env = a(c, 'env');
    const ch = a(s, 'ch');
    ch.excludedUnusableAmounts = n(c.unusable);
    ch.frameworkAgreements.contracts = n(s.ch_fa_contracts);
    const dq = a(c, 'dq');
    const local = (level: 'epci' | 'departement' | 'bretagne', p: string) =>
      valueOf(localShareIndicator([], { level }), a(s, p), { distance: { medianKm: distanceMedian, known: n(s.distance_known), missing: n(s.distance_missing) } });
    const considerations = (kind: 'social' | 'environmental', x: Answered, k: 'social' | 'env') =>
      valueOf(considerationsIndicator([], { kind }), x, {
        clause: { contracts: n(c[`${k}_clause`]), value: safeRatio(n(c[`${k}_clause`]), known(x)) },
        criterion: { contracts: n(c[`${k}_criterion`]), value: safeRatio(n(c[`${k}_criterion`]), known(x)) },
        reserved: { contracts: n(c[`${k}_reserved`]), value: safeRatio(n(c[`${k}_reserved`]), known(x)) },
        contradictory: n(c[`${k}_contradictory`]),
      });
    const indicators: Record<StoreIndicatorKey, IndicatorValue> = {
      'sme-share': valueOf(smeShareIndicator([]), a(s, 'sme'), {}),
      'tpe-share': valueOf(tpeShareIndicator([]), a(s, 'tpe'), {}),
      'local-share-epci': local('epci', 'lep'),
      'local-share-departement': local('departement', 'ldp'),
      'local-share-bretagne': local('bretagne', 'lbz'),
      advances: valueOf(advancesIndicator([]), adv, {
        meanTauxAvance: safeRatio(n(c.adv_rate_sum), n(c.adv_rate_known)),
        meanTauxAvanceByAmount: safeRatio(n(c.adv_rate_weighted), n(c.adv_rate_weight)),
        tauxKnown: n(c.adv_rate_known),
        tauxUnknown: n(c.adv_rate_unknown),
      }),
      'advances-charter': valueOf(advancesCharterIndicator([]), ch, { populationUnknown: n(s.ch_population_unknown) }),
      'social-considerations': considerations('social', soc, 'social'),
      'environmental-considerations': considerations('environmental', env, 'env'),
      'subcontracting-declared': valueOf(subcontractingIndicator([]), a(c, 'sub'), {}),
      innovation: valueOf(innovationIndicator([]), a(c, 'inn'), {}),
      'procedure-adaptee': valueOf(simplifiedProceduresIndicator([], { kind: 'procedure-adaptee' }), a(c, 'pa'), {}),
      'no-publicity-no-competition': valueOf(simplifiedProceduresIndicator([], { kind: 'no-publicity-no-competition' }), a(c, 'np'), {}),
      'single-bidder': valueOf(singleBidderIndicator([]), a(c, 'sb'), { populationUnknown: n(c.procedure_unknown) }),
      concentration: { ...concentrationIndicator([]), ...concentration },
      'first-time-suppliers': valueOf(firstTimeSuppliersIndicator([], { historyStart: historyStart ?? undefined }), a(s, 'ft'), {
        undatedHistory: n(c.undated),
      }),
      'publication-delay': valueOf(publicationDelayIndicator([]), a(c, 'del'), {
        medianDays: delayMedian,
        negative: n(c.delay_negative),
        missing: n(c.delay_missing),
      }),
      'publication-grade': grade,
      'data-quality': {
        ...dataQualityIndicator([]),
        byCount: dq.byCount,
        excludedUnusableAmounts: dq.excludedUnusableAmounts,
        details: {
          unusableAmounts: n(c.unusable),
          invalidIdentifiers: n(c.invalid_identifiers),
          duplicatesAcrossSources: n(c.duplicate_sources),
          probableDuplicates: n(c.probable_duplicates),
          flags,
        },
      },
    };
    return { contracts: n(c.contracts), excludedUnusableAmounts: n(c.unusable), indicators };
  }

  /** Weighted median of buyer–supplier distances (stats.weightedMedian), by a running sum over the sorted distances. */
  private async distanceMedian(where: Where, weight: string): Promise<number | null> {
    const [row] = await this.rows(
      `with p as (select s.distance_km as v, ${weight} as w from analytics_fact f join analytics_fact_share s on s.contract_uid = f.uid
                  where ${where.sql} and s.position >= 0 and ${weight} > 0 and s.distance_km is not null),
            o as (select v, sum(w) over (order by v rows between unbounded preceding and current row) as cum,
                         lead(v) over (order by v) as nxt, sum(w) over () as total from p)
       select v, cum, nxt, total from o where cum >= total / 2 - 1e-9 * total order by cum limit 1`,
      where.bindings,
    );
    if (!row) return null;
    const v = Number(row.v);
    const half = n(row.total) / 2;
    return Math.abs(n(row.cum) - half) <= 1e-9 * n(row.total) && row.nxt != null ? (v + Number(row.nxt)) / 2 : v;
  }

  /** Ordinary median of the publication delays (stats.median): the one or two middle values by OFFSET. */
  private async delayMedian(where: Where): Promise<number | null> {
    const [k] = await this.rows(`select count(*) as k from analytics_fact f where ${where.sql} and f.delay_days is not null`, where.bindings);
    const count = n(k?.k);
    if (count === 0) return null;
    const at = async (offset: number) => {
      const [r] = await this.rows(`select f.delay_days as d from analytics_fact f where ${where.sql} and f.delay_days is not null order by f.delay_days limit 1 offset ${offset}`, where.bindings);
      return Number(r.d);
    };
    const mid = Math.floor(count / 2);
    return count % 2 === 1 ? at(mid) : ((await at(mid - 1)) + (await at(mid))) / 2;
  }

  /** HHI per buyer × CPV division market (GROUP BY supplier, then market), and the concentrated share. */
  private async concentration(where: Where, weight: string, include: boolean): Promise<Pick<IndicatorValue, 'byCount' | 'byAmount' | 'excludedUnusableAmounts' | 'details'>> {
    const spend = include ? '1 = 1' : 'f.framework_agreement = 0';
    const placed = `f.amount is not null and ${spend} and f.cpv_division is not null and f.titulaires > 0`;
    const [row] = await this.rows(
      `with bs as (select f.buyer_siren as b, f.cpv_division as d, s.supplier_key as k, sum(${weight} * f.amount) as a
                   from analytics_fact f join analytics_fact_share s on s.contract_uid = f.uid
                   where ${where.sql} and ${placed} and s.position >= 0 and ${weight} > 0
                   group by f.buyer_siren, f.cpv_division, s.supplier_key),
            tot as (select b, d, sum(a) as total from bs group by b, d),
            hh as (select bs.b, bs.d, max(tot.total) as total, sum((100.0 * bs.a / tot.total) * (100.0 * bs.a / tot.total)) as hhi
                   from bs join tot on tot.b = bs.b and tot.d = bs.d group by bs.b, bs.d),
            cnt as (select f.buyer_siren as b, f.cpv_division as d, count(*) as contracts from analytics_fact f where ${where.sql} and ${placed}
                    group by f.buyer_siren, f.cpv_division)
       select count(*) as markets,
              sum(case when hh.hhi > ${HHI_CONCENTRATION_THRESHOLD} then 1 else 0 end) as concentrated_markets,
              sum(case when hh.hhi > ${HHI_CONCENTRATION_THRESHOLD} then cnt.contracts else 0 end) as cy,
              sum(cnt.contracts) as ct,
              sum(case when hh.hhi > ${HHI_CONCENTRATION_THRESHOLD} then hh.total else 0 end) as ay,
              sum(hh.total) as at
       from hh join cnt on cnt.b = hh.b and cnt.d = hh.d`,
      [...where.bindings, ...where.bindings],
    );
    const [other] = await this.rows(
      `select sum(case when f.amount is null then 1 else 0 end) as excluded,
              sum(case when f.amount is not null and not (${spend}) then 1 else 0 end) as fa_excluded,
              sum(case when f.amount is not null and ${spend} and (f.cpv_division is null or f.titulaires = 0) then 1 else 0 end) as unplaced,
              sum(case when f.amount is not null and ${spend} and (f.cpv_division is null or f.titulaires = 0) then f.amount else 0 end) as unplaced_amount
       from analytics_fact f where ${where.sql}`,
      where.bindings,
    );
    const unplaced = n(other?.unplaced);
    return {
      byCount: ratio(n(row?.cy), n(row?.ct), unplaced),
      byAmount: ratio(n(row?.ay), n(row?.at), n(other?.unplaced_amount)),
      excludedUnusableAmounts: n(other?.excluded),
      details: {
        threshold: HHI_CONCENTRATION_THRESHOLD,
        // the per-market list is unbounded at national scale: the store gives the counts, /api/indicators/breakdown the cuts
        markets: n(row?.markets),
        concentratedMarkets: n(row?.concentrated_markets),
        unplaced,
        frameworkAgreementsExcluded: n(other?.fa_excluded),
      },
    };
  }

  /**
   * Publication grade per buyer × year (gradeBuyerYear): one GROUP BY for the counts and the key fields (a field is
   * filled for the group when its minimum over the contracts is 1), the median delay by row_number() per group.
   */
  private async publicationGrade(where: Where, undated: number, expected: readonly Pick<ExpectedBuyerYear, 'buyer' | 'year'>[]): Promise<IndicatorValue> {
    const rows = await this.rows(
      `with g as (select f.buyer_siren as b, f.year as y, count(*) as contracts,
                         sum(case when f.amount is not null and f.amount < (case when f.year < 2020 then 25000 else 40000 end) then 1 else 0 end) as optional,
                         sum(case when ${KEY_FIELD_COLUMNS.map((k) => `f.${k} = 1`).join(' and ')} then 1 else 0 end) as complete,
                         ${KEY_FIELD_COLUMNS.map((k) => `min(f.${k}) as ${k}`).join(', ')}
                  from analytics_fact f where ${where.sql} and f.year is not null group by f.buyer_siren, f.year),
            d as (select f.buyer_siren as b, f.year as y, f.delay_days as v,
                         row_number() over (partition by f.buyer_siren, f.year order by f.delay_days) as rn,
                         count(*) over (partition by f.buyer_siren, f.year) as k
                  from analytics_fact f where ${where.sql} and f.year is not null and f.delay_days is not null),
            m as (select b, y, avg(v * 1.0) as median from d where rn = (k + 1) / 2 or rn = (k + 2) / 2 group by b, y)
       select g.*, m.median from g left join m on m.b = g.b and m.y = g.y`,
      [...where.bindings, ...where.bindings],
    );
    const grades = new Map<string, BuyerYearGrade>();
    for (const r of rows) {
      const year = Number(r.y);
      const contracts = n(r.contracts);
      const optionalContracts = n(r.optional);
      const missingKeyFields = KEY_FIELDS.filter((_, i) => n(r[KEY_FIELD_COLUMNS[i]]) !== 1);
      const medianDelayDays = r.median == null ? null : Number(r.median);
      const conditions: GradeConditions = {
        atLeastOneContract: contracts > 0,
        optionalContracts: optionalContracts > 0,
        keyFieldsFilled: contracts > 0 && missingKeyFields.length === 0,
        medianDelayWithin60Days: medianDelayDays != null && medianDelayDays <= GRADE_A_MAX_MEDIAN_DELAY_DAYS,
      };
      const grade: Grade = !conditions.atLeastOneContract ? 'E' : !conditions.optionalContracts ? 'D' : !conditions.keyFieldsFilled ? 'C' : !conditions.medianDelayWithin60Days ? 'B' : 'A';
      const buyer = String(r.b);
      grades.set(`${buyer}|${year}`, { buyer, year, grade, contracts, optionalContracts, completeContracts: n(r.complete), missingKeyFields, medianDelayDays, conditions });
    }
    // expected buyer-years without any contract: the domain grades an empty group
    const empty = publicationGradeIndicator([], { expected: [{ buyer: '', year: 2000 }] }).details!.grades[0];
    for (const e of expected) {
      const key = `${e.buyer}|${e.year}`;
      if (!grades.has(key)) grades.set(key, { ...empty, buyer: e.buyer, year: e.year, missingKeyFields: [...empty.missingKeyFields], conditions: { ...empty.conditions } });
    }
    const distribution: Record<Grade, number> = { A: 0, B: 0, C: 0, D: 0, E: 0 };
    for (const g of grades.values()) distribution[g.grade] += 1;
    const list = [...grades.values()].sort((a, b) => a.buyer.localeCompare(b.buyer) || a.year - b.year);
    const template = publicationGradeIndicator([]);
    return {
      ...template,
      byCount: ratio(distribution.A, list.length, 0),
      details: {
        ...template.details,
        grades: list.length <= MAX_LISTED_GRADES ? list : [],
        ...(list.length > MAX_LISTED_GRADES ? { gradesOmitted: list.length } : {}),
        distribution,
        undatedContracts: undated,
      },
    };
  }

  /** Quality flag counts: one GROUP BY over the flag sets (few distinct sets), split in the process. */
  private async flags(where: Where): Promise<Partial<Record<QualityFlagCode, number>>> {
    const rows = await this.rows(`select f.flags_json as flags, count(*) as n from analytics_fact f where ${where.sql} group by f.flags_json`, where.bindings);
    const out: Partial<Record<QualityFlagCode, number>> = {};
    for (const r of rows) for (const code of JSON.parse(String(r.flags)) as QualityFlagCode[]) out[code] = (out[code] ?? 0) + n(r.n);
    return out;
  }
}


