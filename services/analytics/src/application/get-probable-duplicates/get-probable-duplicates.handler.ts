import { DUPLICATE_WINDOW_DAYS, probableDuplicateGroups, summariseProbableDuplicates, type ProbableDuplicateGroup, type ProbableDuplicatesSummary } from '../../domain';
import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { ProjectionReadPort } from '../shared/projection-read.port';
import type { QueryCache } from '../shared/query-cache';

/** Groups returned at most (largest amount counted twice first); the totals always cover every group. */
export const MAX_DUPLICATE_GROUPS = 500;

/** `groups`, `contracts` and `excessAmount` (Σ montant × (copies − 1)) cover every group found, `items` the first 500. */
export interface ProbableDuplicatesResult extends ProbableDuplicatesSummary {
  filters: Record<string, string | number>;
  /** The rule, in words, as the page shows it. */
  rule: { sameBuyer: true; sameCpvCode: true; sameAmountToTheCent: true; roundAmountsExcluded: 'multiple de 100 €'; sameTitulaireCompanies: 'SIREN'; windowDays: number };
  items: ProbableDuplicateGroup[];
}

/**
 * GET /api/qualite/doublons: the same award published twice under two ids (domain/probable-duplicates.ts), among the
 * contracts matching the filters. Shown, never removed from the figures. Cached per projection revision.
 */
export class GetProbableDuplicatesHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly cache: QueryCache,
  ) {}

  execute(filters: AnalyticsFilters): Promise<ProbableDuplicatesResult> {
    return this.cache.get(`doublons:${filtersKey(filters)}`, async () => {
      const groups = probableDuplicateGroups(await this.store.duplicateCandidates(filters));
      return {
        filters: describeFilters(filters),
        rule: { sameBuyer: true, sameCpvCode: true, sameAmountToTheCent: true, roundAmountsExcluded: 'multiple de 100 €', sameTitulaireCompanies: 'SIREN', windowDays: DUPLICATE_WINDOW_DAYS },
        ...summariseProbableDuplicates(groups),
        items: groups.slice(0, MAX_DUPLICATE_GROUPS),
      };
    });
  }
}
