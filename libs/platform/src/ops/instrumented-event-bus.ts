import type { ObservatoireEvent } from '@observatoire/contracts';
import type { BatchHandler, ConsumerObserver, CursorMove, CursorMoveResult, DeadLetter, EventBus, PublishResult, Subscription, SubscriptionOptions } from '../event-bus/event-bus.port';
import type { Metrics } from './metrics';
import { publishRaw, type RawMessage, type WrappingEventBus } from './raw-bus-access';

/** A consumer group as this process runs it. */
export interface LocalConsumer {
  group: string;
  topics: string[];
  state: 'running' | 'restarting' | 'stopped';
  /** Partitions held paused because a dependency is down (empty when all flow). */
  paused: PausedPartition[];
}

/** A partition waiting for its dependency: the batch at `offset` is retried until it passes. */
export interface PausedPartition {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  correlationId?: string;
  dependency: string;
  /** `Name [code]: message` of the last failure. */
  reason: string;
  since: string;
  pausedSeconds: number;
  retries: number;
}

/** Structured logger of the consumers (pino-compatible). */
export interface ConsumerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * The EventBus with metrics, as a decorator around any adapter (the adapters stay untouched):
 * publications and consumptions are counted, and every subscription is kept with its options so
 * that an operator can replay a group in this process (stop, reset, restart) without the transport
 * noticing: the transport holds a `ManagedSubscription` whose inner subscription is swapped.
 */
export class InstrumentedEventBus implements WrappingEventBus {
  readonly kind: 'kafka' | 'embedded';
  private readonly managed = new Set<ManagedSubscription>();
  private readonly pausedPartitions = new Map<string, PausedPartition & { sinceMs: number; accountedMs: number }>();

  constructor(
    private readonly inner: EventBus,
    private readonly metrics: Metrics,
    private readonly logger: ConsumerLogger | null = null,
  ) {
    this.kind = inner.kind;
  }

  /** Partitions paused in this process because a dependency is down. */
  paused(): PausedPartition[] {
    const now = Date.now();
    return [...this.pausedPartitions.values()].map(({ sinceMs, accountedMs: _accounted, ...p }) => ({ ...p, pausedSeconds: Math.round((now - sinceMs) / 100) / 10 }));
  }

  /** Readiness of the consumers: down while a partition waits for its dependency. */
  async consumerHealth(): Promise<{ ok: boolean; detail: string }> {
    const paused = this.paused();
    if (paused.length === 0) return { ok: true, detail: `${this.managed.size} subscription(s) consuming` };
    return {
      ok: false,
      detail: paused.map((p) => `${p.group} paused on ${p.topic}[${p.partition}] for ${p.pausedSeconds} s: ${p.dependency} unavailable (${p.reason})`).join('; ').slice(0, 2000),
    };
  }

