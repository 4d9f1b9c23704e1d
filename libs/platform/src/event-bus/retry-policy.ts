import type { BatchHandler, ConsumerObserver, DeliveredEvent } from './event-bus.port';
import { classifyError, describeError, errorDetails, type Dependency, type ErrorClassification, type ErrorDetails } from './error-classification';
import { HEADERS } from '@observatoire/contracts';

export interface FailedDelivery {
  delivered: DeliveredEvent;
  /** `Name [code]: message` of the handler's own error. */
  reason: string;
  error: ErrorDetails;
  attempts: number;
}

/** Thrown out of `handleWithRetries` when the subscription stops during an outage: nothing is committed. */
export class ConsumerStopped extends Error {
  constructor() {
    super('the consumer stopped while its dependency was down: the batch will be delivered again');
    this.name = 'ConsumerStopped';
  }
}

export interface RetryPolicyOptions {
  /** Attempts of a batch failing with a permanent error before isolating its events (default 5). */
  maxAttempts: number;
  /** First retry delay in ms, doubled at each attempt (default 200). */
  retryBackoffMs: number;
  /** Largest delay between two attempts during an outage (default 30 s). */
  maxBackoffMs?: number;
  group: string;
  /** False once the subscription is stopping: an outage retry loop then gives up without committing. */
  isRunning?: () => boolean;
  /** Called between attempts of a long outage (Kafka: heartbeat, so the group keeps the partition). */
  keepAlive?: () => Promise<void>;
  /** Called when a partition enters and leaves an outage (Kafka: pause / resume the partition). */
  onPause?: (topic: string, partition: number) => void | Promise<void>;
  onResume?: (topic: string, partition: number) => void | Promise<void>;
  observer?: ConsumerObserver;
  classify?: (err: unknown) => ErrorClassification;
  /** Test seams. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Capped exponential back-off with jitter: a random delay in [d/2, d], d = min(cap, base·2^(n-1)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const d = Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(d / 2 + (random() * d) / 2);
}

/** Where a batch is, for logs: group, topic, partition, offsets, the first event's id and correlation id. */
export function batchContext(group: string, batch: DeliveredEvent[]) {
  const first = batch[0];
  return {
    group,
    topic: first.topic,
    partition: first.partition,
    offset: first.offset,
    ...(batch.length > 1 ? { lastOffset: batch[batch.length - 1].offset, events: batch.length } : {}),
    eventId: first.event?.eventId ?? first.headers[HEADERS.eventId],
    correlationId: first.event?.correlationId ?? first.headers[HEADERS.correlationId],
  };
}

/**
 * The error policy shared by both adapters.
 *
 * - A transient failure (classifyError: a dependency is down) pauses the partition and retries the
 *   same batch with capped exponential back-off and jitter for as long as the dependency is down;
 *   nothing is committed and nothing is dead-lettered. When an attempt succeeds the partition resumes.
 *   If the subscription stops meanwhile, `ConsumerStopped` is thrown (the batch comes again later).
 * - A permanent failure is retried `maxAttempts` times; then the events are run one by one (a poison
 *   event must not block the partition) and those that still fail after `min(2, maxAttempts)` attempts
 *   of their own are returned for the dead-letter topic, with their handler's error.
 */
export async function handleWithRetries(handler: BatchHandler, batch: DeliveredEvent[], opts: RetryPolicyOptions): Promise<FailedDelivery[]> {
  const outage = new Outage(opts, batch);
  try {
    return await run(handler, batch, opts, opts.maxAttempts, outage);
  } finally {
    await outage.end(false);
  }
}

async function run(handler: BatchHandler, batch: DeliveredEvent[], opts: RetryPolicyOptions, maxAttempts: number, outage: Outage): Promise<FailedDelivery[]> {
  const classify = opts.classify ?? classifyError;
  const sleep = opts.sleep ?? realSleep;
  let permanentAttempts = 0;
  let lastError: unknown;
  for (;;) {
    try {
      await handler(batch);
      await outage.end(true);
      return [];
    } catch (err) {
      lastError = err;
      const c = classify(err);
      if (c.kind === 'transient') {
        await outage.retry(batch, err, c);
        continue;
      }
      await outage.end(true);
      permanentAttempts++;
      const ctx = batchContext(opts.group, batch);
      opts.observer?.retry?.({ ...ctx, attempt: permanentAttempts, kind: 'permanent', rule: c.rule, error: errorDetails(err), delayMs: 0 });
      if (permanentAttempts >= maxAttempts) break;
      await sleep(backoffDelay(permanentAttempts, opts.retryBackoffMs, opts.maxBackoffMs ?? 30_000, opts.random));
      if (opts.isRunning && !opts.isRunning()) throw new ConsumerStopped();
    }
  }
  if (batch.length === 1) {
    const error = errorDetails(lastError);
    return [{ delivered: batch[0], reason: describeError(error), error, attempts: permanentAttempts }];
  }
  const failed: FailedDelivery[] = [];
  for (const one of batch) failed.push(...(await run(handler, [one], opts, Math.min(2, opts.maxAttempts), outage)));
  return failed;
}

/** One partition's outage: entered at the first transient failure, left at the first attempt that is not one. */
class Outage {
  private since: number | null = null;
  private attempts = 0;
  private paused = false;
  private lastError: ErrorDetails | null = null;
  private dependency: Dependency | undefined;

