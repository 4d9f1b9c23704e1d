import { randomUUID } from 'node:crypto';
import { deadLetterTopic, HEADERS } from '@observatoire/contracts';
import pino from 'pino';
import type { DeadLetter, EventBus } from '../event-bus/event-bus.port';
import { errorText } from '../event-bus/retry-policy';
import { DomainError } from '../nest/error-codes';
import { CONSUMER_GROUP_TOPICS, resolveGroupName, resolveTopicName } from './consumer-groups';
import { InstrumentedEventBus, type PausedPartition } from './instrumented-event-bus';
import type { Metrics } from './metrics';
import { deadLetterCount, publishRaw } from './raw-bus-access';
import { RedriveCursorStore } from './redrive-cursor.store';

/** pino-compatible: `logger.info({ ...fields }, 'message')`. */
export interface OpsLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface OpsContext {
  correlationId?: string;
  /** Through what: `admin-api`, `cli`. */
  via: string;
  /** Who (admin API): the OIDC subject or `api-key:<first 4 characters>…`. */
  actor?: string;
}

export interface ConsumerStatus {
  group: string;
  /** Consumed by this process, and its state here (`null`: not consumed by this process). */
  local: 'running' | 'restarting' | 'stopped' | null;
  /** Partitions this process holds paused because a dependency is down (retried until it is back). */
  paused: PausedPartition[];
  topics: { topic: string; lag: number; deadLetters: number; redriveCursor: string }[];
}

export interface DeadLetterView {
  offset: string;
  key: string | null;
  reason: string;
  errorCode?: string;
  errorStack?: string;
  attempts: number;
  originalTopic: string;
  originalOffset: string;
  eventType: string | null;
  eventId: string | null;
  /** Already re-driven (offset before the re-drive cursor). */
  redriven: boolean;
}

export interface RedriveReport {
  topic: string;
  group: string;
  deadLetterTopic: string;
  redriven: number;
  offsets: string[];
  /** Next dead-letter offset a re-drive will consider. */
  cursor: string;
}

export interface ReplayReport {
  group: string;
  topics: string[];
  /**
   * `restarted`: stopped, reset and restarted in this process; `reset`: the group had no running consumer;
   * `rebuild`: the service registered a rebuild into fresh tables with switch-over, started in the background.
   */
  mode: 'restarted' | 'reset' | 'rebuild';
  toReplay: Record<string, number>;
  /** With `rebuild`: the job's status (follow it on the service's own endpoint). */
  rebuild?: unknown;
}

/** A service's own "rebuild from zero" for one of its groups (e.g. analytics: fresh tables, then switch-over). */
export type GroupRebuilder = (ctx: OpsContext) => Promise<unknown> | unknown;

/** The largest dead-letter read of one inspection or re-drive. */
const MAX_DEAD_LETTERS = 1_000_000;

/**
 * Operations on consumer groups and dead letters, shared by the admin API and the ops CLI.
 * Every operation is logged (one JSON line with the correlation id) and counted
 * (`observatoire_admin_operations_total{operation}`).
 */
export class BusOperations {
  private readonly redriving = new Map<string, Promise<unknown>>();
  private readonly rebuilders = new Map<string, GroupRebuilder>();
  private readonly cursors: RedriveCursorStore;

  constructor(
    private readonly bus: EventBus,
    private readonly deps: {
      metrics: Metrics;
      /**
       * The former re-drive cursor file (`<dataDir>/ops/redrive-cursors.json`), read while the log has no
       * cursor yet for a dead-letter topic (migration); the cursors themselves live in the event log.
       */
      legacyCursorFile?: string | null;
      logger?: OpsLogger;
      /** Known groups and their topics (default: the services' groups). */
      groups?: Record<string, string[]>;
    },
  ) {
    this.cursors = new RedriveCursorStore(bus, deps.legacyCursorFile ?? null);
  }

  private get logger(): OpsLogger {
    return (this.deps.logger ??= pino({ base: { component: 'ops' }, timestamp: pino.stdTimeFunctions.isoTime }));
  }

  private groups(): Record<string, string[]> {
    const all: Record<string, string[]> = { ...(this.deps.groups ?? CONSUMER_GROUP_TOPICS) };
    for (const c of this.localConsumers()) all[c.group] = [...new Set([...(all[c.group] ?? []), ...c.topics])];
    return all;
  }

  private localConsumers() {
    return this.bus instanceof InstrumentedEventBus ? this.bus.localConsumers() : [];
  }

  private topicsOf(group: string): string[] {
    const topics = this.groups()[group];
    if (!topics) throw new DomainError('OPS_UNKNOWN_GROUP', `groupe de consommateurs inconnu : ${group} (connus : ${Object.keys(this.groups()).join(', ')})`, 404);
    return topics;
  }

