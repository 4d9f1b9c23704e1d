import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { TOPICS, type ObservatoireEvent } from '@observatoire/contracts';
import { EmbeddedEventLog, PlatformModule, loadConfig } from '@observatoire/platform';
import { aContract, contractPublished, org } from '../../../test/support/contract-events';
import { SIRENE_FIXTURES } from '../../../test/support/use-case-scenarios';
import { CatalogModule } from '../../catalog.module';
import { CATALOG_ORM } from '../../infrastructure/orm/catalog-orm.provider';
import { OrganisationEntity } from '../../infrastructure/orm/entities';
import { openCatalogOrm } from '../../infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../../infrastructure/orm/migrate-catalog';
import { applyContractPublishedBatch } from '../apply-contract-published-batch/apply-contract-published-batch';
import { importSireneStock } from '../import-sirene-stock/import-sirene-stock';
import { ResolveOrganisationsHandler } from '../resolve-organisations/resolve-organisations.handler';
import { resolveOrganisations } from '../resolve-organisations/resolve-organisations';
import { createOrganisationResolver } from './organisation-resolver.factory';
import { reResolveOrganisations } from './re-resolve-organisations';

const BUYER = '24350013900189';
/** In the SIRENE stock extract (BATI OUEST TRAVAUX (FICTIF), Ouessant establishment). */
const SUPPLIER = '44306184100054';
/** Nowhere: stays unknown (OFFLINE) while the API is not configured. */
const NOWHERE = '90000001900025';

const importStock = (orm: MikroORM) =>
  importSireneStock({
    orm,
    unitesLegales: path.join(SIRENE_FIXTURES, 'StockUniteLegale_extract.csv'),
    etablissements: path.join(SIRENE_FIXTURES, 'StockEtablissement_extract.csv'),
  });

/** Records what is published, per topic. */
function recordingBus() {
  const published: { topic: string; events: ObservatoireEvent[] }[] = [];
  return {
    published,
    events: (topic: string) => published.filter((p) => p.topic === topic).flatMap((p) => p.events),
    publish: async (topic: string, events: ObservatoireEvent[]) => {
      published.push({ topic, events });
      return { published: events.length };
    },
  };
}

describe('re-resolving unknown organisations (SQLite :memory:)', () => {
  let orm: MikroORM;
  const em = () => orm.em.fork() as SqlEntityManager;
  const resolver = createOrganisationResolver();

  beforeEach(async () => {
    orm = await openCatalogOrm({ url: 'sqlite::memory:' });
    await migrateCatalog(orm, { loadTerritory: false });
    const applied = await applyContractPublishedBatch(em(), [contractPublished(aContract({ acheteur: org(BUYER), titulaires: [org(SUPPLIER), org(NOWHERE)] }), 1)]);
    // First resolution before any SIRENE import and with the API offline: the companies are unknown OFFLINE; the
    // buyer (Rennes Métropole) is placed by the DGCL reference of communes and EPCI.
    await resolveOrganisations(em(), resolver, applied.newOrganisations.map((o) => o.id));
  });

  afterEach(async () => {
    await orm.close(true);
  });

  it('an organisation unknown OFFLINE becomes resolved once the SIRENE stock is imported, and a SupplierResolved is published', async () => {
    expect(await em().findOneOrFail(OrganisationEntity, { id: SUPPLIER })).toMatchObject({ status: 'unknown', unknownReason: 'OFFLINE' });
    expect(await em().findOneOrFail(OrganisationEntity, { id: BUYER })).toMatchObject({ status: 'resolved', origin: 'dgcl-collectivites' });
    await importStock(orm);
    const bus = recordingBus();

    const result = await reResolveOrganisations(orm, resolver, bus, { batchSize: 1 });

    // The buyer is selected too (resolved from a fallback origin): SIRENE now knows it better.
    expect(result).toEqual({ selected: 3, resolved: 2, stillUnknown: 1, changed: 2, published: 2 });
    expect(await em().findOneOrFail(OrganisationEntity, { id: BUYER })).toMatchObject({ status: 'resolved', origin: 'sirene-stock' });
    expect(await em().findOneOrFail(OrganisationEntity, { id: SUPPLIER })).toMatchObject({ status: 'resolved', unknownReason: null, nom: 'BATI OUEST TRAVAUX (FICTIF)' });
    const events = bus.events(TOPICS.organisations);
    expect(events.map((e) => [e.type, e.aggregateId]).sort()).toEqual([
      ['BuyerResolved', BUYER],
      ['SupplierResolved', SUPPLIER],
    ]);
    expect(bus.published.every((p) => p.topic === TOPICS.organisations)).toBe(true);

    const second = await reResolveOrganisations(orm, resolver, bus);
    expect(second).toEqual({ selected: 1, resolved: 0, stillUnknown: 1, changed: 0, published: 0 });
    expect(bus.events(TOPICS.organisations)).toHaveLength(2);
  });

  it('re-resolves only the reasons asked, a given list of ids, and at most `limit` organisations', async () => {
    await importStock(orm);
    const bus = recordingBus();
    expect(await reResolveOrganisations(orm, resolver, bus, { reasons: ['NOT_FOUND'] })).toMatchObject({ selected: 0, published: 0 });
    expect(await reResolveOrganisations(orm, resolver, bus, { limit: 1 })).toMatchObject({ selected: 1 });
    const byIds = await reResolveOrganisations(orm, resolver, bus, { ids: [SUPPLIER, 'not-in-catalog'] });
    expect(byIds).toEqual({ selected: 1, resolved: 1, stillUnknown: 0, changed: 1, published: 1 });
    expect(bus.events(TOPICS.organisations).filter((e) => e.type === 'SupplierResolved').map((e) => e.aggregateId)).toEqual([SUPPLIER]);
    // unchanged profile: nothing to publish
    expect(await reResolveOrganisations(orm, resolver, bus, { ids: [SUPPLIER] })).toMatchObject({ selected: 1, changed: 0, published: 0 });
  });
});

