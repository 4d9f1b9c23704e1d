import type { MikroORM } from '@mikro-orm/core';
import { isPullable, nextPullAt, type PullResult } from '../../domain/feeds/feed-rules';
import { FeedRepository } from '../../infrastructure/persistence/feed.repository';
import type { IngestSummary } from '../ingest-files/ingest-summary';

/** What one pull — or one upload to an `upload` feed — did to a feed. */
export interface FeedOutcome {
  result: PullResult;
  error?: string | null;
  /** The run's summary when something was ingested and counted (not for `unchanged`). */
  summary?: IngestSummary;
  /** HTTP validators of a 200 (replaced, even by null); undefined keeps the stored ones (304, failures, uploads). */
  etag?: string | null;
  lastModified?: string | null;
  contentHash?: string;
}

/**
 * Records the outcome on the feed row, the same way for pulls and uploads: last pull (or deposit), result,
 * error, consecutive failures, counts, last success / change. Pullable feeds get their next pull (interval,
 * or backoff after a failure); `upload` feeds never get one — they are never scheduled. The failure count
 * is read again in the transaction, so two outcomes recorded one after the other both count.
 */
export async function recordFeedOutcome(orm: MikroORM, feedId: string, o: FeedOutcome, now: Date): Promise<{ nextPullAt: Date | null; consecutiveFailures: number }> {
  return orm.em.fork().transactional(async (em) => {
    const repo = new FeedRepository(em);
    const feed = await repo.get(feedId);
    if (!feed) throw new Error(`feed ${feedId} vanished while being recorded`);
    const failures = o.result === 'failed' ? feed.consecutiveFailures + 1 : 0;
    const next = isPullable(feed.kind) ? nextPullAt(now, o.result, feed.intervalMinutes, failures) : null;
    const s = o.summary;
    await repo.recordPull(feedId, {
      result: o.result,
      at: now,
      nextPullAt: next,
      consecutiveFailures: failures,
      error: o.error ?? null,
      ...(o.etag !== undefined ? { etag: o.etag } : {}),
      ...(o.lastModified !== undefined ? { lastModified: o.lastModified } : {}),
      ...(o.contentHash ? { contentHash: o.contentHash } : {}),
      ...(s ? { counts: { records: s.records, accepted: s.accepted, flagged: s.flagged, quarantined: s.quarantined, published: s.published } } : {}),
    });
    return { nextPullAt: next, consecutiveFailures: failures };
  });
}
