import { INDICATOR_KEYS, withTarget, type CharterTargets, type CoContractorRule, type IndicatorValue } from '../../domain';
import { coContractorRuleOf, describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { FactsLoader } from '../shared/facts-loader';
import { ProjectionFreshness, type Freshness } from '../shared/projection-freshness';
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
  /** How current the answer is (projection revision, asOf, lag behind the log). */
  freshness: Freshness;
}

/**
 * GET /api/indicators: every charter indicator over the current contracts matching the filters, computed IN THE
 * STORE by aggregate queries over the facts projection (FactsIndicatorsQuery): no contract is loaded into the
 * process, whatever the filters. The registered buyers expected to publish (bounded by the registry) are the only
 * rows read, for the publication grade's E.
 */
export class GetIndicatorsHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
    private readonly targets: CharterTargets,
    private readonly freshness: ProjectionFreshness = new ProjectionFreshness({ position: () => facts.store.position() }),
  ) {}

  async execute(filters: AnalyticsFilters): Promise<IndicatorsResult> {
    const [result, freshness] = await Promise.all([
      this.cache.get(`indicators:${filtersKey(filters)}`, async () => {
        const expected = await this.facts.expectedBuyers(filters);
        const store = this.facts.store;
        const historyStart = await store.earliestNotificationDate();
        const set = await store.indicators(filters, { historyStart, expectedBuyerYears: expected.buyerYears });
        return {
          filters: describeFilters(filters),
          coContractorRule: coContractorRuleOf(filters),
          contracts: set.contracts,
          indicators: INDICATOR_KEYS.map((k) => withTarget(set.indicators[k], this.targets[k])),
          excludedUnusableAmounts: set.excludedUnusableAmounts,
          historyStart,
        };
      }),
      this.freshness.current(),
    ]);
    return { ...result, freshness };
  }
}
