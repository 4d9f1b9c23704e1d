import { EventEmitter } from 'node:events';
import { promises as fsp, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { deadLetterTopic, HEADERS, parseEvent, type ObservatoireEvent } from '@observatoire/contracts';
import { SpanKind, trace } from '@opentelemetry/api';
import type { CursorMove, CursorMoveResult, DeadLetter, DeliveredEvent, EventBus, PublishResult, Subscription, SubscriptionOptions } from '../event-bus.port';
import { eventHeaders, linksFromHeaders } from '../headers';
import { batchContext, ConsumerStopped, errorText, handleWithRetries } from '../retry-policy';
import { describeError, errorDetails, type ErrorDetails } from '../error-classification';
import { LogFile, type LogEntry } from './log-file';

interface GroupPosition {
  offset: number;
  position: number;
}

/**
 * The embedded event bus: one append-only JSON-lines log per topic under a directory, and one
 * committed position per consumer group and topic. Durable across restarts: a consumer resumes at
 * its committed position, so an event handled but not yet committed is delivered again (at least
 * once, like Kafka) — consumers are idempotent. Replaying a projection = resetting its group.
 * Single process by design (the embedded profile); the distributed profile uses Kafka.
 */
export class EmbeddedEventLog implements EventBus {
  readonly kind = 'embedded' as const;
  private readonly logs = new Map<string, LogFile>();
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<EmbeddedSubscription>();

  constructor(
    private readonly dir: string,
    private readonly opts: { fsync?: boolean; source?: string } = {},
  ) {
    mkdirSync(join(dir, 'offsets'), { recursive: true });
    this.appended.setMaxListeners(1000);
  }

  log(topic: string): LogFile {
    let log = this.logs.get(topic);
    if (!log) {
      log = new LogFile(join(this.dir, `${topic}.jsonl`), this.opts.fsync ?? false);
      this.logs.set(topic, log);
    }
    return log;
  }

  async ensureTopics(topics: string[], groups: string[] = []): Promise<void> {
    for (const t of topics) {
      await this.log(t).open();
      for (const g of groups) await this.log(deadLetterTopic(t, g)).open();
    }
  }

  async publish(topic: string, events: ObservatoireEvent[]): Promise<PublishResult> {
    if (events.length === 0) return { published: 0 };
    const tracer = trace.getTracer('observatoire-event-bus');
    return tracer.startActiveSpan(`${topic} publish`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'embedded', 'messaging.destination.name': topic, 'messaging.batch.message_count': events.length } }, async (span) => {
      try {
        const entries = events.map((e) => ({ key: e.aggregateId, headers: eventHeaders(e), value: JSON.stringify(e) }));
        await this.log(topic).append(entries);
        this.appended.emit(topic);
        return { published: events.length };
      } finally {
        span.end();
      }
    });
  }

  async appendRaw(topic: string, entries: { key: string | null; headers: Record<string, string>; value: string }[]): Promise<void> {
    await this.log(topic).append(entries);
    this.appended.emit(topic);
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    await this.ensureTopics(options.topics, [options.group]);
    const sub = new EmbeddedSubscription(this, options, this.appended);
    this.subscriptions.add(sub);
    sub.start();
    return sub;
  }

  offsetsFile(group: string): string {
    return join(this.dir, 'offsets', `${group.replace(/[^\w.-]/g, '_')}.json`);
  }

  private readonly positionWrites = new Map<string, Promise<unknown>>();
  private tmpCounter = 0;

  async readPositions(group: string): Promise<Record<string, GroupPosition>> {
    const file = this.offsetsFile(group);
    if (!existsSync(file)) return {};
    return JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, GroupPosition>;
  }

  /**
   * Commit one topic's position for a group. Writes of one group are serialised (read-modify-write
   * of one small file, then an atomic rename under a unique temporary name), so topics consumed by
   * the same group never lose each other's commits.
   */
  commitPosition(group: string, topic: string, position: GroupPosition): Promise<void> {
    return this.updatePositions(group, (all) => {
      all[topic] = position;
    });
  }

  /** Read-modify-write of a group's positions, serialised per group; the file is rewritten only if `change` changed something. */
  private updatePositions<T>(group: string, change: (all: Record<string, GroupPosition>) => T | Promise<T>): Promise<T> {
    const run = async () => {
      const all = await this.readPositions(group);
      const before = JSON.stringify(all);
      const result = await change(all);
      const after = JSON.stringify(all);
      if (after === before) return result;
      const file = this.offsetsFile(group);
      const tmp = `${file}.${process.pid}.${++this.tmpCounter}.tmp`;
      await fsp.writeFile(tmp, after);
      await fsp.rename(tmp, file);
      return result;
    };
    const previous = this.positionWrites.get(group) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.positionWrites.set(group, next.catch(() => undefined));
    return next;
  }

  async readCursor(group: string, topic: string): Promise<bigint> {
    return BigInt((await this.readPositions(group))[topic]?.offset ?? 0);
  }

  /**
   * The cursor is the group's committed position (offset and the byte position of that offset, so a
   * subscription of the group would resume there). Compare and write happen in the group's serialised
   * read-modify-write: atomic within the process, and the embedded log has one process.
   */
  moveCursor(group: string, topic: string, move: CursorMove): Promise<CursorMoveResult> {
    for (const s of this.subscriptions) if (s.group === group) return Promise.reject(new Error(`cannot move the cursor of ${group} on ${topic}: the group has running consumers (a cursor group is never consumed)`));
    return this.updatePositions(group, async (all) => {
      const current = BigInt(all[topic]?.offset ?? 0);
      if (current !== move.from) return { moved: false, cursor: current };
      const log = this.log(topic);
      await log.open();
      if (move.to < 0n || move.to > BigInt(log.nextOffset)) throw new RangeError(`cursor of ${group} on ${topic}: ${move.to} is outside the topic (0‥${log.nextOffset})`);
      if (move.to !== current) {
        const offset = Number(move.to);
        all[topic] = { offset, position: offset === 0 ? 0 : (await log.read(0, offset)).nextPosition };
      }
      return { moved: true, cursor: move.to };
    });
  }

  async deadLetters(topic: string, group: string, limit = 100): Promise<DeadLetter[]> {
    const dlq = deadLetterTopic(topic, group);
    const log = this.log(dlq);
    await log.open();
    const out: DeadLetter[] = [];
    let position = 0;
    while (out.length < limit) {
      const { entries, nextPosition } = await log.read(position, limit - out.length);
      if (entries.length === 0) break;
      for (const e of entries) {
        out.push({
          topic: dlq,
          offset: String(e.offset),
          key: e.key,
          reason: e.headers[HEADERS.dlqReason] ?? '',
          originalTopic: e.headers[HEADERS.dlqOriginalTopic] ?? topic,
          originalOffset: e.headers[HEADERS.dlqOriginalOffset] ?? '',
          attempts: Number(e.headers[HEADERS.dlqAttempts] ?? 0),
          ...(e.headers[HEADERS.dlqErrorCode] ? { errorCode: e.headers[HEADERS.dlqErrorCode] } : {}),
          ...(e.headers[HEADERS.dlqErrorStack] ? { errorStack: e.headers[HEADERS.dlqErrorStack] } : {}),
          value: e.value,
        });
      }
      position = nextPosition;
    }
    return out;
  }

  async resetGroup(group: string, topic: string): Promise<void> {
    for (const s of this.subscriptions) if (s.group === group) throw new Error(`stop the consumer group ${group} before resetting it`);
    await this.updatePositions(group, (all) => {
      all[topic] = { offset: 0, position: 0 };
    });
  }

  async lag(group: string, topics: string[]): Promise<Record<string, number>> {
    const positions = await this.readPositions(group);
    const out: Record<string, number> = {};
    for (const t of topics) {
      const log = this.log(t);
      await log.open();
      out[t] = log.nextOffset - (positions[t]?.offset ?? 0);
    }
    return out;
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      await fsp.access(this.dir);
      return { ok: true, detail: `embedded log at ${this.dir}` };
    } catch (e) {
      return { ok: false, detail: errorText(e) };
    }
  }

  forget(sub: EmbeddedSubscription) {
    this.subscriptions.delete(sub);
  }

  async close(): Promise<void> {
    for (const s of [...this.subscriptions]) await s.stop();
    for (const l of this.logs.values()) await l.close();
    this.logs.clear();
  }
}