describe('POST /api/admin/organisations/re-resolve', () => {
  let app: INestApplication;
  let bus: EmbeddedEventLog;

  beforeAll(async () => {
    bus = new EmbeddedEventLog(mkdtempSync(path.join(tmpdir(), 'catalog-re-resolve-')));
    @Module({ imports: [PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_ADMIN_TOKENS: 'admin-key', OBSERVATOIRE_INGEST_TOKENS: 'upload-key' }) }), CatalogModule.register({ ormUrl: 'sqlite::memory:' })] })
    class TestRoot {}
    app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
    app.setGlobalPrefix('api');
    await app.init();
    const orm = app.get<MikroORM>(CATALOG_ORM);
    await migrateCatalog(orm, { loadTerritory: false });
    const applied = await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [contractPublished(aContract({ acheteur: org(BUYER), titulaires: [org(SUPPLIER)] }), 1)]);
    await app.get(ResolveOrganisationsHandler).execute(applied.newOrganisations.map((o) => o.id));
    await importStock(orm);
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
  });

  it('is closed without an admin key, and to an upload-only key', async () => {
    const anonymous = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').send({}).expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="observatoire"');
    const uploadOnly = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').set('authorization', 'Bearer upload-key').send({}).expect(403);
    expect(uploadOnly.body.code).toBe('FORBIDDEN');
  });

  it('rejects an invalid body', async () => {
    const res = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').set('authorization', 'Bearer admin-key').send({ limit: -1 }).expect(400);
    expect(res.body.code).toBe('CATALOG_INVALID_PARAMETER');
  });

  it('re-resolves, publishes on the organisations topic and returns the counts', async () => {
    const res = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').set('authorization', 'Bearer admin-key').send({ reasons: ['OFFLINE'] }).expect(200);
    // Only the supplier was unknown OFFLINE (the buyer was placed by the DGCL reference).
    expect(res.body).toEqual({ selected: 1, resolved: 1, stillUnknown: 0, changed: 1, published: 1 });
    // Default selection: the buyer, resolved from the DGCL fallback, is upgraded from the imported SIRENE stock.
    const upgrade = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').set('authorization', 'Bearer admin-key').send({}).expect(200);
    expect(upgrade.body).toEqual({ selected: 1, resolved: 1, stillUnknown: 0, changed: 1, published: 1 });
    const seen: string[] = [];
    const sub = await bus.subscribe({ group: 'reader', topics: [TOPICS.organisations], handler: async (b) => void seen.push(...b.map((d) => `${d.event.type}:${d.event.aggregateId}`)) });
    await sub.drain(10_000);
    await sub.stop();
    expect(seen.sort()).toEqual([`BuyerResolved:${BUYER}`, `SupplierResolved:${SUPPLIER}`]);
    const again = await request(app.getHttpServer()).post('/api/admin/organisations/re-resolve').set('authorization', 'Bearer admin-key').send({}).expect(200);
    expect(again.body).toMatchObject({ selected: 0, published: 0 });
  });
});
