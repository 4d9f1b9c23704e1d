import { withCoContractorRule, type CoContractorRule, type ContractFacts } from './facts';
import { expectedKey, filterExpected, filterFacts, groupFacts, type Dimension, type ExpectedBuyerYear, type FactFilters } from './dimensions';
import type { AmountOptions, IndicatorKey, IndicatorValue } from './indicators/indicator';
import { advancesCharterIndicator, advancesIndicator } from './indicators/advances.indicator';
import { concentrationIndicator } from './indicators/concentration.indicator';
import { considerationsIndicator } from './indicators/considerations.indicator';
import { dataQualityIndicator } from './indicators/data-quality.indicator';
import { firstTimeSuppliersIndicator } from './indicators/first-time-suppliers.indicator';
import { innovationIndicator } from './indicators/innovation.indicator';
import { localShareIndicator } from './indicators/local-share.indicator';
import { publicationDelayIndicator } from './indicators/publication-delay.indicator';
import { publicationGradeIndicator, type KeyFieldsCompleteness } from './indicators/publication-grade.indicator';
import { simplifiedProceduresIndicator } from './indicators/simplified-procedures.indicator';
import { singleBidderIndicator } from './indicators/single-bidder.indicator';
import { smeShareIndicator } from './indicators/sme-share.indicator';
import { subcontractingIndicator } from './indicators/subcontracting.indicator';
import { tpeShareIndicator } from './indicators/tpe-share.indicator';
import { DEFAULT_CHARTER_TARGETS, type CharterTargets } from './targets';

export interface ComputeIndicatorsOptions extends AmountOptions {
  filters?: FactFilters;
  /** Defaults to DEFAULT_CHARTER_TARGETS; pass {} for none. */
  targets?: CharterTargets;
  /** Re-shares every contract's titulaires under this rule (defaults to the rule the facts were built with, else even split). */
  coContractorRule?: CoContractorRule;
  /**
   * Earlier contracts for first-time suppliers. The unfiltered `facts` are always added to it: a supplier's past
   * with the buyer counts whatever the filter (a 2023 contract makes the supplier known when filtering on 2024).
   */
  history?: readonly ContractFacts[];
  historyStart?: string;
  gradeCompleteness?: KeyFieldsCompleteness;
  /**
   * Buyer-years expected to publish, graded E when they have no contract. The filters apply to them on the
   * dimensions they can be placed on (`expectedKey`); a filter on a contract dimension (CPV division, purchase type)
   * keeps none.
   */
  expectedBuyerYears?: readonly ExpectedBuyerYear[];
}

export type IndicatorSet = Record<IndicatorKey, IndicatorValue>;

/** Attach the target (if any) and whether the byCount value meets it. */
export function withTarget<T extends IndicatorValue>(value: T, target: number | undefined): T {
  if (target === undefined) return value;
  return { ...value, target, targetMet: value.byCount.value == null ? null : value.byCount.value >= target };
}

/** All indicators over the facts that pass the filters, each shown against its target. */
export function computeIndicators(facts: readonly ContractFacts[], opts: ComputeIndicatorsOptions = {}): IndicatorSet {
  const rule = opts.coContractorRule;
  const reshare = (list: readonly ContractFacts[]): ContractFacts[] => (rule ? list.map((f) => withCoContractorRule(f, rule)) : [...list]);
  const selected = reshare(filterFacts(facts, opts.filters));
  const history = reshare([...(opts.history ?? []), ...facts]);
  const targets = opts.targets ?? DEFAULT_CHARTER_TARGETS;
  const amount: AmountOptions = { frameworkAgreementAmounts: opts.frameworkAgreementAmounts };
  const expected = opts.expectedBuyerYears && filterExpected(opts.expectedBuyerYears, opts.filters);
  const values: IndicatorValue[] = [
    smeShareIndicator(selected, amount),
    tpeShareIndicator(selected, amount),
    localShareIndicator(selected, { ...amount, level: 'epci' }),
    localShareIndicator(selected, { ...amount, level: 'departement' }),
    localShareIndicator(selected, { ...amount, level: 'bretagne' }),
    advancesIndicator(selected, amount),
    advancesCharterIndicator(selected, amount),
    considerationsIndicator(selected, { ...amount, kind: 'social' }),
    considerationsIndicator(selected, { ...amount, kind: 'environmental' }),
    subcontractingIndicator(selected, amount),
    innovationIndicator(selected, amount),
    simplifiedProceduresIndicator(selected, { ...amount, kind: 'procedure-adaptee' }),
    simplifiedProceduresIndicator(selected, { ...amount, kind: 'no-publicity-no-competition' }),
    singleBidderIndicator(selected, amount),
    concentrationIndicator(selected, amount),
    firstTimeSuppliersIndicator(selected, { ...amount, history, historyStart: opts.historyStart }),
    publicationDelayIndicator(selected, amount),
    publicationGradeIndicator(selected, { completeness: opts.gradeCompleteness, expected }),
    dataQualityIndicator(selected),
  ];
  return Object.fromEntries(values.map((v) => [v.key, withTarget(v, targets[v.key])])) as IndicatorSet;
}

/**
 * computeIndicators for each group of a dimension (after the filters). Expected buyer-years go to the group of their
 * key on the dimension (`expectedKey`: buyer, year, and buyer type / territory when their keys are given); a key with
 * expected buyer-years but no contract gets a group of its own, after the others (no contract, graded E). On the
 * contract dimensions (CPV division, purchase type) they are placed nowhere.
 */
export function computeIndicatorsBy(
  facts: readonly ContractFacts[],
  dimension: Dimension,
  opts: ComputeIndicatorsOptions = {},
): Map<string, IndicatorSet> {
  const result = new Map<string, IndicatorSet>();
  const history = [...(opts.history ?? []), ...facts];
  const expectedByKey = new Map<string, ExpectedBuyerYear[]>();
  for (const e of filterExpected(opts.expectedBuyerYears ?? [], opts.filters)) {
    const key = expectedKey(e, dimension);
    if (key !== undefined) expectedByKey.set(key, [...(expectedByKey.get(key) ?? []), e]);
  }
  const groups = groupFacts(filterFacts(facts, opts.filters), dimension);
  for (const key of expectedByKey.keys()) if (!groups.has(key)) groups.set(key, []);
  for (const [key, group] of groups) {
    result.set(key, computeIndicators(group, { ...opts, filters: undefined, history, expectedBuyerYears: expectedByKey.get(key) ?? [] }));
  }
  return result;
}

