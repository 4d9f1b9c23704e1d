import { randomUUID } from 'node:crypto';
import { deadLetterTopic, HEADERS, parseEvent, type ObservatoireEvent } from '@observatoire/contracts';
import { SpanKind, trace } from '@opentelemetry/api';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import type { CursorMove, CursorMoveResult, DeadLetter, DeliveredEvent, EventBus, PublishResult, Subscription, SubscriptionOptions } from '../event-bus.port';
import { eventHeaders, headersToStrings, linksFromHeaders } from '../headers';
import { batchContext, ConsumerStopped, errorText, handleWithRetries } from '../retry-policy';
import { describeError, errorDetails, type ErrorDetails } from '../error-classification';

export interface KafkaEventBusConfig {
  brokers: string[];
  clientId: string;
  /** Partitions of each topic created by ensureTopics (the unit of consumer parallelism). */
  partitions?: number;
  replicationFactor?: number;
  /** Messages per produce request. */
  produceBatchSize?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>) => void;
  /**
   * Optional namespace prefixed to every physical topic and consumer group (`<ns>.<topic>`), so that
   * several observatories (or test runs) can share one cluster. Handlers always see logical names.
   */
  namespace?: string;
  ssl?: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

/**
 * Topic settings applied when the bus creates a topic. The contracts, organisations, quarantine and buyer-registry
 * topics are compacted on their key (each ContractPublished carries the whole current state, so the
 * latest revision per uid is all a rebuild needs, and the log stays the source of truth forever);
 * dead-letter topics keep 30 days; ingest runs keep the broker default retention.
 */
export function topicSettings(logical: string): { name: string; value: string }[] {
  if (logical.includes('.dlq.')) return [{ name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) }];
  if (/^observatoire\.(contracts|organisations|quarantine|buyer-registry)\./.test(logical)) return [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: String(24 * 3600 * 1000) }];
  return [];
}

