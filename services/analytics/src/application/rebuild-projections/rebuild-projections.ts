import type { MikroORM } from '@mikro-orm/core';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { type DeliveredEvent, DomainError, type EventBus, type Subscription } from '@observatoire/platform';
import type { ProjectionStoreSwitch } from '../../infrastructure/persistence/projection-store-switch';
import { sqlOf } from '../../infrastructure/persistence/sql';
import { ProjectBuyerRegistryHandler } from '../project-buyer-registry/project-buyer-registry.handler';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { ProjectIngestRunsHandler } from '../project-ingest-runs/project-ingest-runs.handler';
import { ProjectOrganisationsHandler } from '../project-organisations/project-organisations.handler';
import { ProjectQuarantineHandler } from '../project-quarantine/project-quarantine.handler';

/** The topics the analytics projections are built from (the same as the live group's). */
export const ANALYTICS_SOURCE_TOPICS = [TOPICS.contracts, TOPICS.organisations, TOPICS.quarantine, TOPICS.ingestRuns, TOPICS.buyerRegistry] as const;

/**
 * The rebuild's own consumer group. One name, reset at the start of every rebuild: the rebuild lock guarantees a
 * single rebuild at a time, and no group is left behind per rebuild.
 */
export const REBUILD_GROUP = `${CONSUMER_GROUPS.analytics}-rebuild`;

export type RebuildPhase = 'preparing' | 'replaying' | 'switching' | 'catching-up' | 'cleaning-up' | 'done' | 'failed';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Events still to consume by the rebuild group, per topic (during `replaying` and `catching-up`). */
  remaining?: Record<string, number>;
}

export interface RebuildReport {
  group: string;
  topics: string[];
  /** Events in the log when the replay started, per topic (what the fresh store was built from). */
  replayed: Record<string, number>;
  /** Rows of the fresh generation right after the switch. */
  rows: { contracts: number; organisations: number; quarantined: number; ingestRuns: number; expectedBuyers: number };
  revision: { before: number; after: number };
  store: 'postgresql' | 'sqlite';
  /** Timings in ms. */
  ms: { replay: number; switch: number; catchUp: number; total: number };
}

export interface RebuildOptions {
  /** Awaited at each phase change (not on the periodic `remaining` samples). */
  onProgress?: (p: RebuildProgress) => void | Promise<void>;
  /** How often progress is sampled while replaying (ms, default 2000). */
  progressEveryMs?: number;
  /** Longest wait for one drain of the rebuild group (ms, default 6 h: a national log takes minutes). */
  drainTimeoutMs?: number;
  maxBatchSize?: number;
}

/**
 * Rebuild every analytics projection from offset zero into FRESH tables, then switch over — the live projections
 * keep answering (and the live consumer keeps running) the whole time:
 *
 * 1. lock (one rebuild at a time), reset the rebuild group to the beginning of the topics, create an empty store;
 * 2. replay: the rebuild group runs the same projection handlers into the fresh store until it has consumed every
 *    event published before it caught up (drain), then stops;
 * 3. switch: one transaction makes the fresh tables the live ones (their revision strictly above both, so every
 *    query cache misses);
 * 4. catch-up: the rebuild group resumes where it stopped, now writing into the (new) live tables, until drained.
 *    Events the live consumer applied to the OLD tables after step 2 are applied again here; events it applies
 *    to the new tables after the switch are skipped by either consumer when seen twice (processed event ids and
 *    aggregate versions are part of the projection). Nothing is lost, nothing is doubled;
 * 5. the retired generation and the fresh store's leftovers are dropped.
 */
