import { computeIndicators, INDICATOR_KEYS, type CharterTargets, type CoContractorRule, type IndicatorValue } from '../../domain';
import { coContractorRuleOf, describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { FactsLoader } from '../shared/facts-loader';
import type { QueryCache } from '../shared/query-cache';

export interface IndicatorsResult {
  filters: Record<string, string | number>;
  coContractorRule: CoContractorRule;
  /** Current contracts matching the filters. */
  contracts: number;
  indicators: IndicatorValue[];
  /** Contracts matching the filters whose amount is unusable or missing: counted by number, left out of amounts. */
  excludedUnusableAmounts: number;
  /** Earliest notification date known: first-time suppliers are unknown within 3 years of it. */
  historyStart: string | null;
}

/** GET /api/indicators: every charter indicator over the current contracts matching the filters. */
export class GetIndicatorsHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
    private readonly targets: CharterTargets,
  ) {}

  execute(filters: AnalyticsFilters): Promise<IndicatorsResult> {
    return this.cache.get(`indicators:${filtersKey(filters)}`, async () => {
      const loaded = await this.facts.load(filters);
      // Registered buyers expected to publish: their buyer-years without any contract are graded E.
      const expected = await this.facts.expectedBuyers(filters);
      const set = computeIndicators(loaded.facts, { history: loaded.history, historyStart: loaded.historyStart, targets: this.targets, expectedBuyerYears: expected.buyerYears });
      return {
        filters: describeFilters(filters),
        coContractorRule: coContractorRuleOf(filters),
        contracts: loaded.facts.length,
        indicators: INDICATOR_KEYS.map((k) => set[k]),
        excludedUnusableAmounts: loaded.facts.filter((f) => f.amount == null).length,
        historyStart: loaded.historyStart ?? null,
      };
    });
  }
}