  constructor(
    private readonly opts: RetryPolicyOptions,
    private readonly batch: DeliveredEvent[],
  ) {}

  async retry(current: DeliveredEvent[], err: unknown, c: ErrorClassification): Promise<void> {
    const sleep = this.opts.sleep ?? realSleep;
    const error = errorDetails(err);
    const ctx = batchContext(this.opts.group, current);
    this.attempts++;
    this.lastError = error;
    this.dependency = c.dependency;
    if (this.since === null) {
      this.since = Date.now();
      this.paused = true;
      await this.opts.onPause?.(ctx.topic, ctx.partition);
      this.opts.observer?.paused?.({ ...ctx, dependency: c.dependency ?? 'unknown', rule: c.rule, error });
    }
    const delayMs = backoffDelay(this.attempts, this.opts.retryBackoffMs, this.opts.maxBackoffMs ?? 30_000, this.opts.random);
    this.opts.observer?.retry?.({ ...ctx, attempt: this.attempts, kind: 'transient', rule: c.rule, dependency: c.dependency ?? 'unknown', error, delayMs, pausedMs: Date.now() - this.since });
    // Sleep in slices so a long back-off still keeps the Kafka group membership and notices a stop.
    let left = delayMs;
    while (left > 0) {
      const slice = Math.min(left, 2_000);
      await sleep(slice);
      left -= slice;
      if (this.opts.isRunning && !this.opts.isRunning()) throw new ConsumerStopped();
      await this.keepAlive();
    }
  }

  private async keepAlive() {
    if (!this.opts.keepAlive) return;
    try {
      await this.opts.keepAlive();
    } catch (e) {
      // A rebalance takes the partition away: give the batch back uncommitted. Any other failure of the
      // heartbeat (the broker itself is down) is the bus's own outage: keep retrying the handler.
      if (/rebalanc|REBALANCE_IN_PROGRESS|UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION|NOT_COORDINATOR/i.test(`${(e as { type?: string }).type ?? ''} ${(e as Error).message ?? ''}`)) throw e;
    }
  }

  /** Leaves the outage (resumed = an attempt got past the failure; false when the loop was abandoned). */
  async end(resumed: boolean): Promise<void> {
    if (this.since === null) return;
    const pausedMs = Date.now() - this.since;
    const ctx = batchContext(this.opts.group, this.batch);
    this.since = null;
    if (this.paused) {
      this.paused = false;
      await this.opts.onResume?.(ctx.topic, ctx.partition);
    }
    this.opts.observer?.resumed?.({ ...ctx, pausedMs, retries: this.attempts, dependency: this.dependency ?? 'unknown', recovered: resumed, ...(this.lastError ? { error: this.lastError } : {}) });
    this.attempts = 0;
  }
}

/** `Name: message` of an error (health details, ops logs). Dead letters carry `errorDetails` instead. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 2000);
  return String(err).slice(0, 2000);
}