  /** Logs and metrics of the error policy, and the paused partitions this process reports. */
  private observer(group: string): ConsumerObserver {
    const key = (topic: string, partition: number) => `${group}/${topic}/${partition}`;
    const account = (p: { topic: string; sinceMs: number; accountedMs: number }) => {
      const now = Date.now();
      this.metrics.consumerPausedSeconds(p.topic, group, (now - Math.max(p.sinceMs, p.accountedMs)) / 1000);
      p.accountedMs = now;
    };
    const log = (level: 'info' | 'warn' | 'error', obj: { event: string; error?: { message: string } } & Record<string, unknown>, msg: string) => {
      try {
        // A driver's message may carry a whole SQL statement: the log keeps its start.
        if (obj.error) obj = { ...obj, error: { ...obj.error, message: obj.error.message.slice(0, 300) } };
        this.logger?.[level](obj, msg.slice(0, 500));
      } catch {
        /* a logger failure never stops a consumer */
      }
    };
    return {
      paused: (i) => {
        const now = Date.now();
        this.pausedPartitions.set(key(i.topic, i.partition), {
          group,
          topic: i.topic,
          partition: i.partition,
          offset: i.offset,
          eventId: i.eventId,
          correlationId: i.correlationId,
          dependency: i.dependency,
          reason: `${i.error.name}${i.error.code ? ` [${i.error.code}]` : ''}: ${i.error.message}`.slice(0, 500),
          since: new Date(now).toISOString(),
          pausedSeconds: 0,
          retries: 0,
          sinceMs: now,
          accountedMs: now,
        });
        this.metrics.consumerPaused(i.topic, group, 1);
        log('warn', { event: 'consumer.paused', ...i }, `consumer paused: ${i.dependency} unavailable, ${i.group} holds ${i.topic}[${i.partition}] at offset ${i.offset} and retries until it is back`);
      },
      retry: (i) => {
        this.metrics.consumerRetry(i.topic, group, i.kind);
        const p = this.pausedPartitions.get(key(i.topic, i.partition));
        if (p && i.kind === 'transient') {
          p.retries = i.attempt;
          p.reason = `${i.error.name}${i.error.code ? ` [${i.error.code}]` : ''}: ${i.error.message}`.slice(0, 500);
          account(p);
        }
        const { stack: _stack, ...error } = i.error;
        log(i.kind === 'transient' ? 'info' : 'warn', { event: 'consumer.retry', ...i, error }, i.kind === 'transient' ? `retry ${i.attempt} of the batch in ${i.delayMs} ms (${i.dependency ?? 'dependency'} still down)` : `handler failed (permanent error, attempt ${i.attempt}): ${error.name}: ${error.message}`);
      },
      resumed: (i) => {
        const p = this.pausedPartitions.get(key(i.topic, i.partition));
        if (p) {
          account(p);
          this.pausedPartitions.delete(key(i.topic, i.partition));
          this.metrics.consumerPaused(i.topic, group, -1);
        }
        log('info', { event: 'consumer.resumed', ...i }, i.recovered ? `consumer resumed: ${i.group} on ${i.topic}[${i.partition}] after ${(i.pausedMs / 1000).toFixed(1)} s and ${i.retries} retries` : `consumer left the outage without recovering (stopping or partition revoked): ${i.group} on ${i.topic}[${i.partition}], nothing committed`);
      },
      deadLettered: (i) => {
        this.metrics.eventsConsumed(i.topic, group, 'dead_lettered');
        log('error', { event: 'consumer.dead_lettered', ...i }, `event dead-lettered after ${i.attempts} attempts: ${i.reason}`);
      },
    };
  }

  unwrapBus(): EventBus {
    return this.inner;
  }

  ensureTopics(topics: string[], groups?: string[]): Promise<void> {
    return this.inner.ensureTopics(topics, groups);
  }

  async publish(topic: string, events: ObservatoireEvent[]): Promise<PublishResult> {
    const r = await this.inner.publish(topic, events);
    this.metrics.eventsPublished(topic, r.published);
    return r;
  }

  /** Byte-for-byte re-publication (dead-letter re-drive), counted as published. */
  async publishRaw(topic: string, messages: RawMessage[]): Promise<void> {
    await publishRaw(this.inner, topic, messages);
    this.metrics.eventsPublished(topic, messages.length);
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const own = this.observer(options.group);
    const outer = options.observer;
    const observer: ConsumerObserver = {
      paused: (i) => (own.paused?.(i), outer?.paused?.(i)),
      retry: (i) => (own.retry?.(i), outer?.retry?.(i)),
      resumed: (i) => (own.resumed?.(i), outer?.resumed?.(i)),
      deadLettered: (i) => (own.deadLettered?.(i), outer?.deadLettered?.(i)),
    };
    const instrumented: SubscriptionOptions = { ...options, handler: countingHandler(options, this.metrics), observer };
    const sub = new ManagedSubscription(this.inner, instrumented, () => this.managed.delete(sub));
    await sub.start();
    this.managed.add(sub);
    return sub;
  }

