import type { ProjectionReadPort, SourceFreshnessRow } from '../shared/projection-read.port';

/** A source whose last run finished more than this many days ago is stale (AnalyticsModuleOptions.staleSourceDays). */
export const DEFAULT_STALE_SOURCE_DAYS = 45;

const DAY_MS = 86_400_000;

export interface SourceFreshnessItem extends SourceFreshnessRow {
  /** Whole days elapsed since `lastFinishedAt` (null when that date cannot be read). */
  ageDays: number | null;
  /** Last run older than the threshold (or of unreadable date). */
  stale: boolean;
}

export interface SourceFreshnessResult {
  /** The threshold used, in days. */
  staleAfterDays: number;
  /** Every source, the stalest first (oldest last run), then by name. */
  items: SourceFreshnessItem[];
}

/**
 * GET /api/qualite/sources: per ingest source, its last run and that run's counts, how old it is and whether it is
 * stale. Read at each call (one small table, and the age depends on the clock): not cached.
 */
export class GetSourceFreshnessHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly staleAfterDays: number = DEFAULT_STALE_SOURCE_DAYS,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (!Number.isFinite(staleAfterDays) || staleAfterDays <= 0) throw new Error(`staleSourceDays must be a positive number of days, got ${staleAfterDays}`);
  }

  async execute(): Promise<SourceFreshnessResult> {
    const now = this.now().getTime();
    const items = (await this.store.sourceFreshness()).map((row): SourceFreshnessItem & { ageMs: number | null } => {
      const finished = Date.parse(row.lastFinishedAt);
      const ageMs = Number.isNaN(finished) ? null : Math.max(0, now - finished);
      return {
        ...row,
        ageDays: ageMs === null ? null : Math.floor(ageMs / DAY_MS),
        stale: ageMs === null || ageMs > this.staleAfterDays * DAY_MS,
        ageMs,
      };
    });
    items.sort((a, b) => (b.ageMs ?? Infinity) - (a.ageMs ?? Infinity) || a.source.localeCompare(b.source));
    return { staleAfterDays: this.staleAfterDays, items: items.map(({ ageMs: _ageMs, ...item }) => item) };
  }
}
