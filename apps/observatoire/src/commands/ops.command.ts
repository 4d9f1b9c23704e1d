import { CONSUMER_GROUPS } from '@observatoire/contracts';
import { BusOperations, CONSUMER_GROUP_TOPICS, Metrics, redriveCursorFile, type EventBus, type ObservatoireConfig } from '@observatoire/platform';
import { createAnalyticsOrm, projectionStoreSwitch, rebuildAnalyticsProjections } from '@observatoire/analytics';
import { createOrganisationProfileStore, createSearchIndex, rebuildSearchIndex } from '@observatoire/search';
import pino from 'pino';
import { createEventBus } from '../compose/event-bus.factory';
import { lockDataDir } from '../compose/data-dir-lock';
import { searchConfigOf } from '../compose/services';

export const REPLAYABLE_GROUPS = ['catalog', 'search', 'analytics'] as const;
export type ReplayableGroup = (typeof REPLAYABLE_GROUPS)[number];

const CLI = { via: 'cli' } as const;

/**
 * The ops commands work on both profiles. Embedded: the data directory is locked (the observatory
 * must be stopped: its event log has a single writer; while it runs, use the admin API instead).
 * Distributed: Kafka's admin refuses to move a group that still has running consumers.
 */
async function withOps<T>(config: ObservatoireConfig, purpose: string, run: (ops: BusOperations, bus: EventBus) => Promise<T>): Promise<T> {
  let unlock: () => void = () => undefined;
  if (config.profile === 'embedded') {
    try {
      unlock = lockDataDir(config.dataDir, purpose);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nObservatoire en cours d’exécution : utilisez l’API d’administration (/api/admin/consumers, /api/admin/dlq/…, /api/admin/replay/…).`);
    }
  }
  const bus = createEventBus(config, 'observatoire-ops-cli');
  try {
    // The audit lines go to stderr: stdout carries the command's result (`--json`).
    const logger = pino({ level: config.logLevel, base: { component: 'ops' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination(2));
    const ops = new BusOperations(bus, { metrics: new Metrics(), legacyCursorFile: redriveCursorFile(config.dataDir), logger });
    return await run(ops, bus);
  } finally {
    await bus.close();
    unlock();
  }
}

export function parseReplayableGroup(value: string): ReplayableGroup {
  if (!(REPLAYABLE_GROUPS as readonly string[]).includes(value)) throw new Error(`groupe inconnu "${value}" (attendu : ${REPLAYABLE_GROUPS.join(', ')})`);
  return value as ReplayableGroup;
}

/**
 * `observatoire replay --group <catalog|search|analytics>`, observatory (or the service) stopped:
 * moves the group to the beginning of its topics; for search, also drops and recreates the index
 * (and the organisation profiles with `dropProfiles`). The next start rebuilds the projection.
 */
export async function replayCommand(config: ObservatoireConfig, o: { group: ReplayableGroup; dropProfiles?: boolean }) {
  const group = CONSUMER_GROUPS[o.group];
  return withOps(config, `observatoire replay --group ${o.group}`, async (ops, bus) => {
    if (o.group === 'analytics') return rebuildAnalytics(config, bus);
    if (o.group !== 'search') return ops.replay(group, CLI);
    const searchConfig = searchConfigOf(config);
    const index = createSearchIndex(searchConfig);
    const profiles = o.dropProfiles ? createOrganisationProfileStore(searchConfig) : undefined;
    try {
      const report = await rebuildSearchIndex(bus, index, { group, dropProfiles: profiles });
      return { ...report, mode: 'reset' as const, indexRecreated: true, profilesDropped: Boolean(profiles) };
    } finally {
      await index.close();
      await profiles?.close();
    }
  });
}

/**
 * `observatoire replay --group analytics`: rebuild into fresh tables, then switch over. Runs beside the live
 * analytics service in the distributed profile (it keeps answering and consuming); embedded: observatory stopped.
 */
async function rebuildAnalytics(config: ObservatoireConfig, bus: EventBus) {
  const live = await createAnalyticsOrm(config.databases.analytics);
  try {
    let last = '';
    const report = await rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(config.databases.analytics, live), {
      onProgress: (p) => {
        const line = p.remaining ? `${p.phase} : ${Object.values(p.remaining).reduce((a, b) => a + b, 0)} événements restants` : p.phase;
        if (line !== last) process.stderr.write(`[analytics] ${line}\n`);
        last = line;
      },
    });
    return { ...report, mode: 'rebuild' as const };
  } finally {
    await live.close();
  }
}

/** `observatoire dlq list --topic <t> --group <g> [--limit n]`. */
export function dlqListCommand(config: ObservatoireConfig, o: { topic: string; group: string; limit?: number }) {
  return withOps(config, 'observatoire dlq list', (ops) => ops.inspectDeadLetters(o.topic, o.group, o.limit ?? 100, CLI));
}

/** `observatoire dlq redrive --topic <t> --group <g>`: re-publishes what was not re-driven yet. */
export function dlqRedriveCommand(config: ObservatoireConfig, o: { topic: string; group: string }) {
  return withOps(config, 'observatoire dlq redrive', (ops) => ops.redrive(o.topic, o.group, CLI));
}

/** `observatoire status`: lag and dead letters per group and topic. */
export function statusCommand(config: ObservatoireConfig) {
  return withOps(config, 'observatoire status', async (ops, bus) => {
    await bus.ensureTopics([...new Set(Object.values(CONSUMER_GROUP_TOPICS).flat())], Object.keys(CONSUMER_GROUP_TOPICS));
    return { profile: config.profile, bus: bus.kind, groups: await ops.consumers(CLI) };
  });
}

/** JSON with `--json`, else a short human summary. */
export function printOpsResult(result: unknown, json: boolean): void {
  if (json || typeof result !== 'object' || result === null) {
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return;
  }
  const r = result as Record<string, unknown>;
  const lines: string[] = [];
  if (Array.isArray(r.groups)) {
    for (const g of r.groups as { group: string; topics: { topic: string; lag: number; deadLetters: number }[] }[]) {
      lines.push(g.group);
      for (const t of g.topics) lines.push(`  ${t.topic}  retard : ${t.lag}  lettres mortes : ${t.deadLetters}`);
    }
  } else if (Array.isArray(result)) {
    for (const d of result as { offset: string; key: string | null; eventType: string | null; attempts: number; reason: string; redriven: boolean }[]) {
      lines.push(`#${d.offset} ${d.eventType ?? '?'} ${d.key ?? ''} (${d.attempts} tentatives${d.redriven ? ', déjà réinjecté' : ''}) : ${d.reason}`);
    }
    if (lines.length === 0) lines.push('aucune lettre morte');
  } else if ('redriven' in r) {
    lines.push(`${String(r.redriven)} lettre(s) morte(s) réinjectée(s) dans ${String(r.topic)} (curseur : ${String(r.cursor)})`);
  } else if (r.mode === 'rebuild' && r.rows) {
    const rows = r.rows as Record<string, number>;
    const ms = r.ms as Record<string, number>;
    lines.push(`projections d’analyse reconstruites et basculées : ${rows.contracts} contrats, ${rows.organisations} organisations (révision ${JSON.stringify(r.revision)}) en ${(ms.total / 1000).toFixed(1)} s`);
  } else if ('toReplay' in r) {
    lines.push(`groupe ${String(r.group)} repositionné au début : ${JSON.stringify(r.toReplay)} événements à rejouer au prochain démarrage`);
  } else lines.push(JSON.stringify(result, null, 2));
  process.stdout.write(lines.join('\n') + '\n');
}
