import { createHash } from 'node:crypto';
import { createWriteStream, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MikroORM } from '@mikro-orm/core';
import { isPullable, type PullResult } from '../../../domain/feeds/feed-rules';
import { httpFailureReason, pullFailureReason } from '../../../domain/feeds/pull-failure';
import { FeedRepository, type Feed } from '../../../infrastructure/persistence/feed.repository';
import type { IngestFilesHandler } from '../../ingest-files/ingest-files.handler';
import { fileInput } from '../../ingest-files/resolve-inputs';
import type { IngestSummary } from '../../ingest-files/ingest-summary';
import { feedBusy, feedNotFound, feedNotPullable } from '../feed.errors';
import { recordFeedOutcome } from '../record-feed-outcome';

export interface PullFeedOptions {
  /** Backfill: no conditional headers, and ingest even when the content hash is known. */
  force?: boolean;
}

export interface PullOutcome {
  feedId: string;
  result: PullResult;
  /** HTTP status of the feed's answer, null when none came (timeout, network). */
  httpStatus: number | null;
  /** Why the content was not ingested, for `unchanged`: `not-modified` (304) or `same-content` (hash). */
  reason?: 'not-modified' | 'same-content';
  error: string | null;
  summary: Pick<IngestSummary, 'runId' | 'records' | 'accepted' | 'flagged' | 'quarantined' | 'published' | 'errors'> | null;
  nextPullAt: string;
}

export interface PullFeedTuning {
  /** Whole-download timeout (headers and body). */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Where bodies are spooled while hashed. */
  spoolDir: string;
}

export const DEFAULT_PULL_TUNING: PullFeedTuning = { timeoutMs: 120_000, maxBytes: 2 * 1024 ** 3, spoolDir: tmpdir() };

/**
 * Pulls one feed: a conditional GET (`If-None-Match` / `If-Modified-Since`), the body spooled to a
 * temporary file while its sha256 is computed (bounded memory), then ingested through
 * IngestFilesHandler only when the hash differs from the last one. Failures (HTTP error, timeout,
 * a body that yields no record) are recorded with an exponential backoff on the next pull.
 *
 * Downloads of several feeds run concurrently; ingestion runs one at a time: IngestFilesHandler takes
 * the ledger lock (waiting for the run that holds it, in this process or another), because two runs
 * folding the same contract into the ledger at once would overwrite each other's staged state (a
 * platform export may hold the contracts of many buyers). A pull that cannot get the lock within its
 * wait is `failed` (INGEST_LEDGER_BUSY in `last_error`) and retried after the backoff.
 */
export class PullFeedHandler {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly orm: MikroORM,
    private readonly ingest: IngestFilesHandler,
    private readonly tuning: PullFeedTuning = DEFAULT_PULL_TUNING,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Pulls the feed by id (admin "pull now"). */
  async execute(id: string, opts: PullFeedOptions = {}): Promise<PullOutcome> {
    const feed = await new FeedRepository(this.orm.em.fork()).get(id);
    if (!feed) throw feedNotFound(id);
    if (!isPullable(feed.kind) || !feed.url) throw feedNotPullable(id);
    return this.pull(feed, opts);
  }

  /** True while a pull of this feed runs in this process. */
  isPulling(id: string): boolean {
    return this.inFlight.has(id);
  }

  async pull(feed: Feed, opts: PullFeedOptions = {}): Promise<PullOutcome> {
    if (!isPullable(feed.kind) || !feed.url) throw feedNotPullable(feed.id);
    if (this.inFlight.has(feed.id)) throw feedBusy(feed.id);
    this.inFlight.add(feed.id);
    try {
      return await this.pullOnce(feed, opts);
    } finally {
      this.inFlight.delete(feed.id);
    }
  }

