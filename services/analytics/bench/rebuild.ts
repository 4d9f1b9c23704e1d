/**
 * Rebuild of the analytics projections into fresh tables with switch-over: N ContractPublished (+ supplier
 * profiles) in the log, a live store already built from them, then `rebuildAnalyticsProjections`. Reports the
 * time per phase, events/s of the replay, the switch duration, and the latency of a live query made during the
 * replay (the live projections keep answering). Peak RSS at the end.
 *
 *   embedded (event log + SQLite):  node -r @swc-node/register services/analytics/bench/rebuild.ts [N=20000]
 *   distributed (Kafka + PostgreSQL): BENCH_KAFKA=localhost:9092 BENCH_PG=postgres://observatoire:observatoire@127.0.0.1:54329/postgres \
 *                                     node -r @swc-node/register services/analytics/bench/rebuild.ts [N]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { CONSUMER_GROUPS, TOPICS, type ObservatoireEvent } from '@observatoire/contracts';
import { createScratchDatabase, EmbeddedEventLog, KafkaEventBus, type EventBus } from '@observatoire/platform';
import { contractPublished, supplierResolved } from '../src/application/testing/analytics-test-kit';
import { projectionHandlerFor, rebuildAnalyticsProjections, type RebuildPhase } from '../src/application/rebuild-projections/rebuild-projections';
import { FactsLoader } from '../src/application/shared/facts-loader';
import { QueryCache } from '../src/application/shared/query-cache';
import { GetIndicatorsHandler } from '../src/application/get-indicators/get-indicators.handler';
import { contract, profile, ref } from '../src/domain/testing/builders';
import { createAnalyticsOrm, migrateAnalytics } from '../src/infrastructure/persistence/analytics-orm';
import { ProjectionReadStore } from '../src/infrastructure/persistence/projection-read.store';
import { projectionStoreSwitch } from '../src/infrastructure/persistence/projection-store-switch';
import { seededRandom } from './prng';

const N = Number(process.argv[2] ?? 20_000);
const SUPPLIERS = 5_000;

const rnd = seededRandom(7);
const siret = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}00014`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-rebuild-bench-'));
  const run = randomBytes(3).toString('hex');
  let bus: EventBus;
  let url: string;
  let drop = async () => undefined as void;
  if (process.env.BENCH_KAFKA && process.env.BENCH_PG) {
    bus = new KafkaEventBus({ brokers: process.env.BENCH_KAFKA.split(','), clientId: `rebuild-bench-${run}`, namespace: `rebuild-bench-${run}` });
    const db = await createScratchDatabase(process.env.BENCH_PG, 'analytics_rebuild_bench');
    url = db.url;
    drop = () => db.drop();
  } else {
    bus = new EmbeddedEventLog(join(dir, 'bus'));
    url = `sqlite:${join(dir, 'analytics.sqlite')}`;
  }
  const live = await createAnalyticsOrm(url);
  await migrateAnalytics(live);

  const topics = [TOPICS.contracts, TOPICS.organisations, TOPICS.quarantine, TOPICS.ingestRuns];
  await bus.ensureTopics(topics, [CONSUMER_GROUPS.analytics]);
  const profiles: ObservatoireEvent[] = Array.from({ length: SUPPLIERS }, (_, i) => supplierResolved(profile(siret('4', i), { categorieEntreprise: rnd() < 0.7 ? 'PME' : 'GE' }), 1));
  for (let i = 0; i < profiles.length; i += 1000) await bus.publish(TOPICS.organisations, profiles.slice(i, i + 1000));
  for (let i = 0; i < N; i += 1000) {
    const events = Array.from({ length: Math.min(1000, N - i) }, (_, k) => {
      const n = i + k;
      return contractPublished(contract({ uid: `R${n}`, id: `R${n}`, montant: Math.round(5_000 + rnd() * 500_000), titulaires: [ref(siret('4', Math.floor(rnd() * SUPPLIERS)))] }), 1);
    });
    await bus.publish(TOPICS.contracts, events);
  }
  const tLive = Date.now();
  const liveConsumer = await bus.subscribe({ group: CONSUMER_GROUPS.analytics, topics, handler: projectionHandlerFor(live), maxBatchSize: 500 });
  await liveConsumer.drain(3_600_000);
  const liveMs = Date.now() - tLive;

  const store = new ProjectionReadStore(live);
  const indicators = new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision(), 0), {});
  const phases: Partial<Record<RebuildPhase, number>> = {};
  let liveQueryMs: number | null = null;
  let liveQueryContracts: number | null = null;
  const t0 = Date.now();
  const report = await rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(url, live), {
    progressEveryMs: 1000,
    onProgress: async (p) => {
      phases[p.phase] ??= Date.now() - t0;
      if (p.phase === 'replaying' && liveQueryMs === null) {
        // The live projections answer while the rebuild replays.
        setTimeout(() => {
          const q = Date.now();
          indicators.execute({ coTraitance: 'partage' }).then((r) => {
            liveQueryMs = Date.now() - q;
            liveQueryContracts = r.contracts;
          }, () => undefined);
        }, 200);
      }
    },
  });
  await liveConsumer.stop();
  const events = N + SUPPLIERS;
  const out = {
    store: report.store,
    contracts: N,
    events,
    liveProjection: { ms: liveMs, eventsPerSecond: Math.round(events / (liveMs / 1000)) },
    rebuild: {
      ms: report.ms,
      replayEventsPerSecond: Math.round(events / (report.ms.replay / 1000)),
      rows: report.rows,
      revision: report.revision,
      phasesAtMs: phases,
    },
    liveQueryDuringReplay: { ms: liveQueryMs, contracts: liveQueryContracts },
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  await live.close();
  await bus.close();
  await drop();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
