import { createHash } from 'node:crypto';
import { Transform, pipeline } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import { DomainError } from '@observatoire/platform';
import type { PullResult } from '../../../domain/feeds/feed-rules';
import { FeedRepository } from '../../../infrastructure/persistence/feed.repository';
import type { IngestFilesHandler } from '../../ingest-files/ingest-files.handler';
import type { IngestSummary } from '../../ingest-files/ingest-summary';
import { feedNotFound, feedNotUpload, feedUploadSourceConflict } from '../feed.errors';
import { recordFeedOutcome, type FeedOutcome } from '../record-feed-outcome';

export interface UploadRequest {
  /** The file's name as given by the client (already checked by the edge). */
  filename: string;
  /** The body, opened once, streamed (never buffered whole). */
  open: () => NodeJS.ReadableStream;
  /** Logical source of a plain upload (default `upload`); an upload to a feed takes `feed:<id>`. */
  source?: string;
  /** An `upload` feed the file is attributed to: its status is updated as a pull updates a pulled feed's. */
  feedId?: string;
  correlationId?: string;
}

/** What an upload did to its feed (same vocabulary as a pull outcome). */
export interface UploadFeedOutcome {
  id: string;
  result: PullResult;
  /** `same-content`: the same bytes as the feed's last deposit (ingested again, nothing new published). */
  reason?: 'same-content';
  error: string | null;
}

export type UploadResult = IngestSummary & { feed?: UploadFeedOutcome };

export interface UploadTuning {
  /** Longest wait for the ledger lock before INGEST_LEDGER_BUSY (409): an HTTP client is waiting. */
  lockWaitMs: number;
}

export const DEFAULT_UPLOAD_TUNING: UploadTuning = { lockWaitMs: 30_000 };

/**
 * `POST /api/ingest/uploads`: ingests one uploaded file. With a feed id, the feed must be an `upload`
 * feed (a buyer that sends its files instead of being pulled): the run is attributed to the feed
 * (`source = feed:<id>`, `trigger = upload:feed:<id>`, file `feed:<id>/<filename>`), and the feed's
 * status is recorded exactly as a pull records it — last deposit, result, counts, errors, consecutive
 * failures, last success and change (freshness) — without ever scheduling it. The body's sha256 is
 * computed while it streams: the same bytes as the last deposit make the result `unchanged`
 * (`same-content`). A body that yields no record but file errors is `failed`.
 */
export class ReceiveUploadHandler {
  constructor(
    private readonly orm: MikroORM,
    private readonly ingest: IngestFilesHandler,
    private readonly tuning: UploadTuning = DEFAULT_UPLOAD_TUNING,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(req: UploadRequest): Promise<UploadResult> {
    if (!req.feedId) {
      return this.ingest.run([{ name: `upload:${req.filename}`, open: req.open }], {
        source: req.source ?? 'upload',
        trigger: 'upload',
        correlationId: req.correlationId,
        lockWaitMs: this.tuning.lockWaitMs,
      });
    }
    const feed = await new FeedRepository(this.orm.em.fork()).get(req.feedId);
    if (!feed) throw feedNotFound(req.feedId);
    if (feed.kind !== 'upload') throw feedNotUpload(feed.id, feed.kind);
    if (req.source !== undefined && req.source !== `feed:${feed.id}`) throw feedUploadSourceConflict(feed.id);

    const body = hashedBody(req.open);
    let summary: IngestSummary;
    try {
      summary = await this.ingest.run([{ name: `feed:${feed.id}/${req.filename}`, open: body.open }], {
        source: `feed:${feed.id}`,
        trigger: `upload:feed:${feed.id}`,
        correlationId: req.correlationId,
        lockWaitMs: this.tuning.lockWaitMs,
      });
    } catch (e) {
      // A busy ledger read nothing: the client retries, the feed did not fail. Anything else did.
      if (!(e instanceof DomainError && e.code === 'INGEST_LEDGER_BUSY')) {
        await this.record(feed.id, { result: 'failed', error: (e as Error).message || String(e) }).catch(() => undefined);
      }
      throw e;
    }

    const errors = summary.errors.map((e) => e.message).join('; ') || null;
    const hash = body.digest();
    let outcome: FeedOutcome & { reason?: 'same-content' };
    if (summary.records === 0 && summary.errors.length > 0) {
      // Nothing readable: a failure, and the hash is not remembered (the same file sent again is tried again).
      outcome = { result: 'failed', error: errors, summary };
    } else if (hash !== null && hash === feed.lastContentHash) {
      outcome = { result: 'unchanged', reason: 'same-content', error: errors };
    } else {
      outcome = { result: 'changed', error: errors, summary, ...(hash ? { contentHash: hash } : {}) };
    }
    await this.record(feed.id, outcome);
    return { ...summary, feed: { id: feed.id, result: outcome.result, ...(outcome.reason ? { reason: outcome.reason } : {}), error: outcome.error ?? null } };
  }

  private record(feedId: string, o: FeedOutcome) {
    return recordFeedOutcome(this.orm, feedId, o, this.clock());
  }
}

/**
 * The body through a sha256 tap. `digest()` is the hash of the whole body, or null when the reader did
 * not consume it to the end (a file error stopped it): a partial hash must not name the content.
 */
function hashedBody(open: () => NodeJS.ReadableStream): { open: () => NodeJS.ReadableStream; digest(): string | null } {
  const sha = createHash('sha256');
  let complete = false;
  return {
    open: () => {
      const tap = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          sha.update(chunk);
          cb(null, chunk);
        },
        flush(cb) {
          complete = true;
          cb();
        },
      });
      // pipeline forwards the source's errors and premature close (client gone) to the tap.
      pipeline(open(), tap, () => undefined);
      return tap;
    },
    digest: () => (complete ? sha.digest('hex') : null),
  };
}
