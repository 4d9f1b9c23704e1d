import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ConsumeOutcome = 'handled' | 'dead_lettered';
export type IngestOutcome = 'accepted' | 'flagged' | 'quarantined' | 'duplicate' | (string & {});

/** One consumer group's position on one topic, as sampled at scrape time. */
export interface ConsumerSample {
  topic: string;
  group: string;
  lag: number;
  dlqSize: number;
}

/**
 * The Prometheus metrics of one process (prom-client, its own Registry with the default process
 * metrics). Services record through the methods; the consumer gauges are sampled on each scrape
 * from the source given to `sampleConsumersWith` (the bus's `lag` and dead-letter sizes).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly published: Counter<'topic'>;
  private readonly consumed: Counter<'topic' | 'group' | 'outcome'>;
  private readonly ingested: Counter<'outcome'>;
  private readonly adminOps: Counter<'operation'>;
  private readonly retries: Counter<'topic' | 'group' | 'kind'>;
  private readonly pausedSeconds: Counter<'topic' | 'group'>;
  private readonly pausedNow = new Map<string, { topic: string; group: string; count: number }>();
  private sampler: (() => Promise<ConsumerSample[]>) | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'observatoire_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.published = new Counter({ name: 'observatoire_events_published_total', help: 'Events published on the bus by this process', labelNames: ['topic'], registers });
    this.consumed = new Counter({
      name: 'observatoire_events_consumed_total',
      help: 'Events consumed by this process: handled, or dead-lettered after the error policy gave up',
      labelNames: ['topic', 'group', 'outcome'],
      registers,
    });
    this.ingested = new Counter({ name: 'observatoire_ingest_records_total', help: 'DECP records ingested, by outcome (accepted, flagged, quarantined, …)', labelNames: ['outcome'], registers });
    this.adminOps = new Counter({ name: 'observatoire_admin_operations_total', help: 'Operations run through the admin API or the ops CLI', labelNames: ['operation'], registers });
    this.retries = new Counter({
      name: 'observatoire_consumer_retries_total',
      help: 'Failed handler attempts retried by the error policy, by kind (transient: a dependency is down; permanent: the event fails)',
      labelNames: ['topic', 'group', 'kind'],
      registers,
    });
    this.pausedSeconds = new Counter({
      name: 'observatoire_consumer_paused_seconds_total',
      help: 'Seconds consumer partitions spent paused because a dependency was down',
      labelNames: ['topic', 'group'],
      registers,
    });
    const pausedNow = this.pausedNow;
    new Gauge({
      name: 'observatoire_consumer_paused_partitions',
      help: 'Partitions this process holds paused because a dependency is down',
      labelNames: ['topic', 'group'],
      registers,
      collect() {
        this.reset();
        for (const p of pausedNow.values()) this.set({ topic: p.topic, group: p.group }, p.count);
      },
    });
    const sample = () => (this.sampler ? this.sampler() : Promise.resolve([]));
    new Gauge({
      name: 'observatoire_consumer_lag',
      help: 'Events not yet consumed by a consumer group, per topic (sampled on scrape)',
      labelNames: ['topic', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const s of await sample()) this.set({ topic: s.topic, group: s.group }, s.lag);
      },
    });
    new Gauge({
      name: 'observatoire_dlq_size',
      help: 'Messages in the dead-letter topic of a consumer group, per original topic (sampled on scrape)',
      labelNames: ['topic', 'group'],
      registers,
      async collect() {
        this.reset();
        for (const s of await sample()) this.set({ topic: s.topic, group: s.group }, s.dlqSize);
      },
    });
  }

  /** The source of the lag and dead-letter gauges (called at each scrape; errors leave the gauges empty). */
  sampleConsumersWith(sampler: () => Promise<ConsumerSample[]>): void {
    this.sampler = async () => {
      try {
        return await sampler();
      } catch {
        return [];
      }
    };
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status: String(status) }, seconds);
  }

  eventsPublished(topic: string, count: number): void {
    if (count > 0) this.published.inc({ topic }, count);
  }

  eventsConsumed(topic: string, group: string, outcome: ConsumeOutcome, count = 1): void {
    if (count > 0) this.consumed.inc({ topic, group, outcome }, count);
  }

  /** Records ingested, flagged, quarantined… (`observatoire_ingest_records_total{outcome}`). */
  ingestRecords(outcome: IngestOutcome, count = 1): void {
    if (count > 0) this.ingested.inc({ outcome }, count);
  }

  consumerRetry(topic: string, group: string, kind: 'transient' | 'permanent'): void {
    this.retries.inc({ topic, group, kind });
  }

  /** A partition entered (+1) or left (-1) an outage. */
  consumerPaused(topic: string, group: string, delta: 1 | -1): void {
    const k = `${group}\u0000${topic}`;
    const p = this.pausedNow.get(k) ?? { topic, group, count: 0 };
    p.count = Math.max(0, p.count + delta);
    this.pausedNow.set(k, p);
  }

  consumerPausedSeconds(topic: string, group: string, seconds: number): void {
    if (seconds > 0) this.pausedSeconds.inc({ topic, group }, seconds);
  }

  adminOperation(operation: string): void {
    this.adminOps.inc({ operation });
  }

  /** The text exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

let processMetrics: Metrics | null = null;

/** The process's one Metrics (one Registry per process). Tests create their own with `new Metrics()`. */
export function metricsOfProcess(): Metrics {
  processMetrics ??= new Metrics();
  return processMetrics;
}