export async function rebuildAnalyticsProjections(bus: EventBus, live: MikroORM, store: ProjectionStoreSwitch, options: RebuildOptions = {}): Promise<RebuildReport> {
  const t0 = Date.now();
  const topics = [...ANALYTICS_SOURCE_TOPICS];
  const progress = options.onProgress ?? (() => undefined);
  const pending = await live.getMigrator().getPendingMigrations();
  if (pending.length > 0) throw new DomainError('NOT_MIGRATED', `projections d’analyse non migrées (${pending.map((m) => m.name).join(', ')}) : exécutez « observatoire migrate » d’abord`, 409);
  await store.lock();
  let fresh: MikroORM | null = null;
  let switched = false;
  try {
    await progress({ phase: 'preparing' });
    await bus.ensureTopics(topics, [REBUILD_GROUP]);
    for (const topic of topics) await bus.resetGroup(REBUILD_GROUP, topic);
    const replayed = await bus.lag(REBUILD_GROUP, topics);
    fresh = await store.createFresh();

    const tReplay = Date.now();
    await progress({ phase: 'replaying', remaining: replayed });
    await consumeUntilDrained(bus, fresh, topics, options, (remaining) => sample(progress, { phase: 'replaying', remaining }));
    await fresh.close();
    fresh = null;

    const tSwitch = Date.now();
    await progress({ phase: 'switching' });
    const { revision, previousRevision } = await store.switchOver();
    switched = true;

    const tCatchUp = Date.now();
    await progress({ phase: 'catching-up' });
    await consumeUntilDrained(bus, live, topics, options, (remaining) => sample(progress, { phase: 'catching-up', remaining }));
    const tEnd = Date.now();

    await progress({ phase: 'cleaning-up' });
    await store.cleanUp();
    const report: RebuildReport = {
      group: REBUILD_GROUP,
      topics,
      replayed,
      rows: await countRows(live),
      revision: { before: previousRevision, after: revision },
      store: store.kind,
      ms: { replay: tSwitch - tReplay, switch: tCatchUp - tSwitch, catchUp: tEnd - tCatchUp, total: Date.now() - t0 },
    };
    await progress({ phase: 'done' });
    return report;
  } catch (e) {
    await Promise.resolve(progress({ phase: 'failed' })).catch(() => undefined);
    await fresh?.close().catch(() => undefined);
    // Before the switch the live projections are untouched: the fresh store is simply dropped. After it, the
    // new generation is live and complete up to the switch; the live consumer carries on from there.
    if (!switched) await store.cleanUp().catch(() => undefined);
    throw e;
  } finally {
    await store.unlock();
  }
}

/** A periodic progress sample: never awaited, never fatal. */
function sample(progress: (p: RebuildProgress) => void | Promise<void>, p: RebuildProgress): void {
  Promise.resolve()
    .then(() => progress(p))
    .catch(() => undefined);
}

/** The projection handlers of one store as ONE batch handler, routed by topic (a delivered batch may mix topics). */
export function projectionHandlerFor(orm: MikroORM) {
  const byTopic = new Map<string, { handle(batch: readonly DeliveredEvent[]): Promise<unknown> }>([
    [TOPICS.contracts, new ProjectContractsHandler(orm)],
    [TOPICS.organisations, new ProjectOrganisationsHandler(orm)],
    [TOPICS.quarantine, new ProjectQuarantineHandler(orm)],
    [TOPICS.ingestRuns, new ProjectIngestRunsHandler(orm)],
    [TOPICS.buyerRegistry, new ProjectBuyerRegistryHandler(orm)],
  ]);
  return async (batch: DeliveredEvent[]) => {
    const groups = new Map<string, DeliveredEvent[]>();
    for (const d of batch) groups.set(d.topic, [...(groups.get(d.topic) ?? []), d]);
    for (const [topic, events] of groups) {
      const handler = byTopic.get(topic);
      if (handler) await handler.handle(events);
    }
  };
}

async function consumeUntilDrained(bus: EventBus, orm: MikroORM, topics: string[], options: RebuildOptions, onRemaining: (r: Record<string, number>) => void): Promise<void> {
  const subscription: Subscription = await bus.subscribe({ group: REBUILD_GROUP, topics, handler: projectionHandlerFor(orm), maxBatchSize: options.maxBatchSize ?? 500 });
  // a lag request still in flight when the phase ends must not report the ended phase after the next one began
  let running = true;
  const timer = setInterval(() => {
    bus.lag(REBUILD_GROUP, topics).then((r) => (running ? onRemaining(r) : undefined), () => undefined);
  }, options.progressEveryMs ?? 2000);
  timer.unref();
  try {
    await subscription.drain(options.drainTimeoutMs ?? 6 * 3600_000);
  } finally {
    running = false;
    clearInterval(timer);
    await subscription.stop();
  }
}

async function countRows(orm: MikroORM): Promise<RebuildReport['rows']> {
  const knex = sqlOf(orm.em.fork());
  const count = async (table: string) => Number(((await knex(table).count({ n: '*' }).first()) as { n: number | string } | undefined)?.n ?? 0);
  return {
    contracts: await count('analytics_contract'),
    organisations: await count('analytics_organisation'),
    quarantined: await count('analytics_quarantine'),
    ingestRuns: await count('analytics_ingest_run'),
    expectedBuyers: await count('analytics_expected_buyer'),
  };
}