  private async audited<T>(operation: string, ctx: OpsContext, fields: Record<string, unknown>, run: () => Promise<T>, summary: (r: T) => Record<string, unknown> = () => ({})): Promise<T> {
    const correlationId = ctx.correlationId ?? randomUUID();
    this.deps.metrics.adminOperation(operation);
    const t = Date.now();
    try {
      const r = await run();
      this.logger.info({ operation, via: ctx.via, ...(ctx.actor ? { actor: ctx.actor } : {}), correlationId, ...fields, ...summary(r), ms: Date.now() - t }, `ops ${operation}`);
      return r;
    } catch (e) {
      this.logger.warn({ operation, via: ctx.via, ...(ctx.actor ? { actor: ctx.actor } : {}), correlationId, ...fields, err: errorText(e), code: (e as DomainError).code, ms: Date.now() - t }, `ops ${operation} failed`);
      throw e;
    }
  }

  /** Every known group with, per topic, its lag and dead-letter count. */
  consumers(ctx: OpsContext): Promise<ConsumerStatus[]> {
    return this.audited('consumers', ctx, {}, async () => {
      const locals = this.localConsumers();
      const local = new Map(locals.map((c) => [c.group, c.state]));
      const paused = new Map(locals.map((c) => [c.group, c.paused]));
      const out: ConsumerStatus[] = [];
      for (const [group, topics] of Object.entries(this.groups())) {
        const lag = await this.bus.lag(group, topics);
        const rows = [];
        for (const topic of topics) {
          rows.push({ topic, lag: lag[topic] ?? 0, deadLetters: await deadLetterCount(this.bus, topic, group), redriveCursor: (await this.cursors.read(topic, group)).cursor.toString() });
        }
        out.push({ group, local: local.get(group) ?? null, paused: paused.get(group) ?? [], topics: rows });
      }
      return out;
    });
  }

  /** The lag and dead-letter gauges' source (no audit: called on every scrape). */
  async sample(): Promise<{ topic: string; group: string; lag: number; dlqSize: number }[]> {
    const out = [];
    for (const c of this.localConsumers()) {
      const lag = await this.bus.lag(c.group, c.topics);
      for (const topic of c.topics) out.push({ topic, group: c.group, lag: lag[topic] ?? 0, dlqSize: await deadLetterCount(this.bus, topic, c.group) });
    }
    return out;
  }

  inspectDeadLetters(topicName: string, groupName: string, limit: number, ctx: OpsContext): Promise<DeadLetterView[]> {
    const topic = resolveTopicName(topicName);
    const group = resolveGroupName(groupName);
    return this.audited('dlq.inspect', ctx, { topic, group, limit }, async () => {
      this.checkPair(topic, group);
      const { cursor } = await this.cursors.read(topic, group);
      const letters = await this.bus.deadLetters(topic, group, Math.max(1, Math.min(limit, 10_000)));
      return letters.map((l) => toView(l, cursor));
    }, (r) => ({ count: r.length }));
  }

  /**
   * Re-publish the dead letters of one group not re-driven yet to their original topic, then move
   * the cursor (kept in the log, shared by every process) past them. Every group of that topic
   * receives them again (consumers are idempotent); a crash between the publication and the cursor
   * write re-drives them once more (at least once). Re-drives of one DLQ are serialised in this
   * process; two processes re-driving it at the same moment may both send the same letters (at least
   * once again), and the conditional cursor write keeps the cursor from moving back.
   */
  redrive(topicName: string, groupName: string, context: OpsContext): Promise<RedriveReport> {
    const ctx = { ...context, correlationId: context.correlationId ?? randomUUID() };
    const topic = resolveTopicName(topicName);
    const group = resolveGroupName(groupName);
    const dlq = deadLetterTopic(topic, group);
    const run = async (): Promise<RedriveReport> => {
      this.checkPair(topic, group);
      const { cursor, stored } = await this.cursors.read(topic, group);
      const pending = (await this.bus.deadLetters(topic, group, MAX_DEAD_LETTERS)).filter((l) => BigInt(l.offset) >= cursor).sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
      const byTopic = new Map<string, DeadLetter[]>();
      for (const l of pending) byTopic.set(l.originalTopic || topic, [...(byTopic.get(l.originalTopic || topic) ?? []), l]);
      for (const [target, letters] of byTopic) {
        const messages = letters.map((l) => ({ key: l.key, value: l.value, headers: redriveHeaders(l) }));
        if (this.bus instanceof InstrumentedEventBus) await this.bus.publishRaw(target, messages);
        else await publishRaw(this.bus, target, messages);
      }
      let next = pending.length ? BigInt(pending[pending.length - 1].offset) + 1n : cursor;
      // Also when nothing was pending but the cursor came from the legacy file: it moves into the log.
      if (next > stored) {
        const advanced = await this.cursors.advance(topic, group, stored, next);
        if (advanced.concurrent) {
          this.logger.warn({ operation: 'dlq.redrive', via: ctx.via, ...(ctx.actor ? { actor: ctx.actor } : {}), correlationId: ctx.correlationId, topic, group, cursor: advanced.cursor.toString() }, 'another process re-drove the same dead letters at the same time: some may have been re-driven twice (consumers are idempotent)');
        }
        next = advanced.cursor;
      }
      return { topic, group, deadLetterTopic: dlq, redriven: pending.length, offsets: pending.map((l) => l.offset), cursor: next.toString() };
    };
    // One re-drive at a time per dead-letter topic in this process.
    const previous = this.redriving.get(dlq) ?? Promise.resolve();
    const next = previous.then(
      () => this.audited('dlq.redrive', ctx, { topic, group }, run, (r) => ({ redriven: r.redriven, cursor: r.cursor })),
      () => this.audited('dlq.redrive', ctx, { topic, group }, run, (r) => ({ redriven: r.redriven, cursor: r.cursor })),
    );
    this.redriving.set(dlq, next.catch(() => undefined));
    return next;
  }

