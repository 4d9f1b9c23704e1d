import { randomBytes } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { inject } from 'vitest';
import { TOPICS } from '@observatoire/contracts';
import { ApiExceptionFilter, EventBusTransport, KafkaEventBus, loadConfig, PlatformModule } from '@observatoire/platform';
import { IndexContractWhenContractPublishedHandler } from './application/index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { OpenSearchCompatibleTransport } from './infrastructure/elasticsearch/opensearch-compatible-transport';
import { SearchModule } from './search.module';
import { BUYERS, aContract, aProfile } from './testing/contract.builder';
import { buyerResolved, contractPublished, supplierResolved } from './testing/search-events';

/**
 * The search consumer → OpenSearch path on the real engines of tools/test/global-engines.ts:
 * events published on real Kafka (the fixed TOPICS), consumed by SearchModule's consumers through
 * EventBusTransport with a consumer group of this run, written to OpenSearch under an index prefix
 * of this run, read back through the HTTP API. Words, ids and SIRETs are unique to the run, so
 * events other tests left on the shared topics cannot interfere.
 */
const engines = inject('engines');
const run = randomBytes(4).toString('hex');
const word = `kerzh${[...randomBytes(6)].map((b) => String.fromCharCode(97 + (b % 26))).join('')}`;
const digits = (n: number) => [...randomBytes(n)].map((b) => String(b % 10)).join('');
const supplierId = `9${digits(13)}`;

describe('search consumers on Kafka and OpenSearch', () => {
  let app: INestApplication;
  let bus: KafkaEventBus;
  let transport: EventBusTransport;
  let os: Client;
  const indexPrefix = `test-search-consumer-${run}`;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    bus = new KafkaEventBus({ brokers: engines.kafka.brokers, clientId: `search-int-${run}` });
    @Module({
      imports: [
        PlatformModule.forRoot({ bus, config: loadConfig({}) }),
        SearchModule.register({
          search: { engine: 'elasticsearch', url: engines.opensearch.url, flavor: 'opensearch', indexPrefix },
          consumerGroup: `observatoire-search-int-${run}`,
          rateLimit: false,
        }),
      ],
    })
    class TestAppModule {}
    app = await NestFactory.create(TestAppModule as Type<unknown>, { logger: false });
    app.setGlobalPrefix('api');
    app.useGlobalFilters(new ApiExceptionFilter());
    transport = new EventBusTransport(bus);
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    os = new Client({ node: engines.opensearch.url, Transport: OpenSearchCompatibleTransport });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await bus?.close();
    if (os) {
      const found = await os.indices.get({ index: `${indexPrefix}-*`, allow_no_indices: true, ignore_unavailable: true });
      if (Object.keys(found).length) await os.indices.delete({ index: Object.keys(found) });
      await os.close();
    }
  });

  const publish = async (topic: string, events: Parameters<KafkaEventBus['publish']>[1]) => {
    await bus.publish(topic, events);
    await transport.drain(90_000);
    await os.indices.refresh({ index: `${indexPrefix}-contracts` });
  };
  const versionOf = async (uid: string) => (await os.get({ index: `${indexPrefix}-contracts`, id: uid }))._version;

  const buyer = BUYERS.brestMetropole;
  const first = aContract({ acheteurId: buyer.id, id: `INT-${run}-1`, objet: `Travaux ${word} du port`, titulaireIds: [supplierId], montant: 120_000 });

  it('indexes a published contract with the stored buyer profile and the CPV label, and serves it over HTTP', async () => {
    await publish(TOPICS.organisations, [buyerResolved(buyer, 1)]);
    await publish(TOPICS.contracts, [contractPublished(first, 1)]);
    const res = await http().get('/api/search').query({ q: word }).expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({
      uid: first.uid,
      link: `/contrats/${encodeURIComponent(first.uid)}`,
      doc: { cpvLabel: 'Travaux routiers', buyer: { nom: 'Brest Métropole', departement: '29' }, titulaires: [{ categorie: 'unknown' }] },
    });
    expect(await versionOf(first.uid)).toBe(1);
  });

  it('delivered twice, changed once: the redelivered event leaves the document and its external version alone', async () => {
    const handler = app.get(IndexContractWhenContractPublishedHandler);
    const stale = handler.totals.stale;
    await publish(TOPICS.contracts, [contractPublished(first, 1)]);
    expect(handler.totals.stale - stale).toBe(1);
    expect(await versionOf(first.uid)).toBe(1);
  });

  it('keeps the newest revision when an older one comes after it', async () => {
    await publish(TOPICS.contracts, [contractPublished({ ...first, objet: `Travaux ${word} du port, avenant` }, 3)]);
    await publish(TOPICS.contracts, [contractPublished(first, 2)]);
    expect(await versionOf(first.uid)).toBe(3);
    const res = await http().get('/api/search').query({ q: word }).expect(200);
    expect(res.body.items.map((i: { doc: { objet: string } }) => i.doc.objet)).toEqual([`Travaux ${word} du port, avenant`]);
  });

  it('re-denormalises the documents of a supplier whose profile arrives late, keeping their versions', async () => {
    const facet = async () => (await http().get('/api/search').query({ q: word, facettes: 'supplierCategorie' }).expect(200)).body.facets.supplierCategorie;
    expect(await facet()).toEqual([{ key: 'unknown', count: 1, amount: 120_000 }]);
    await publish(TOPICS.organisations, [supplierResolved(aProfile({ id: supplierId, nom: `ETS ${word.toUpperCase()}`, categorieEntreprise: 'PME', departementCode: '29', regionCode: '53' }), 1)]);
    expect(await facet()).toEqual([{ key: 'PME', count: 1, amount: 120_000 }]);
    expect(await versionOf(first.uid)).toBe(3);
    const suggestions = await http().get('/api/search/organisations').query({ q: supplierId.slice(0, 8) }).expect(200);
    expect(suggestions.body.items).toContainEqual({ id: supplierId, nom: `ETS ${word.toUpperCase()}`, role: 'supplier', contracts: 1, link: `/titulaires/${supplierId}` });
  });

  it('stores the profiles it received in <prefix>-organisations', async () => {
    const doc = await os.get<{ version: number; appliedVersion: number; profile: { nom: string } }>({ index: `${indexPrefix}-organisations`, id: supplierId });
    expect(doc._source).toMatchObject({ version: 1, appliedVersion: 1, profile: { nom: `ETS ${word.toUpperCase()}` } });
  });
});
