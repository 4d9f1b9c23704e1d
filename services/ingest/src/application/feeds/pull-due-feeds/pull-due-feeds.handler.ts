import type { MikroORM } from '@mikro-orm/core';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import type { PullFeedHandler, PullOutcome } from '../pull-feed/pull-feed.handler';
import { runWithConcurrency } from './run-with-concurrency';

export interface PullDueFeedsOptions {
  /** Most feeds selected by one call (the rest stay due for the next tick). */
  limit: number;
  /** Most pulls running at once. */
  concurrency: number;
  /** How long a claimed feed stays out of other schedulers' selection while it is pulled. */
  leaseMs: number;
}

export interface PullDueFeedsReport {
  due: number;
  pulled: number;
  /** Due feeds another scheduler (or an admin pull) was already pulling. */
  skipped: number;
  outcomes: PullOutcome[];
}

/**
 * Pulls the feeds whose next pull is due, oldest first, a bounded page per call and a bounded number
 * at once, so thousands of feeds can be registered. Each feed is claimed first (its next pull moved
 * to a lease), so overlapping calls or several processes never pull one feed twice.
 */
export class PullDueFeedsHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly pullFeed: PullFeedHandler,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(opts: Partial<PullDueFeedsOptions> = {}): Promise<PullDueFeedsReport> {
    const { limit = 100, concurrency = 4, leaseMs = 15 * 60_000 } = opts;
    const now = this.clock();
    const due = await new FeedRepository(this.orm.em.fork()).due(now, limit);
    let skipped = 0;
    const outcomes = await runWithConcurrency(due, concurrency, async (feed) => {
      if (this.pullFeed.isPulling(feed.id)) {
        skipped++;
        return null;
      }
      const claimed = await this.orm.em.fork().transactional((em) => new FeedRepository(em).claim(feed, new Date(now.getTime() + leaseMs)));
      if (!claimed) {
        skipped++;
        return null;
      }
      return this.pullFeed.pull(feed);
    });
    const pulled = outcomes.filter((o): o is PullOutcome => o !== null);
    return { due: due.length, pulled: pulled.length, skipped, outcomes: pulled };
  }
}