  private async pullOnce(feed: Feed, opts: PullFeedOptions): Promise<PullOutcome> {
    const spool = join(this.tuning.spoolDir, `feed-${feed.id}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.body`);
    let httpStatus: number | null = null;
    try {
      const headers: Record<string, string> = { 'user-agent': 'observatoire-commande-publique-bretonne/ingest' };
      if (!opts.force && feed.etag) headers['if-none-match'] = feed.etag;
      if (!opts.force && feed.lastModified) headers['if-modified-since'] = feed.lastModified;
      if (feed.credentialsEnv) {
        const token = this.env[feed.credentialsEnv];
        if (!token) throw new Error(`variable d’environnement ${feed.credentialsEnv} absente (jeton du flux)`);
        headers.authorization = `Bearer ${token}`;
      }
      const ctrl = new AbortController();
      const timer = setTimeout(() => ctrl.abort(new Error(`délai dépassé (${this.tuning.timeoutMs} ms)`)), this.tuning.timeoutMs);
      let hash: string;
      let etag: string | null;
      let lastModified: string | null;
      try {
        const res = await fetch(feed.url!, { headers, signal: ctrl.signal, redirect: 'follow' });
        httpStatus = res.status;
        if (res.status === 304) {
          await res.body?.cancel();
          return await this.record(feed, { result: 'unchanged', reason: 'not-modified', httpStatus });
        }
        if (!res.ok || !res.body) {
          await res.body?.cancel();
          throw new Error(httpFailureReason(res.status, res.statusText));
        }
        etag = res.headers.get('etag');
        lastModified = res.headers.get('last-modified');
        hash = await this.spool(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>), spool);
      } catch (e) {
        throw ctrl.signal.aborted ? (ctrl.signal.reason as Error) : e;
      } finally {
        clearTimeout(timer);
      }
      if (!opts.force && hash === feed.lastContentHash) {
        return await this.record(feed, { result: 'unchanged', reason: 'same-content', httpStatus, etag, lastModified });
      }
      const summary = await this.ingest.run([fileInput(spool, fileName(feed))], { source: `feed:${feed.id}`, trigger: `feed:${feed.id}` });
      const errors = summary.errors.map((e) => e.message).join('; ') || null;
      if (summary.records === 0 && summary.errors.length > 0) {
        // Nothing readable: a failure (counts towards backoff and `failing`); validators and hash are
        // not remembered, so the next pull fetches and tries again.
        return await this.record(feed, { result: 'failed', httpStatus, error: errors, summary });
      }
      return await this.record(feed, { result: 'changed', httpStatus, error: errors, summary, etag, lastModified, contentHash: hash });
    } catch (e) {
      return await this.record(feed, { result: 'failed', httpStatus, error: pullFailureReason(e) });
    } finally {
      await fsp.rm(spool, { force: true });
    }
  }

  private async spool(body: Readable, path: string): Promise<string> {
    const sha = createHash('sha256');
    let bytes = 0;
    const max = this.tuning.maxBytes;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > max) return cb(new Error(`réponse trop volumineuse (plus de ${max} octets)`));
        sha.update(chunk);
        cb(null, chunk);
      },
    });
    await pipeline(body, tap, createWriteStream(path));
    return sha.digest('hex');
  }

  private async record(
    feed: Feed,
    o: {
      result: PullResult;
      httpStatus: number | null;
      reason?: PullOutcome['reason'];
      error?: string | null;
      summary?: IngestSummary;
      etag?: string | null;
      lastModified?: string | null;
      contentHash?: string;
    },
  ): Promise<PullOutcome> {
    const now = this.clock();
    const s = o.summary;
    const { nextPullAt: next } = await recordFeedOutcome(
      this.orm,
      feed.id,
      {
        result: o.result,
        error: o.error,
        summary: s,
        // Validators are kept from a 304 (they still hold) and replaced by a 200's (even if absent).
        ...(o.result !== 'failed' && o.reason !== 'not-modified' ? { etag: o.etag ?? null, lastModified: o.lastModified ?? null } : {}),
        contentHash: o.contentHash,
      },
      now,
    );
    return {
      feedId: feed.id,
      result: o.result,
      httpStatus: o.httpStatus,
      ...(o.reason ? { reason: o.reason } : {}),
      error: o.error ?? null,
      summary: s ? { runId: s.runId, records: s.records, accepted: s.accepted, flagged: s.flagged, quarantined: s.quarantined, published: s.published, errors: s.errors } : null,
      nextPullAt: (next ?? now).toISOString(),
    };
  }
}

/** How the feed's body is named in summaries and provenance: the feed id and the URL's last path segment, never its query. */
function fileName(feed: Feed): string {
  let base = 'body';
  try {
    base = decodeURIComponent(new URL(feed.url!).pathname.split('/').filter(Boolean).pop() ?? 'body') || 'body';
  } catch {
    /* keep "body" */
  }
  return `feed:${feed.id}/${base}`;
}
