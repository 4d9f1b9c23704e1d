import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { ProjectionReadPort } from '../shared/projection-read.port';
import type { QueryCache } from '../shared/query-cache';
import { tariffsOfConcession, type ConcessionTariff } from '../../domain';
import { distributionOf, type AmountDistribution } from './price-distribution';

/** Tariff rows returned at most (most recent publications first); `count` is always the full count. */
export const MAX_TARIFFS = 500;

export interface PriceDistributionResult {
  filters: Record<string, string | number>;
  /** Awarded amounts (usable amounts of contracts that are not framework agreements). */
  amounts: AmountDistribution;
  /** Framework-agreement maxima, kept apart: a maximum is not a price paid. */
  frameworkAgreementMaxima: AmountDistribution;
  /** Contracts matching the filters whose amount is unusable or missing (left out of both). */
  excludedUnusableAmounts: number;
  /** What concessions charge users: the tariffs published in their execution data, apart from awarded amounts. */
  concessionTariffs: { concessions: number; count: number; items: ConcessionTariff[] };
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
      const concessions = await this.store.concessions(filters);
      const tariffs = concessions
        .flatMap(tariffsOfConcession)
        .sort((a, b) => (b.datePublication ?? '').localeCompare(a.datePublication ?? '') || a.uid.localeCompare(b.uid));
      return {
        filters: describeFilters(filters),
        amounts: distributionOf(awarded),
        frameworkAgreementMaxima: distributionOf(maxima),
        excludedUnusableAmounts: excluded,
        concessionTariffs: { concessions: concessions.length, count: tariffs.length, items: tariffs.slice(0, MAX_TARIFFS) },
      };
    });
  }
}