/**
 * Kafka adapter (kafkajs). Idempotent producer (acks=all, one in-flight request, so retries never
 * duplicate or reorder); messages keyed by aggregateId (one contract's events stay ordered on one
 * partition); one consumer group per service; manual offset resolution after the handler succeeded
 * or the event was dead-lettered (at least once); bounded retries, then the dead-letter topic
 * `<topic>.dlq.<group>` with the failure reason in headers.
 */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producerReady: Promise<Producer> | null = null;
  private admin: Admin | null = null;
  private readonly subs = new Set<KafkaSubscription>();

  /** Physical topic name of a logical topic. */
  topic(logical: string): string {
    return this.config.namespace ? `${this.config.namespace}.${logical}` : logical;
  }

  /** Physical consumer group of a logical group. */
  group(logical: string): string {
    return this.config.namespace ? `${this.config.namespace}.${logical}` : logical;
  }

  /** Logical topic name of a physical one. */
  logical(physical: string): string {
    const p = this.config.namespace ? `${this.config.namespace}.` : '';
    return p && physical.startsWith(p) ? physical.slice(p.length) : physical;
  }

  constructor(private readonly config: KafkaEventBusConfig) {
    this.kafka = new Kafka({
      clientId: config.clientId,
      brokers: config.brokers,
      logLevel: logLevel.WARN,
      retry: { retries: 8, initialRetryTime: 200 },
      ssl: config.ssl || undefined,
      sasl: config.sasl as never,
      logCreator: () => (entry) => {
        const lvl = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
        this.config.log?.(lvl, `kafkajs ${entry.namespace}: ${entry.log.message}`, { ...entry.log });
      },
    });
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  private getProducer(): Promise<Producer> {
    this.producerReady ??= (async () => {
      const p = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      this.producer = p;
      return p;
    })();
    return this.producerReady;
  }

  async ensureTopics(topics: string[], groups: string[] = []): Promise<void> {
    const admin = await this.getAdmin();
    const existing = new Set(await admin.listTopics());
    const wanted = [...topics, ...topics.flatMap((t) => groups.map((g) => deadLetterTopic(t, g)))].filter((t) => !existing.has(this.topic(t)));
    if (wanted.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((logical) => ({
        topic: this.topic(logical),
        numPartitions: logical.includes('.dlq.') ? 1 : (this.config.partitions ?? 3),
        replicationFactor: this.config.replicationFactor ?? 1,
        configEntries: topicSettings(logical),
      })),
    });
  }

  async publish(topic: string, events: ObservatoireEvent[]): Promise<PublishResult> {
    if (events.length === 0) return { published: 0 };
    const producer = await this.getProducer();
    const tracer = trace.getTracer('observatoire-event-bus');
    const size = this.config.produceBatchSize ?? 500;
    return tracer.startActiveSpan(`${topic} publish`, { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.batch.message_count': events.length } }, async (span) => {
      try {
        for (let i = 0; i < events.length; i += size) {
          const chunk = events.slice(i, i + size);
          await producer.send({
            topic: this.topic(topic),
            acks: -1,
            messages: chunk.map((e) => ({ key: e.aggregateId, value: JSON.stringify(e), headers: eventHeaders(e) })),
          });
        }
        return { published: events.length };
      } finally {
        span.end();
      }
    });
  }

  async publishRaw(topic: string, messages: { key: string | null; value: string; headers: Record<string, string> }[]): Promise<void> {
    const producer = await this.getProducer();
    await producer.send({ topic: this.topic(topic), acks: -1, messages });
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    await this.ensureTopics(options.topics, [options.group]);
    const consumer = this.kafka.consumer({
      groupId: this.group(options.group),
      allowAutoTopicCreation: false,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 250,
    });
    const sub = new KafkaSubscription(this, consumer, options);
    await sub.start();
    this.subs.add(sub);
    return sub;
  }

  forget(sub: KafkaSubscription) {
    this.subs.delete(sub);
  }

  async topicEndOffsets(topic: string): Promise<Map<number, string>> {
    const admin = await this.getAdmin();
    const offsets = await admin.fetchTopicOffsets(this.topic(topic));
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }

  async committedOffsets(group: string, topic: string): Promise<Map<number, string>> {
    const admin = await this.getAdmin();
    const res = await admin.fetchOffsets({ groupId: this.group(group), topics: [this.topic(topic)] });
    const out = new Map<number, string>();
    for (const t of res) for (const p of t.partitions) out.set(p.partition, p.offset);
    return out;
  }

  async lag(group: string, topics: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const topic of topics) {
      const ends = await this.topicEndOffsets(topic);
      const committed = await this.committedOffsets(group, topic);
      let lag = 0;
      for (const [p, high] of ends) {
        const c = Number(committed.get(p) ?? '-1');
        lag += Number(high) - (c < 0 ? 0 : c);
      }
      out[topic] = lag;
    }
    return out;
  }

  async deadLetters(topic: string, group: string, limit = 100): Promise<DeadLetter[]> {
    const dlq = deadLetterTopic(topic, group);
    await this.ensureTopics([topic], [group]);
    const ends = await this.topicEndOffsets(dlq);
    const total = [...ends.values()].reduce((a, b) => a + Number(b), 0);
    if (total === 0) return [];
    // A throw-away consumer group reads the dead-letter topic from the beginning (unique: two readers at the
    // same moment, in one process or two, must not share a group and split or steal the partition).
    const reader = this.kafka.consumer({ groupId: `${this.group(group)}-dlq-reader-${randomUUID()}`, allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
    const out: DeadLetter[] = [];
    await reader.connect();
    try {
      await reader.subscribe({ topic: this.topic(dlq), fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, 15_000);
        reader
          .run({
            eachMessage: async ({ message }) => {
              out.push(toDeadLetter(dlq, topic, message));
              if (out.length >= Math.min(limit, total)) {
                clearTimeout(timer);
                resolve();
              }
            },
          })
          .catch(reject);
      });
    } finally {
      await reader.disconnect();
    }
    return out.slice(0, limit);
  }

  /**
   * Moves the group to the earliest offset of every partition of the topic. Written like the cursors
   * (a transactional `sendOffsets`, no consumer joins the group): kafkajs' `admin.resetOffsets` joins the
   * group as a temporary member and took 5 s per topic. Refused when the group has running consumers,
   * as before (the broker also refuses a member-less commit to a group that has members).
   */
  async resetGroup(group: string, topic: string): Promise<void> {
    const admin = await this.getAdmin();
    const groupId = this.group(group);
    await this.assertNoRunningConsumers(groupId, (state) => `The consumer group must have no running instances, current state: ${state} (stop the consumer group ${groupId} first)`);
    const lows = (await admin.fetchTopicOffsets(this.topic(topic))).map((p) => ({ partition: p.partition, offset: p.low }));
    await retryTransient(async () => {
      const producer = await this.transactionalProducer(`${groupId}:reset:${this.topic(topic)}`);
      try {
        const tx = await producer.transaction();
        try {
          await tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: this.topic(topic), partitions: lows }] });
          await tx.commit();
        } catch (e) {
          await tx.abort().catch(() => undefined);
          throw e;
        }
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    });
    await this.awaitCommitted(group, topic, new Map(lows.map((p) => [p.partition, p.offset])));
  }

  async readCursor(group: string, topic: string): Promise<bigint> {
    return (await this.fetchCursor(group, topic)) ?? 0n;
  }

  /**
   * The cursor is the group's committed offset on partition 0, written by a transactional producer
   * (`sendOffsets`, i.e. TxnOffsetCommit): no consumer ever joins the group, and the transactional id
   * (one per cursor) makes the write conditional. Initialising it fences any other writer of the same
   * cursor still in flight (its commit fails) and waits for the previous one to complete, so the
   * value read afterwards is the latest one: read, compare, write, commit is atomic across processes.
   */
  async moveCursor(group: string, topic: string, move: CursorMove): Promise<CursorMoveResult> {
    const found = await this.fetchCursor(group, topic);
    if (found === null) throw new Error(`cannot move the cursor of ${group} on ${topic}: the topic does not exist`);
    const end = BigInt((await this.topicEndOffsets(topic)).get(0) ?? '0');
    if (move.to < 0n || move.to > end) throw new RangeError(`cursor of ${group} on ${topic}: ${move.to} is outside the topic (0‥${end})`);
    await this.assertNoRunningConsumers(this.group(group), () => `cannot move the cursor of ${group} on ${topic}: the group has running consumers (a cursor group is never consumed)`);
    return retryTransient(() => this.moveCursorOnce(group, topic, move));
  }

  private async moveCursorOnce(group: string, topic: string, move: CursorMove): Promise<CursorMoveResult> {
    const producer = await this.transactionalProducer(`${this.group(group)}:${this.topic(topic)}`);
    try {
      const tx = await producer.transaction();
      const current = await this.readCursor(group, topic);
      if (current !== move.from || move.to === move.from) {
        await tx.abort().catch(() => undefined);
        return { moved: current === move.from, cursor: current };
      }
      try {
        await tx.sendOffsets({ consumerGroupId: this.group(group), topics: [{ topic: this.topic(topic), partitions: [{ partition: 0, offset: move.to.toString() }] }] });
        await tx.commit();
      } catch (e) {
        await tx.abort().catch(() => undefined);
        if (!isFenced(e)) throw e;
        return { moved: false, cursor: await this.readCursor(group, topic) };
      }
      await this.awaitCommitted(group, topic, new Map([[0, move.to.toString()]]));
      return { moved: true, cursor: move.to };
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  /** Offsets are written by a transactional producer only into groups that no consumer has joined. */
  private async assertNoRunningConsumers(groupId: string, message: (state: string) => string): Promise<void> {
    const admin = await this.getAdmin();
    const [described] = (await admin.describeGroups([groupId])).groups;
    if (described && described.members.length > 0) throw new Error(message(described.state));
  }

  /** A connected producer for one transactional offset commit (the id fences older writers of the same offsets). */
  private async transactionalProducer(transactionalId: string) {
    const producer = this.kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    return producer;
  }

  /** A transactional commit answers before the coordinator has applied it: wait (10 s at most) until a plain read sees it. */
  private async awaitCommitted(group: string, topic: string, want: ReadonlyMap<number, string>): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const committed = await this.committedOffsets(group, topic);
      if ([...want].every(([p, o]) => committed.get(p) === o) || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The group's committed offset on a single-partition topic (0 when none), null when the topic does not exist. */
  private async fetchCursor(group: string, topic: string): Promise<bigint | null> {
    const admin = await this.getAdmin();
    let res: Awaited<ReturnType<Admin['fetchOffsets']>>;
    try {
      res = await admin.fetchOffsets({ groupId: this.group(group), topics: [this.topic(topic)] });
    } catch (e) {
      if ((e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return null;
      throw e;
    }
    const partitions = res.flatMap((t) => t.partitions);
    if (partitions.length !== 1) throw new Error(`cursor of ${group} on ${topic}: the topic has ${partitions.length} partitions, a cursor needs exactly one (dead-letter topics are created with one)`);
    const offset = BigInt(partitions[0].offset);
    return offset < 0n ? 0n : offset;
  }

  async health(): Promise<{ ok: boolean; detail: string }> {
    try {
      const admin = await this.getAdmin();
      const cluster = await admin.describeCluster();
      return { ok: true, detail: `kafka cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s)` };
    } catch (e) {
      return { ok: false, detail: errorText(e) };
    }
  }

  async close(): Promise<void> {
    for (const s of [...this.subs]) await s.stop();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.producer = null;
    this.producerReady = null;
    this.admin = null;
  }
}

/**
 * Errors of a transactional offset commit that a new attempt can clear: on a broker's first transaction the
 * coordinator is still creating and loading `__transaction_state` (seen as UNKNOWN_SERVER_ERROR on EndTxn on a
 * freshly started Kafka 4.4), a coordinator move, or a previous transaction of the same id still completing.
 */
const TRANSIENT_TXN_ERRORS = new Set(['UNKNOWN_SERVER_ERROR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'CONCURRENT_TRANSACTIONS', 'REQUEST_TIMED_OUT']);

function isTransientTxnError(e: unknown): boolean {
  const err = e as { type?: string; retriable?: boolean };
  return err?.retriable === true || TRANSIENT_TXN_ERRORS.has(err?.type ?? '');
}

/**
 * Runs a whole transaction again (new producer, new transaction) on a transient error, 0.25 s to 4 s apart, for
 * up to `budgetMs` (60 s): on a loaded two-core machine a freshly started broker's transaction coordinator kept
 * answering UNKNOWN_SERVER_ERROR on EndTxn past the 16 s that six doubling attempts gave.
 */
async function retryTransient<T>(run: () => Promise<T>, budgetMs = 60_000): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let i = 1; ; i++) {
    try {
      return await run();
    } catch (e) {
      const delay = Math.min(4_000, 250 * 2 ** (i - 1));
      if (!isTransientTxnError(e) || Date.now() + delay > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** A newer producer with the same transactional id took over (another writer of the same cursor). */
function isFenced(e: unknown): boolean {
  const type = (e as { type?: string }).type;
  return type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED' || /fenced|old epoch/i.test(errorText(e));
}

function toDeadLetter(dlq: string, topic: string, m: KafkaMessage): DeadLetter {
  const h = headersToStrings(m.headers as Record<string, Buffer | string | undefined>);
  return {
    topic: dlq,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    reason: h[HEADERS.dlqReason] ?? '',
    originalTopic: h[HEADERS.dlqOriginalTopic] ?? topic,
    originalOffset: h[HEADERS.dlqOriginalOffset] ?? '',
    attempts: Number(h[HEADERS.dlqAttempts] ?? 0),
    ...(h[HEADERS.dlqErrorCode] ? { errorCode: h[HEADERS.dlqErrorCode] } : {}),
    ...(h[HEADERS.dlqErrorStack] ? { errorStack: h[HEADERS.dlqErrorStack] } : {}),
    value: m.value?.toString() ?? '',
  };
}

class KafkaSubscription implements Subscription {
  readonly group: string;
  /** Highest offset handled (and resolved) per topic/partition. */
  private readonly done = new Map<string, bigint>();
  private running = true;

  constructor(
    private readonly bus: KafkaEventBus,
    private readonly consumer: Consumer,
    private readonly options: SubscriptionOptions,
  ) {
    this.group = options.group;
  }

  async start() {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics.map((t) => this.bus.topic(t)), fromBeginning: true });
    const max = this.options.maxBatchSize ?? 500;
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
        for (let i = 0; i < batch.messages.length; i += max) {
          if (!isRunning() || isStale()) return;
          const slice = batch.messages.slice(i, i + max);
          const topic = this.bus.logical(batch.topic);
          try {
            await this.handleSlice(topic, batch.partition, slice, { heartbeat, pause, isRunning: () => isRunning() && !isStale() });
          } catch (e) {
            // Stopping (or losing the partition) during an outage: nothing resolved, the batch comes again.
            if (e instanceof ConsumerStopped) return;
            throw e;
          }
          resolveOffset(slice[slice.length - 1].offset);
          this.done.set(`${topic}/${batch.partition}`, BigInt(slice[slice.length - 1].offset));
          await commitOffsetsIfNecessary();
          await heartbeat();
        }
      },
    });
  }

  private async handleSlice(topic: string, partition: number, messages: KafkaMessage[], batchControl: { heartbeat: () => Promise<void>; pause: () => () => void; isRunning: () => boolean }) {
    const delivered: DeliveredEvent[] = [];
    const dead: { m: KafkaMessage; reason: string; attempts: number; error: ErrorDetails }[] = [];
    for (const m of messages) {
      try {
        delivered.push({ event: parseEvent(m.value ?? ''), topic, partition, offset: m.offset, headers: headersToStrings(m.headers as Record<string, Buffer | string | undefined>) });
      } catch (err) {
        const error = { ...errorDetails(err), code: errorDetails(err).code ?? 'UNPARSEABLE_EVENT' };
        dead.push({ m, reason: describeError(error), attempts: 0, error });
      }
    }
    if (delivered.length > 0) {
      const tracer = trace.getTracer('observatoire-event-bus');
      let resume: (() => void) | null = null;
      await tracer.startActiveSpan(
        `${topic} process`,
        { kind: SpanKind.CONSUMER, links: linksFromHeaders(delivered.map((d) => d.headers)), attributes: { 'messaging.system': 'kafka', 'messaging.consumer.group.name': this.group, 'messaging.destination.partition.id': String(partition), 'messaging.batch.message_count': delivered.length } },
        async (span) => {
          try {
            const failed = await handleWithRetries(this.options.handler, delivered, {
              group: this.group,
              maxAttempts: this.options.maxAttempts ?? 5,
              retryBackoffMs: this.options.retryBackoffMs ?? 200,
              maxBackoffMs: this.options.maxBackoffMs,
              observer: this.options.observer,
              isRunning: () => this.running && batchControl.isRunning(),
              keepAlive: batchControl.heartbeat,
              // The partition is paused while its dependency is down: no fetch for it until the batch passes.
              onPause: () => {
                resume = batchControl.pause();
              },
              onResume: () => {
                resume?.();
                resume = null;
              },
            });
            for (const f of failed) dead.push({ m: messages.find((x) => x.offset === f.delivered.offset)!, reason: f.reason, attempts: f.attempts, error: f.error });
          } finally {
            span.end();
          }
        },
      );
    }
    if (dead.length > 0) {
      await this.bus.publishRaw(
        deadLetterTopic(topic, this.group),
        dead.map(({ m, reason, attempts, error }) => ({
          key: m.key?.toString() ?? null,
          value: m.value?.toString() ?? '',
          headers: {
            ...headersToStrings(m.headers as Record<string, Buffer | string | undefined>),
            [HEADERS.dlqReason]: reason,
            [HEADERS.dlqOriginalTopic]: topic,
            [HEADERS.dlqOriginalOffset]: m.offset,
            [HEADERS.dlqAttempts]: String(attempts),
            ...(error.code ? { [HEADERS.dlqErrorCode]: error.code } : {}),
            ...(error.stack ? { [HEADERS.dlqErrorStack]: error.stack } : {}),
          },
        })),
      );
      for (const { m, reason, attempts, error } of dead) {
        const headers = headersToStrings(m.headers as Record<string, Buffer | string | undefined>);
        this.options.observer?.deadLettered?.({ ...batchContext(this.group, [{ event: undefined as never, topic, partition, offset: m.offset, headers }]), reason, attempts, error });
      }
    }
  }

  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const topic of this.options.topics) {
      const ends = await this.bus.topicEndOffsets(topic);
      for (const [partition, high] of ends) {
        const target = BigInt(high) - 1n;
        if (target < 0n) continue;
        for (;;) {
          const done = this.done.get(`${topic}/${partition}`);
          if (done !== undefined && done >= target) break;
          // Another member of the group may own this partition: trust its committed offset.
          const committed = (await this.bus.committedOffsets(this.group, topic)).get(partition);
          if (committed !== undefined && BigInt(committed) - 1n >= target) break;
          if (Date.now() > deadline) throw new Error(`drain timeout: group ${this.group} on ${topic}[${partition}] at ${done ?? 'none'}/${target}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
    this.bus.forget(this);
  }
}
