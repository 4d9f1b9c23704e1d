/**
 * The rebuild-with-switch-over behaviours, run on both stores by rebuild-projections.spec.ts (embedded log +
 * SQLite files) and rebuild-projections.int.spec.ts (real Kafka + PostgreSQL). Not a test file itself.
 */
import type { MikroORM } from '@mikro-orm/core';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import type { EventBus, Subscription } from '@observatoire/platform';
import { contract, profile } from '../../domain/testing/builders';
import { createAnalyticsOrm, migrateAnalytics } from '../../infrastructure/persistence/analytics-orm';
import { ContractProjectionRepository } from '../../infrastructure/persistence/contract-projection.repository';
import { projectionStoreSwitch } from '../../infrastructure/persistence/projection-store-switch';
import { sqlOf } from '../../infrastructure/persistence/sql';
import { GetIndicatorsHandler } from '../get-indicators/get-indicators.handler';
import { FactsLoader } from '../shared/facts-loader';
import { QueryCache } from '../shared/query-cache';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { buyerRegistered, contractPublished, supplierResolved } from '../testing/analytics-test-kit';
import { ANALYTICS_SOURCE_TOPICS, projectionHandlerFor, rebuildAnalyticsProjections, type RebuildPhase } from './rebuild-projections';

export interface RebuildWorld {
  bus: EventBus;
  /** The live projection store's URL (postgres://… or sqlite:<file>). */
  url: string;
  /** Names of schemas in the live database (PostgreSQL), to check nothing is left behind. */
  schemas?: (orm: MikroORM) => Promise<string[]>;
}

const SUPPLIER = '44306184100047';

