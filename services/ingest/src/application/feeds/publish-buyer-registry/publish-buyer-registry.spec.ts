import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS, type BuyerRegisteredV1 } from '@observatoire/contracts';
import { EmbeddedEventLog, PlatformModule, loadConfig } from '@observatoire/platform';
import { IngestModule } from '../../../ingest.module';
import { createIngestOrm, migrateIngest } from '../../../infrastructure/persistence/ingest-orm';
import { OnboardBuyersFromCsvHandler } from '../onboard-buyers-from-csv/onboard-buyers-from-csv.handler';
import { RegisterFeedHandler } from '../register-feed/register-feed.handler';
import { PublishBuyerRegistryHandler } from './publish-buyer-registry.handler';

const RENNES = '24350013900189';
const SAINT_MALO = '21350238800016';
const BREST = '24290031400017';

/** Every BuyerRegistered on the bus so far, in publication order. */
async function registryEvents(bus: EmbeddedEventLog): Promise<BuyerRegisteredV1[]> {
  const out: BuyerRegisteredV1[] = [];
  const sub = await bus.subscribe({ group: `reader-${Math.random()}`, topics: [TOPICS.buyerRegistry], handler: async (b) => void out.push(...b.map((d) => d.event as BuyerRegisteredV1)) });
  await sub.drain(10_000);
  await sub.stop();
  return out;
}

describe('publishing the buyer registry (BuyerRegistered)', () => {
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let registry: PublishBuyerRegistryHandler;
  let register: RegisterFeedHandler;

  beforeEach(async () => {
    orm = await createIngestOrm('sqlite::memory:');
    await migrateIngest(orm);
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'registry-bus-')));
    registry = new PublishBuyerRegistryHandler(orm, bus);
    register = new RegisterFeedHandler(orm, () => new Date('2026-11-28T10:00:00Z'), registry);
  });

  afterEach(async () => {
    await bus.close();
    await orm.close();
  });

  const feed = (extra: Record<string, unknown> = {}) => ({ siret: RENNES, nom: 'Rennes Métropole', url: 'https://data.example/rennes/decp.json', ...extra });

  it('publishes the buyer when one of its feeds is registered', async () => {
    await register.execute(feed());
    const [event, ...others] = await registryEvents(bus);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      type: 'BuyerRegistered',
      version: 1,
      source: 'observatoire/ingest',
      aggregateId: RENNES,
      aggregateVersion: 1,
      data: { siret: RENNES, siren: '243500139', nom: 'Rennes Métropole', registeredAt: '2026-11-28T10:00:00.000Z', active: true },
    });
  });

  it('publishes the same event id when the same registration comes again, a new version when the buyer changes', async () => {
    await register.execute(feed());
    await register.execute(feed({ intervalMinutes: 60 })); // the feed changes, not what the registry says of the buyer
    await register.execute(feed({ nom: 'Rennes Métropole (DECP)' }));
    const events = await registryEvents(bus);
    expect(events.map((e) => e.aggregateVersion)).toEqual([1, 1, 2]);
    expect(events[1].eventId).toBe(events[0].eventId);
    expect(events[2].eventId).not.toBe(events[0].eventId);
    expect(events[2].data.nom).toBe('Rennes Métropole (DECP)');
  });

  it('makes a buyer inactive when every feed of it is disabled, and active again (a new fact) when one is enabled', async () => {
    await register.execute(feed());
    await register.execute(feed({ url: 'https://data.example/rennes/decp-2.json', enabled: false }));
    await register.execute(feed({ enabled: false }));
    await register.execute(feed({ enabled: true }));
    const events = await registryEvents(bus);
    expect(events.map((e) => [e.aggregateVersion, e.data.active])).toEqual([
      [1, true],
      [1, true], // a second, disabled feed: still one enabled
      [2, false],
      [3, true],
    ]);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(3);
  });

  it('publishes every buyer of the valid lines of a CSV onboarding, once each', async () => {
    const onboard = new OnboardBuyersFromCsvHandler(orm, undefined, registry);
    const csv = [
      'siret;nom;url;intervalle_minutes',
      `${RENNES};Rennes Métropole;https://data.example/rennes/a.json;60`,
      `${RENNES};Rennes Métropole;https://data.example/rennes/b.json;60`,
      `${SAINT_MALO};Commune de Saint-Malo;https://data.example/saint-malo/decp.xml;`,
      '123;Invalide;https://data.example/x.json;',
    ].join('\n');
    expect(await onboard.execute(csv)).toMatchObject({ created: 3, invalid: 1 });
    const events = await registryEvents(bus);
    expect(events.map((e) => e.data.siret).sort()).toEqual([SAINT_MALO, RENNES].sort());
    // The same file again: the same event ids.
    await onboard.execute(csv);
    const again = (await registryEvents(bus)).slice(2);
    expect(again.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it('re-publishes the whole registry with the same ids, stamping the buyers registered before the event existed', async () => {
    // A registry filled without publication (as before BuyerRegistered): no stamp yet.
    const silent = new RegisterFeedHandler(orm);
    await silent.execute(feed());
    await silent.execute({ siret: BREST, nom: 'Brest Métropole', url: 'https://data.example/brest.json' });
    expect(await registryEvents(bus)).toEqual([]);

    expect(await registry.execute()).toEqual({ buyers: 2, changed: 2, published: 2 });
    const first = await registryEvents(bus);
    expect(first.map((e) => [e.aggregateId, e.aggregateVersion])).toEqual([
      [BREST, 1],
      [RENNES, 1],
    ]);
    expect(await registry.execute()).toEqual({ buyers: 2, changed: 0, published: 2 });
    const second = (await registryEvents(bus)).slice(2);
    expect(second.map((e) => e.eventId)).toEqual(first.map((e) => e.eventId));
  });

  it('publishes nothing for an empty registry', async () => {
    expect(await registry.execute()).toEqual({ buyers: 0, changed: 0, published: 0 });
    expect(await registryEvents(bus)).toEqual([]);
  });
});

describe('IngestModule start', () => {
  it('re-publishes an existing registry when the ingest service starts, and never fails the start on an unmigrated store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-start-'));
    const url = `sqlite:${join(dir, 'ingest.db')}`;
    const bus = new EmbeddedEventLog(join(dir, 'events'));
    const start = async (): Promise<INestApplication> => {
      @Module({ imports: [PlatformModule.forRoot({ bus, config: loadConfig({}) }), IngestModule.register({ databaseUrl: url })] })
      class Root {}
      const app = await NestFactory.create(Root, { logger: false, abortOnError: false });
      await app.init();
      return app;
    };
    try {
      // Not migrated yet: the start goes on, nothing is published.
      await (await start()).close();
      expect(await registryEvents(bus)).toEqual([]);

      const orm = await createIngestOrm(url);
      await migrateIngest(orm);
      await new RegisterFeedHandler(orm).execute({ siret: RENNES, nom: 'Rennes Métropole', url: 'https://data.example/rennes.json' });
      await orm.close();

      await (await start()).close();
      await (await start()).close();
      const events = await registryEvents(bus);
      expect(events.map((e) => [e.aggregateId, e.aggregateVersion, e.data.active])).toEqual([
        [RENNES, 1, true],
        [RENNES, 1, true],
      ]);
      expect(events[1].eventId).toBe(events[0].eventId);
    } finally {
      await bus.close();
    }
  });
});