  /** The consumer groups running in this process. */
  localConsumers(): LocalConsumer[] {
    const byGroup = new Map<string, LocalConsumer>();
    for (const s of this.managed) {
      const c = byGroup.get(s.group) ?? { group: s.group, topics: [], state: s.state, paused: this.paused().filter((p) => p.group === s.group) };
      for (const t of s.topics) if (!c.topics.includes(t)) c.topics.push(t);
      if (s.state !== 'running') c.state = s.state;
      byGroup.set(s.group, c);
    }
    return [...byGroup.values()];
  }

  /**
   * Replay a group consumed in this process: stop its subscriptions, move the group to the beginning
   * of each of its topics, restart them. Returns false when this process does not consume the group.
   * If the reset fails (another process still consumes the group), the subscriptions are restarted
   * where they were and the error is rethrown.
   */
  async replayLocal(group: string, topics?: string[]): Promise<boolean> {
    const subs = [...this.managed].filter((s) => s.group === group);
    if (subs.length === 0) return false;
    const all = [...new Set((topics ?? subs.flatMap((s) => s.topics)))];
    for (const s of subs) await s.pause();
    try {
      for (const t of all) await resetWithPatience(this.inner, group, t);
    } finally {
      for (const s of subs) await s.resume();
    }
    return true;
  }

  deadLetters(topic: string, group: string, limit?: number): Promise<DeadLetter[]> {
    return this.inner.deadLetters(topic, group, limit);
  }

  resetGroup(group: string, topic: string): Promise<void> {
    return this.inner.resetGroup(group, topic);
  }

  lag(group: string, topics: string[]): Promise<Record<string, number>> {
    return this.inner.lag(group, topics);
  }

  readCursor(group: string, topic: string): Promise<bigint> {
    return this.inner.readCursor(group, topic);
  }

  moveCursor(group: string, topic: string, move: CursorMove): Promise<CursorMoveResult> {
    return this.inner.moveCursor(group, topic, move);
  }

  health(): Promise<{ ok: boolean; detail: string }> {
    return this.inner.health();
  }

  async close(): Promise<void> {
    for (const s of [...this.managed]) await s.stop();
    await this.inner.close();
  }
}

/** Kafka may still list the member that just left for a moment: retry a few seconds before giving up. */
async function resetWithPatience(bus: EventBus, group: string, topic: string): Promise<void> {
  const deadline = Date.now() + (bus.kind === 'kafka' ? 15_000 : 0);
  for (;;) {
    try {
      return await bus.resetGroup(group, topic);
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Counts the events a handler call handled. Dead letters are counted by the observer when the adapter
 * writes them (after the error policy gave up on a permanent failure, or an unparseable event).
 */
function countingHandler(options: SubscriptionOptions, metrics: Metrics): BatchHandler {
  return async (batch) => {
    await options.handler(batch);
    const byTopic = new Map<string, number>();
    for (const d of batch) byTopic.set(d.topic, (byTopic.get(d.topic) ?? 0) + 1);
    for (const [topic, n] of byTopic) metrics.eventsConsumed(topic, options.group, 'handled', n);
  };
}

/** A subscription whose underlying adapter subscription can be stopped and started again (replay). */
class ManagedSubscription implements Subscription {
  readonly group: string;
  readonly topics: string[];
  state: 'running' | 'restarting' | 'stopped' = 'stopped';
  private inner: Subscription | null = null;
  private transition: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    private readonly options: SubscriptionOptions,
    private readonly onStop: () => void,
  ) {
    this.group = options.group;
    this.topics = [...options.topics];
  }

  async start(): Promise<void> {
    this.inner = await this.bus.subscribe(this.options);
    this.state = 'running';
  }

  pause(): Promise<void> {
    this.transition = this.transition.then(async () => {
      this.state = 'restarting';
      await this.inner?.stop();
      this.inner = null;
    });
    return this.transition;
  }

  resume(): Promise<void> {
    this.transition = this.transition.then(async () => {
      if (this.closed) return;
      await this.start();
    });
    return this.transition;
  }

  async drain(timeoutMs?: number): Promise<void> {
    await this.transition;
    await this.inner?.drain(timeoutMs);
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.transition.catch(() => undefined);
    await this.inner?.stop();
    this.inner = null;
    this.state = 'stopped';
    this.onStop();
  }
}
