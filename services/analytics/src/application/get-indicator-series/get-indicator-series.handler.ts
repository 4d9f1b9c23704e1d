import { computeIndicatorsBy, INDICATOR_KEYS, type CharterTargets, type IndicatorKey, type IndicatorUnit } from '../../domain';
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

const UNKNOWN_YEAR = 'unknown';

/** GET /api/indicators/series: one indicator (or all of them, for exports) by year of notification. */
export class GetIndicatorSeriesHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
    private readonly targets: CharterTargets,
  ) {}

  execute(filters: AnalyticsFilters, indicator?: IndicatorKey): Promise<SeriesResult> {
    return this.cache.get(`series:${indicator ?? '*'}:${filtersKey(filters)}`, async () => {
      const loaded = await this.facts.load(filters);
      // A year of the period with expected buyers but no contract is a point of its own (0 contracts, grades E).
      const expected = await this.facts.expectedBuyers(filters);
      const byYear = computeIndicatorsBy(loaded.facts, 'year', {
        history: loaded.history,
        historyStart: loaded.historyStart,
        targets: this.targets,
        expectedBuyerYears: expected.buyerYears,
      });
      const counts = new Map<string, number>();
      for (const f of loaded.facts) {
        const y = f.year == null ? UNKNOWN_YEAR : String(f.year);
        counts.set(y, (counts.get(y) ?? 0) + 1);
      }
      const years = [...byYear.keys()].sort((a, b) => (a === UNKNOWN_YEAR ? 1 : b === UNKNOWN_YEAR ? -1 : Number(a) - Number(b)));
      const series = (indicator ? [indicator] : [...INDICATOR_KEYS]).map(
        (key): IndicatorSeries => ({
          key,
          ...INDICATOR_INFO[key],
          points: years.map((y) => ({ year: y === UNKNOWN_YEAR ? null : Number(y), contracts: counts.get(y) ?? 0, value: summarise(byYear.get(y)![key]) })),
        }),
      );
      return { filters: describeFilters(filters), series };
    });
  }
}