class EmbeddedSubscription implements Subscription {
  readonly group: string;
  private running = false;
  private loops: Promise<void>[] = [];
  private wake = new EventEmitter();
  private committed: Record<string, GroupPosition> = {};

  constructor(
    private readonly bus: EmbeddedEventLog,
    private readonly options: SubscriptionOptions,
    private readonly appended: EventEmitter,
  ) {
    this.group = options.group;
    this.wake.setMaxListeners(100);
  }

  private readonly listeners = new Map<string, () => void>();

  start() {
    this.running = true;
    for (const t of this.options.topics) {
      const listener = () => this.wake.emit(t);
      this.listeners.set(t, listener);
      this.appended.on(t, listener);
    }
    this.loops = this.options.topics.map((t) => this.loop(t));
  }

  private async loop(topic: string) {
    const log = this.bus.log(topic);
    await log.open();
    const positions = await this.bus.readPositions(this.group);
    let pos: GroupPosition = positions[topic] ?? { offset: 0, position: 0 };
    this.committed[topic] = pos;
    const max = this.options.maxBatchSize ?? 500;
    while (this.running) {
      const { entries, nextPosition } = await log.read(pos.position, max);
      if (entries.length === 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(done, 250);
          const self = this.wake;
          function done() {
            clearTimeout(t);
            self.off(topic, done);
            resolve();
          }
          this.wake.once(topic, done);
        });
        continue;
      }
      try {
        await this.handle(topic, entries);
      } catch (e) {
        // Stopped during an outage: nothing committed, the batch comes again at the next start.
        if (e instanceof ConsumerStopped) return;
        throw e;
      }
      pos = { offset: entries[entries.length - 1].offset + 1, position: nextPosition };
      await this.bus.commitPosition(this.group, topic, pos);
      this.committed[topic] = pos;
      this.wake.emit(`committed:${topic}`);
    }
  }

  private async handle(topic: string, entries: LogEntry[]) {
    const delivered: DeliveredEvent[] = [];
    const dead: { entry: LogEntry; reason: string; attempts: number; error: ErrorDetails }[] = [];
    for (const e of entries) {
      try {
        delivered.push({ event: parseEvent(e.value), topic, partition: 0, offset: String(e.offset), headers: e.headers });
      } catch (err) {
        const error = { ...errorDetails(err), code: errorDetails(err).code ?? 'UNPARSEABLE_EVENT' };
        dead.push({ entry: e, reason: describeError(error), attempts: 0, error });
      }
    }
    if (delivered.length > 0) {
      const tracer = trace.getTracer('observatoire-event-bus');
      await tracer.startActiveSpan(
        `${topic} process`,
        { kind: SpanKind.CONSUMER, links: linksFromHeaders(delivered.map((d) => d.headers)), attributes: { 'messaging.system': 'embedded', 'messaging.consumer.group.name': this.group, 'messaging.batch.message_count': delivered.length } },
        async (span) => {
          try {
            // The topic's loop is this partition: while a dependency is down it stays on the same batch (paused).
            const failed = await handleWithRetries(this.options.handler, delivered, {
              group: this.group,
              maxAttempts: this.options.maxAttempts ?? 5,
              retryBackoffMs: this.options.retryBackoffMs ?? 200,
              maxBackoffMs: this.options.maxBackoffMs,
              observer: this.options.observer,
              isRunning: () => this.running,
            });
            for (const f of failed) {
              const entry = entries.find((x) => String(x.offset) === f.delivered.offset)!;
              dead.push({ entry, reason: f.reason, attempts: f.attempts, error: f.error });
            }
          } finally {
            span.end();
          }
        },
      );
    }
    if (dead.length > 0) {
      await this.bus.appendRaw(
        deadLetterTopic(topic, this.group),
        dead.map((d) => ({
          key: d.entry.key,
          value: d.entry.value,
          headers: {
            ...d.entry.headers,
            [HEADERS.dlqReason]: d.reason,
            [HEADERS.dlqOriginalTopic]: topic,
            [HEADERS.dlqOriginalOffset]: String(d.entry.offset),
            [HEADERS.dlqAttempts]: String(d.attempts),
            ...(d.error.code ? { [HEADERS.dlqErrorCode]: d.error.code } : {}),
            ...(d.error.stack ? { [HEADERS.dlqErrorStack]: d.error.stack } : {}),
          },
        })),
      );
      for (const d of dead) {
        this.options.observer?.deadLettered?.({ ...batchContext(this.group, [{ event: undefined as never, topic, partition: 0, offset: String(d.entry.offset), headers: d.entry.headers }]), reason: d.reason, attempts: d.attempts, error: d.error });
      }
    }
  }

  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const topic of this.options.topics) {
      const log = this.bus.log(topic);
      await log.open();
      const target = log.nextOffset;
      while ((this.committed[topic]?.offset ?? -1) < target) {
        if (Date.now() > deadline) throw new Error(`drain timeout: group ${this.group} on ${topic} at ${this.committed[topic]?.offset ?? 0}/${target}`);
        await new Promise<void>((resolve) => {
          const woken = () => {
            clearTimeout(t);
            resolve();
          };
          // The listener goes with the timer: a long drain (a dependency down) must not pile up listeners.
          const t = setTimeout(() => {
            this.wake.off(`committed:${topic}`, woken);
            resolve();
          }, 50);
          this.wake.once(`committed:${topic}`, woken);
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.options.topics) this.wake.emit(t);
    await Promise.allSettled(this.loops);
    for (const [t, l] of this.listeners) this.appended.off(t, l);
    this.listeners.clear();
    this.bus.forget(this);
  }
}