  /** A service replaces "reset the group in place" by its own rebuild for `group` (registered at module init). */
  registerRebuilder(group: string, rebuild: GroupRebuilder): void {
    this.rebuilders.set(group, rebuild);
  }

  /**
   * Replay a group from the beginning of its topics. A group with a registered rebuilder is rebuilt by it. Consumed in this process: stopped, reset and
   * restarted here. Not consumed here: reset only if no process consumes it, else OPS_CONSUMER_RUNNING.
   */
  replay(groupName: string, ctx: OpsContext): Promise<ReplayReport> {
    const group = resolveGroupName(groupName);
    return this.audited('replay', ctx, { group }, async () => {
      const topics = this.topicsOf(group);
      const rebuilder = this.rebuilders.get(group);
      if (rebuilder) return { group, topics, mode: 'rebuild' as const, toReplay: {}, rebuild: await rebuilder(ctx) };
      await this.bus.ensureTopics(topics, [group]);
      let mode: ReplayReport['mode'] = 'reset';
      try {
        if (this.bus instanceof InstrumentedEventBus && (await this.bus.replayLocal(group, topics))) mode = 'restarted';
        else for (const t of topics) await this.bus.resetGroup(group, t);
      } catch (e) {
        if (!/running instances|stop the consumer group|no active members|rebalanc/i.test(errorText(e))) throw e;
        throw new DomainError(
          'OPS_CONSUMER_RUNNING',
          `le groupe ${group} a des consommateurs en cours d’exécution dans un autre processus : arrêtez-les (tous les processus du service), puis relancez le rejeu ici ou avec « observatoire replay --group ${group.replace(/^observatoire-/, '')} », et redémarrez le service`,
          409,
          { group, cause: errorText(e) },
        );
      }
      return { group, topics, mode, toReplay: await this.bus.lag(group, topics) };
    }, (r) => ({ mode: r.mode, toReplay: r.toReplay }));
  }

  private checkPair(topic: string, group: string) {
    const topics = this.topicsOf(group);
    if (!topics.includes(topic)) throw new DomainError('OPS_UNKNOWN_TOPIC', `le groupe ${group} ne consomme pas ${topic} (sujets : ${topics.join(', ')})`, 404);
  }
}

function toView(l: DeadLetter, cursor: bigint): DeadLetterView {
  let eventType: string | null = null;
  let eventId: string | null = null;
  try {
    const v = JSON.parse(l.value) as { type?: unknown; eventId?: unknown };
    eventType = typeof v.type === 'string' ? v.type : null;
    eventId = typeof v.eventId === 'string' ? v.eventId : null;
  } catch {
    /* not JSON: shown as is by its reason */
  }
  return { offset: l.offset, key: l.key, reason: l.reason, ...(l.errorCode ? { errorCode: l.errorCode } : {}), ...(l.errorStack ? { errorStack: l.errorStack } : {}), attempts: l.attempts, originalTopic: l.originalTopic, originalOffset: l.originalOffset, eventType, eventId, redriven: BigInt(l.offset) < cursor };
}

/** The envelope headers rebuilt from the value (dead letters keep no headers in the port), plus where it came from. */
function redriveHeaders(l: DeadLetter): Record<string, string> {
  const h: Record<string, string> = { 'x-dlq-redriven-from': `${l.topic}@${l.offset}` };
  try {
    const v = JSON.parse(l.value) as Record<string, unknown>;
    const put = (name: string, value: unknown) => {
      if (value !== undefined && value !== null) h[name] = String(value);
    };
    put(HEADERS.eventId, v.eventId);
    put(HEADERS.type, v.type);
    put(HEADERS.version, v.version);
    put(HEADERS.source, v.source);
    put(HEADERS.correlationId, v.correlationId);
    put(HEADERS.causationId, v.causationId);
  } catch {
    /* unparseable value: re-driven with the provenance header only */
  }
  return h;
}
