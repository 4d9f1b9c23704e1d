import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { ProjectionReadPort } from '../shared/projection-read.port';
import type { QueryCache } from '../shared/query-cache';
import { distributionOf, type AmountDistribution } from './price-distribution';

export interface PriceDistributionResult {
  filters: Record<string, string | number>;
  /** Awarded amounts (usable amounts of contracts that are not framework agreements). */
  amounts: AmountDistribution;
  /** Framework-agreement maxima, kept apart: a maximum is not a price paid. */
  frameworkAgreementMaxima: AmountDistribution;
  /** Contracts matching the filters whose amount is unusable or missing (left out of both). */
  excludedUnusableAmounts: number;
}

/** GET /api/prix: distribution of awarded amounts for a CPV prefix, territory and period. */
export class GetPriceDistributionHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly cache: QueryCache,
  ) {}

  execute(filters: AnalyticsFilters): Promise<PriceDistributionResult> {
    return this.cache.get(`prix:${filtersKey(filters)}`, async () => {
      const rows = await this.store.amounts(filters);
      const awarded: number[] = [];
      const maxima: number[] = [];
      let excluded = 0;
      for (const r of rows) {
        if (r.amount == null) excluded += 1;
        else (r.frameworkAgreement ? maxima : awarded).push(r.amount);
      }
      return {
        filters: describeFilters(filters),
        amounts: distributionOf(awarded),
        frameworkAgreementMaxima: distributionOf(maxima),
        excludedUnusableAmounts: excluded,
      };
    });
  }
}
