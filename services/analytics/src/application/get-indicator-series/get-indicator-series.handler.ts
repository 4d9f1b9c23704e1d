import { INDICATOR_KEYS, withTarget, type CharterTargets, type IndicatorKey, type IndicatorUnit } from '../../domain';
import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { FactsLoader } from '../shared/facts-loader';
import { INDICATOR_INFO, summarise, type IndicatorSummary } from '../shared/indicator-summary';
import type { QueryCache } from '../shared/query-cache';

export interface SeriesPoint {
  /** Year of notification; null for contracts without a notification date (listed last). */
  year: number | null;
  contracts: number;
  value: IndicatorSummary;
}

export interface IndicatorSeries {
  key: IndicatorKey;
  label: string;
  unit: IndicatorUnit;
  points: SeriesPoint[];
}

export interface SeriesResult {
  filters: Record<string, string | number>;
  series: IndicatorSeries[];
}

/** GET /api/indicators/series: one indicator (or all of them, for exports) by year of notification. */
export class GetIndicatorSeriesHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
    private readonly targets: CharterTargets,
  ) {}

  execute(filters: AnalyticsFilters, indicator?: IndicatorKey): Promise<SeriesResult> {
    return this.cache.get(`series:${indicator ?? '*'}:${filtersKey(filters)}`, async () => {
      const store = this.facts.store;
      // A year of the period with expected buyers but no contract is a point of its own (0 contracts, grades E).
      const expected = await this.facts.expectedBuyers(filters);
      const historyStart = await store.earliestNotificationDate();
      const years = new Set<number | null>(await store.indicatorYears(filters));
      for (const e of expected.buyerYears) years.add(e.year);
      const sorted = [...years].sort((a, b) => (a === null ? 1 : b === null ? -1 : a - b));
      // one aggregate query set per year, in the store (nothing loaded)
      const points: { year: number | null; contracts: number; set: Awaited<ReturnType<typeof store.indicators>> }[] = [];
      for (const year of sorted) {
        const set = await store.indicators(filters, { historyStart, year, expectedBuyerYears: expected.buyerYears.filter((e) => e.year === year) });
        points.push({ year, contracts: set.contracts, set });
      }
      const series = (indicator ? [indicator] : [...INDICATOR_KEYS]).map(
        (key): IndicatorSeries => ({
          key,
          ...INDICATOR_INFO[key],
          points: points.map((p) => ({ year: p.year, contracts: p.contracts, value: summarise(withTarget(p.set.indicators[key], this.targets[key])) })),
        }),
      );
      return { filters: describeFilters(filters), series };
    });
  }
}
