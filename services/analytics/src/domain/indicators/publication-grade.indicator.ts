import type { ExpectedBuyerYear } from '../dimensions';
import { KEY_FIELDS, type ContractFacts, type KeyField } from '../facts';
import { median } from '../stats';
import { RatioAccumulator, type IndicatorValue } from './indicator';
import { publicationDelayDays } from './publication-delay.indicator';

export const GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type Grade = (typeof GRADES)[number];

/** Grade A: median publication delay of at most 60 days. */
export const GRADE_A_MAX_MEDIAN_DELAY_DAYS = 60;

/**
 * Publication of essential data is mandatory from 25 000 € HT for contracts notified before 2020, from
 * 40 000 € HT since 1 January 2020. A contract under the threshold is an "optional" publication
 * (the charter asks buyers to publish from the first euro).
 */
export function mandatoryPublicationThreshold(year: number): number {
  return year < 2020 ? 25_000 : 40_000;
}

/**
 * How B judges the ten key fields: `every-contract` (default) — every contract of the buyer-year has all ten;
 * `each-field-once` — each field is filled on at least one contract (Éclaireur Public's own check).
 */
export type KeyFieldsCompleteness = 'every-contract' | 'each-field-once';

export interface GradeOptions {
  completeness?: KeyFieldsCompleteness;
}

export interface GradeConditions {
  /** D: at least one contract published. */
  atLeastOneContract: boolean;
  /** C: at least one contract under the mandatory threshold (usable amount) published. */
  optionalContracts: boolean;
  /** B: the ten key fields filled. */
  keyFieldsFilled: boolean;
  /** A: median delay notification → publication ≤ 60 days (false when no delay is known). */
  medianDelayWithin60Days: boolean;
}

export interface BuyerYearGrade {
  buyer: string;
  year: number;
  grade: Grade;
  contracts: number;
  optionalContracts: number;
  completeContracts: number;
  /** Key fields missing on at least one contract (every-contract) / on all contracts (each-field-once). */
  missingKeyFields: KeyField[];
  medianDelayDays: number | null;
  conditions: GradeConditions;
}

/**
 * Grade ONE buyer-year. The rules are cumulative: each grade requires every condition of the grades below it.
 *   E: no contract; D: at least one; C: D + at least one optional (under-threshold) contract;
 *   B: C + the ten key fields filled; A: B + median delay ≤ 60 days.
 */
export function gradeBuyerYear(facts: readonly ContractFacts[], year: number, opts: GradeOptions = {}): Omit<BuyerYearGrade, 'buyer' | 'year'> {
  const completeness = opts.completeness ?? 'every-contract';
  const threshold = mandatoryPublicationThreshold(year);
  const optionalContracts = facts.filter((f) => f.amount != null && f.amount < threshold).length;
  const completeContracts = facts.filter((f) => KEY_FIELDS.every((k) => f.keyFields[k])).length;
  const missingKeyFields = KEY_FIELDS.filter((k) =>
    completeness === 'every-contract' ? facts.some((f) => !f.keyFields[k]) : !facts.some((f) => f.keyFields[k]),
  );
  const delays = facts.map(publicationDelayDays).filter((d): d is number => d != null);
  const medianDelayDays = median(delays);
  const conditions: GradeConditions = {
    atLeastOneContract: facts.length > 0,
    optionalContracts: optionalContracts > 0,
    keyFieldsFilled: facts.length > 0 && missingKeyFields.length === 0,
    medianDelayWithin60Days: medianDelayDays != null && medianDelayDays <= GRADE_A_MAX_MEDIAN_DELAY_DAYS,
  };
  let grade: Grade = 'E';
  if (conditions.atLeastOneContract) {
    grade = 'D';
    if (conditions.optionalContracts) {
      grade = 'C';
      if (conditions.keyFieldsFilled) {
        grade = 'B';
        if (conditions.medianDelayWithin60Days) grade = 'A';
      }
    }
  }
  return { grade, contracts: facts.length, optionalContracts, completeContracts, missingKeyFields, medianDelayDays, conditions };
}

export interface PublicationGradeOptions extends GradeOptions {
  /** Buyer-years expected to publish (buyer = SIREN, else id). Those without any contract are graded E. */
  expected?: readonly Pick<ExpectedBuyerYear, 'buyer' | 'year'>[];
}

export interface PublicationGradeDetails {
  grades: BuyerYearGrade[];
  distribution: Record<Grade, number>;
  /** Contracts without a notification year: they belong to no buyer-year. */
  undatedContracts: number;
  completeness: KeyFieldsCompleteness;
}

/**
 * 12. Publication grade A–E per buyer (SIREN, else id) and year of notification.
 * byCount = buyer-years graded A ÷ buyer-years graded; the grades themselves are in details.
 */
export function publicationGradeIndicator(
  facts: readonly ContractFacts[],
  opts: PublicationGradeOptions = {},
): IndicatorValue<PublicationGradeDetails> {
  const groups = new Map<string, { buyer: string; year: number; facts: ContractFacts[] }>();
  let undatedContracts = 0;
  for (const e of opts.expected ?? []) groups.set(`${e.buyer}|${e.year}`, { buyer: e.buyer, year: e.year, facts: [] });
  for (const f of facts) {
    if (f.year == null) {
      undatedContracts += 1;
      continue;
    }
    const buyer = f.buyer.siren ?? f.buyer.id;
    const key = `${buyer}|${f.year}`;
    const g = groups.get(key) ?? { buyer, year: f.year, facts: [] };
    g.facts.push(f);
    groups.set(key, g);
  }
  const distribution: Record<Grade, number> = { A: 0, B: 0, C: 0, D: 0, E: 0 };
  const acc = new RatioAccumulator();
  const grades: BuyerYearGrade[] = [];
  for (const g of groups.values()) {
    const graded = { buyer: g.buyer, year: g.year, ...gradeBuyerYear(g.facts, g.year, opts) };
    grades.push(graded);
    distribution[graded.grade] += 1;
    acc.add(graded.grade === 'A' ? 'yes' : 'no', 1);
  }
  grades.sort((a, b) => a.buyer.localeCompare(b.buyer) || a.year - b.year);
  return {
    key: 'publication-grade',
    label: 'Note de publication (A à E) par acheteur et par année',
    unit: 'count',
    byCount: acc.ratio(),
    excludedUnusableAmounts: 0,
    details: { grades, distribution, undatedContracts, completeness: opts.completeness ?? 'every-contract' },
  };
}
