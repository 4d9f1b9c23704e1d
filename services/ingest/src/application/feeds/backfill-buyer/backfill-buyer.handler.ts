import type { MikroORM } from '@mikro-orm/core';
import { isPullable } from '../../../domain/feeds/feed-rules';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import { runWithConcurrency } from '../pull-due-feeds/run-with-concurrency';
import { buyerNotFound } from '../feed.errors';
import type { PullFeedHandler, PullOutcome } from '../pull-feed/pull-feed.handler';

/**
 * Pulls every pullable feed of a buyer now (enabled or not), ignoring ETag, Last-Modified and the
 * content hash: the whole content is ingested again (the ledger publishes only what really changed).
 */
export class BackfillBuyerHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly pullFeed: PullFeedHandler,
  ) {}

  async execute(siret: string, opts: { concurrency?: number } = {}): Promise<{ siret: string; outcomes: PullOutcome[] }> {
    const repo = new FeedRepository(this.orm.em.fork());
    if (!(await repo.buyerExists(siret))) throw buyerNotFound(siret);
    const feeds = (await repo.ofBuyer(siret)).filter((f) => isPullable(f.kind) && f.url);
    const outcomes = await runWithConcurrency(feeds, opts.concurrency ?? 4, (f) => this.pullFeed.pull(f, { force: true }));
    return { siret, outcomes };
  }
}
