import type { ObservatoireEvent } from '@observatoire/contracts';
import type { BatchHandler, CursorMove, CursorMoveResult, DeadLetter, DeliveredEvent, EventBus, PublishResult, Subscription, SubscriptionOptions } from '../event-bus/event-bus.port';
import type { Metrics } from './metrics';
import { publishRaw, type RawMessage, type WrappingEventBus } from './raw-bus-access';

/** A consumer group as this process runs it. */
export interface LocalConsumer {
  group: string;
  topics: string[];
  state: 'running' | 'restarting' | 'stopped';
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

  constructor(
    private readonly inner: EventBus,
    private readonly metrics: Metrics,
  ) {
    this.kind = inner.kind;
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
    const instrumented: SubscriptionOptions = { ...options, handler: countingHandler(options, this.metrics) };
    const sub = new ManagedSubscription(this.inner, instrumented, () => this.managed.delete(sub));
    await sub.start();
    this.managed.add(sub);
    return sub;
  }

  /** The consumer groups running in this process. */
  localConsumers(): LocalConsumer[] {
    const byGroup = new Map<string, LocalConsumer>();
    for (const s of this.managed) {
      const c = byGroup.get(s.group) ?? { group: s.group, topics: [], state: s.state };
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
 * Counts what the error policy (retry-policy.ts) does: a successful handler call counts its events as
 * handled; an event is counted dead-lettered when its last isolated attempt fails (maxAttempts when
 * it came alone, min(2, maxAttempts) once isolated from a failing batch). Events the adapter
 * dead-letters before the handler (unparseable) are not seen here: `observatoire_dlq_size` shows them.
 */
function countingHandler(options: SubscriptionOptions, metrics: Metrics): BatchHandler {
  const maxAttempts = options.maxAttempts ?? 5;
  const failures = new Map<string, number>();
  const isolated = new Set<string>();
  const keyOf = (d: DeliveredEvent) => `${d.topic}/${d.partition}/${d.offset}`;
  return async (batch) => {
    try {
      await options.handler(batch);
    } catch (err) {
      if (batch.length === 1) {
        const k = keyOf(batch[0]);
        const n = (failures.get(k) ?? 0) + 1;
        const limit = isolated.has(k) ? Math.min(2, maxAttempts) : maxAttempts;
        if (n >= limit) {
          failures.delete(k);
          isolated.delete(k);
          metrics.eventsConsumed(batch[0].topic, options.group, 'dead_lettered');
        } else failures.set(k, n);
      } else {
        for (const d of batch) isolated.add(keyOf(d));
      }
      throw err;
    }
    for (const d of batch) {
      const k = keyOf(d);
      failures.delete(k);
      isolated.delete(k);
    }
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
