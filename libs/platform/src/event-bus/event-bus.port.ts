import type { ObservatoireEvent } from '@observatoire/contracts';

/** An event as a consumer receives it, with where it came from. */
export interface DeliveredEvent<E extends ObservatoireEvent = ObservatoireEvent> {
  event: E;
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/**
 * A batch handler. It must be idempotent: the bus delivers at least once, so an event may come
 * again after a crash or a rebalance. What happens when it throws depends on the error
 * (error-classification.ts): a transient failure (a dependency is down) pauses the partition and the
 * same batch is retried until it passes, never dead-lettered; a permanent one is retried a bounded
 * number of times, then events are retried one by one and the ones that still fail go to the
 * dead-letter topic with the handler's error.
 */
export type BatchHandler = (events: DeliveredEvent[]) => Promise<void>;

export interface SubscriptionOptions {
  /** Consumer group: one per service (or per projection). */
  group: string;
  topics: string[];
  handler: BatchHandler;
  /** Largest batch handed to the handler. */
  maxBatchSize?: number;
  /** Attempts of a failing batch before isolating the failing events (default 5). */
  maxAttempts?: number;
  /** First retry delay in ms, doubled at each attempt (default 200). */
  retryBackoffMs?: number;
  /** Largest delay between two attempts while a dependency is down (default 30,000). */
  maxBackoffMs?: number;
  /** Told of every retry, pause, resume and dead letter (logs, metrics, the admin view). */
  observer?: ConsumerObserver;
}

/** Where a batch is: group, topic, partition, first offset, the first event's id and correlation id. */
export interface BatchContext {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  lastOffset?: string;
  events?: number;
  eventId?: string;
  correlationId?: string;
}

export interface ObservedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** What the error policy reports, as it happens. Every callback is optional and must not throw. */
export interface ConsumerObserver {
  retry?(info: BatchContext & { attempt: number; kind: 'transient' | 'permanent'; rule: string; dependency?: string; error: ObservedError; delayMs: number; pausedMs?: number }): void;
  paused?(info: BatchContext & { dependency: string; rule: string; error: ObservedError }): void;
  resumed?(info: BatchContext & { pausedMs: number; retries: number; dependency: string; recovered: boolean; error?: ObservedError }): void;
  deadLettered?(info: BatchContext & { reason: string; attempts: number; error: ObservedError }): void;
}

export interface Subscription {
  readonly group: string;
  /** Resolves when every event published before the call has been handled (or dead-lettered). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface DeadLetter {
  topic: string;
  offset: string;
  key: string | null;
  reason: string;
  originalTopic: string;
  originalOffset: string;
  attempts: number;
  /** The handler's error: code (when it had one) and stack summary (letters written before issue 20 have none). */
  errorCode?: string;
  errorStack?: string;
  value: string;
}

export interface PublishResult {
  published: number;
}

/** A conditional cursor write: move from `from` (the value the caller read) to `to`. */
export interface CursorMove {
  from: bigint;
  to: bigint;
}

export interface CursorMoveResult {
  /** False when the cursor was no longer at `from` (another writer moved it): nothing was written. */
  moved: boolean;
  /** The cursor after the call: `to` when moved, else the value found. */
  cursor: bigint;
}

/** The event bus port: Kafka in the distributed profile, a durable local log in the embedded one. */
export interface EventBus {
  readonly kind: 'kafka' | 'embedded';
  /** Create topics (and dead-letter topics) if missing. */
  ensureTopics(topics: string[], groups?: string[]): Promise<void>;
  /** Publish in order; the Kafka key is each event's aggregateId. Resolves when durably written. */
  publish(topic: string, events: ObservatoireEvent[]): Promise<PublishResult>;
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  /** Dead letters of a consumer group on a topic (for inspection and re-drive). */
  deadLetters(topic: string, group: string, limit?: number): Promise<DeadLetter[]>;
  /** Move a group's position on a topic to the beginning (replay into a projection from zero). Group must be stopped. */
  resetGroup(group: string, topic: string): Promise<void>;
  /** Events of a group not yet consumed, per topic. */
  lag(group: string, topics: string[]): Promise<Record<string, number>>;
  /**
   * A cursor is the committed position of a consumer group that never has members, on a
   * single-partition topic (the dead-letter topics): how far an operation went in that topic (the
   * dead-letter re-drive). It lives where the log is (Kafka's committed offsets; the embedded log's
   * group positions), so every process of a deployment sees the same one and it is backed up with
   * the log. This reads it: the next offset to process, 0 when the group or the topic has none.
   */
  readCursor(group: string, topic: string): Promise<bigint>;
  /**
   * Compare-and-set on a cursor: moves it to `move.to` only if it is still at `move.from`, atomically
   * with respect to every other writer of that cursor (every process of the deployment). `to` must be
   * between 0 and the end of the topic; the group must have no running consumers. Once it resolves,
   * `readCursor` returns the new value in every process.
   */
  moveCursor(group: string, topic: string, move: CursorMove): Promise<CursorMoveResult>;
  health(): Promise<{ ok: boolean; detail: string }>;
  close(): Promise<void>;
}