export function rebuildScenario(world: () => RebuildWorld) {
  let live: MikroORM;
  let liveConsumer: Subscription;

  const revision = async () => new ProjectionReadStore(live).revision();
  const smeShare = async () => {
    const store = new ProjectionReadStore(live);
    const r = await new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {}).execute({ coTraitance: 'partage' });
    return r.indicators.find((i) => i.key === 'sme-share')!.byCount;
  };
  const montants = async () => {
    const rows = (await sqlOf(live.em.fork())('analytics_contract').select('uid', 'montant', 'aggregate_version').orderBy('uid')) as { uid: string; montant: number; aggregate_version: number }[];
    return rows.map((r) => `${r.uid}:${Number(r.montant)}:v${r.aggregate_version}`);
  };

  beforeAll(async () => {
    const w = world();
    live = await createAnalyticsOrm(w.url);
    await migrateAnalytics(live);
    await w.bus.ensureTopics([...ANALYTICS_SOURCE_TOPICS], [CONSUMER_GROUPS.analytics]);
    liveConsumer = await w.bus.subscribe({
      group: CONSUMER_GROUPS.analytics,
      topics: [...ANALYTICS_SOURCE_TOPICS],
      handler: projectionHandlerFor(live),
    });
  }, 120_000);

  afterAll(async () => {
    await liveConsumer?.stop();
    await live?.close();
  });

  it('rebuilds from offset zero into fresh tables and switches over while the live consumer keeps running: nothing lost, nothing doubled', async () => {
    const { bus } = world();
    // History: 30 contracts, version 2 of RB-000, the supplier's profile.
    const history = Array.from({ length: 30 }, (_, i) => contractPublished(contract({ uid: `RB-${String(i).padStart(3, '0')}`, montant: 1000 + i }), 1));
    await bus.publish(TOPICS.contracts, history);
    await bus.publish(TOPICS.contracts, [contractPublished(contract({ uid: 'RB-000', montant: 5000 }), 2)]);
    await bus.publish(TOPICS.organisations, [supplierResolved(profile(SUPPLIER, { categorieEntreprise: 'PME' }), 1)]);
    await bus.publish(TOPICS.buyerRegistry, [buyerRegistered('24350013900189', 1), buyerRegistered('24350013900189', 2, { active: false })]);
    await liveConsumer.drain(60_000);
    const expectedBefore = await montants();
    expect(expectedBefore).toHaveLength(30);
    expect(expectedBefore[0]).toBe('RB-000:5000:v2');

    // A projection bug damaged the live tables: a wrong amount, a lost contract. Only a rebuild repairs them.
    await sqlOf(live.em.fork())('analytics_contract').where('uid', 'RB-001').update({ montant: -1 });
    await sqlOf(live.em.fork())('analytics_contract').where('uid', 'RB-002').delete();
    const revisionBefore = await revision();

    const seen: RebuildPhase[] = [];
    let readDuringReplay: string[] = [];
    const report = await rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(world().url, live), {
      progressEveryMs: 50,
      onProgress: async (p) => {
        if (seen[seen.length - 1] !== p.phase) seen.push(p.phase);
        if (p.phase === 'replaying' && readDuringReplay.length === 0) {
          // The live projections keep answering during the rebuild (still the damaged generation).
          readDuringReplay = await montants();
          // Published while the rebuild replays: the rebuild group sees them before it drains.
          await bus.publish(TOPICS.contracts, [contractPublished(contract({ uid: 'RB-100', montant: 100 }), 1)]);
        }
        if (p.phase === 'switching') {
          // Published after the rebuild stopped and applied by the live consumer to the OLD tables before the
          // switch: the catch-up must bring them into the new generation.
          await bus.publish(TOPICS.contracts, [contractPublished(contract({ uid: 'RB-200', montant: 200 }), 1), contractPublished(contract({ uid: 'RB-003', montant: 3333 }), 2)]);
          await liveConsumer.drain(60_000);
        }
      },
    });

    expect(seen).toEqual(['preparing', 'replaying', 'switching', 'catching-up', 'cleaning-up', 'done']);
    expect(readDuringReplay).toContain('RB-001:-1:v1');
    expect(readDuringReplay).not.toContain('RB-002:1002:v1');

    // After the switch, a redelivery to the live consumer changes nothing.
    await bus.publish(TOPICS.contracts, [contractPublished(contract({ uid: 'RB-300', montant: 300 }), 1)]);
    await liveConsumer.drain(60_000);

    const after = await montants();
    const expected = [
      ...Array.from({ length: 30 }, (_, i) => `RB-${String(i).padStart(3, '0')}:${i === 0 ? 5000 : i === 3 ? 3333 : 1000 + i}:v${i === 0 || i === 3 ? 2 : 1}`),
      'RB-100:100:v1',
      'RB-200:200:v1',
      'RB-300:300:v1',
    ].sort();
    expect(after).toEqual(expected);
    expect(report.rows.contracts).toBeGreaterThanOrEqual(32);
    expect(report.rows.organisations).toBe(1);
    // The buyer registry was rebuilt too: one buyer, at its latest registry version.
    expect(report.rows.expectedBuyers).toBe(1);
    expect(await sqlOf(live.em.fork())('analytics_expected_buyer').select('siret', 'active', 'aggregate_version')).toEqual([{ siret: '24350013900189', active: 0, aggregate_version: 2 }]);
    expect(report.revision.before).toBeGreaterThanOrEqual(revisionBefore);
    expect(report.revision.after).toBeGreaterThan(report.revision.before);
    expect(await revision()).toBeGreaterThanOrEqual(report.revision.after);
    expect(report.replayed[TOPICS.contracts]).toBeGreaterThanOrEqual(31);

    // Profiles were rebuilt too: the SME share is computed over every contract with the PME supplier.
    expect(await smeShare()).toMatchObject({ numerator: 33, denominator: 33, unknown: 0 });

    // A contract version is never doubled: one row per uid, the latest version.
    const versions = await new ContractProjectionRepository(live.em.fork()).versions(['RB-000', 'RB-003']);
    expect(Object.fromEntries(versions)).toEqual({ 'RB-000': 2, 'RB-003': 2 });

    const schemas = world().schemas;
    if (schemas) expect((await schemas(live)).filter((s) => /analytics_(rebuild|retired)/.test(s))).toEqual([]);
  }, 240_000);

  it('refuses a second rebuild while one is running', async () => {
    const { bus } = world();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(world().url, live), {
      onProgress: async (p) => {
        if (p.phase === 'preparing') await held;
      },
    });
    await new Promise((r) => setTimeout(r, 200));
    await expect(rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(world().url, live))).rejects.toMatchObject({ code: 'REBUILD_RUNNING' });
    release();
    await first;
  }, 240_000);

  it('a failed rebuild leaves the live projections untouched', async () => {
    const { bus } = world();
    const before = await montants();
    const revisionBefore = await revision();
    await expect(
      rebuildAnalyticsProjections(bus, live, projectionStoreSwitch(world().url, live), {
        onProgress: (p) => {
          if (p.phase === 'switching') throw new Error('operator pulled the plug');
        },
      }),
    ).rejects.toThrow('operator pulled the plug');
    expect(await montants()).toEqual(before);
    expect(await revision()).toBe(revisionBefore);
    const schemas = world().schemas;
    if (schemas) expect((await schemas(live)).filter((s) => /analytics_(rebuild|retired)/.test(s))).toEqual([]);
  }, 240_000);
}
