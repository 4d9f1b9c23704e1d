/**
 * How current an analytics answer is: the projections' revision and when it last changed (`asOf`), and how many
 * events the analytics consumer still has to apply (`lag`, null when the bus cannot say). `catchingUp` is what the
 * pages show as « mise à jour en cours ».
 */
export interface Freshness {
  revision: number;
  asOf: string | null;
  lag: number | null;
  catchingUp: boolean;
}

export interface FreshnessSources {
  position(): Promise<{ revision: number; changedAt: string | null }>;
  /** Events not yet consumed by the live analytics group, all topics together. */
  lag?: () => Promise<number>;
}

/** The lag is asked of the bus at most once per `ttlMs` (an admin round trip), the position at every answer. */
export class ProjectionFreshness {
  private cached: { at: number; lag: number | null } | null = null;

  constructor(
    private readonly sources: FreshnessSources,
    private readonly ttlMs = 2_000,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  async current(): Promise<Freshness> {
    const { revision, changedAt } = await this.sources.position();
    const lag = await this.lag();
    return { revision, asOf: changedAt, lag, catchingUp: lag != null && lag > 0 };
  }

  private async lag(): Promise<number | null> {
    if (!this.sources.lag) return null;
    const now = this.clock();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.lag;
    let lag: number | null = null;
    try {
      lag = await this.sources.lag();
    } catch {
      lag = null; // the bus is unreachable: the answer still comes, without a lag
    }
    this.cached = { at: now, lag };
    return lag;
  }
}
