import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { TOPICS } from '@observatoire/contracts';
import { ApiExceptionFilter, EmbeddedEventLog, EventBusTransport, loadConfig, PlatformModule } from '@observatoire/platform';
import { IndexContractWhenContractPublishedHandler } from './application/index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { SearchModule, type SearchModuleOptions } from './search.module';
import { BUYERS, FIXTURE, SUPPLIERS, aContract } from './testing/contract.builder';
import { buyerResolved, contractPublished, supplierResolved } from './testing/search-events';

interface TestApp {
  app: INestApplication;
  bus: EmbeddedEventLog;
  transport: EventBusTransport;
  dir: string;
}

async function startApp(options: Omit<SearchModuleOptions, 'search'> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'search-http-'));
  const bus = new EmbeddedEventLog(join(dir, 'bus'));
  @Module({
    imports: [
      PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_DATA_DIR: dir }) }),
      SearchModule.register({ search: { engine: 'embedded', file: join(dir, 'search.sqlite') }, ...options }),
    ],
  })
  class TestAppModule {}
  const app = await NestFactory.create(TestAppModule as Type<unknown>, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  const transport = new EventBusTransport(bus);
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  return { app, bus, transport, dir };
}

async function stopApp(t: TestApp | undefined) {
  if (!t) return;
  await t.app.close();
  await t.bus.close();
  rmSync(t.dir, { recursive: true, force: true });
}

/** A Nest app from PlatformModule + SearchModule (embedded engine), fed through the embedded bus. */
describe('search service: consumers and HTTP API', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const publish = async (topic: string, events: Parameters<EmbeddedEventLog['publish']>[1]) => {
    await t.bus.publish(topic, events);
    await t.transport.drain(30_000);
  };
  const uids = (body: { items: { uid: string }[] }) => body.items.map((i) => i.uid).sort();

  beforeAll(async () => {
    t = await startApp({ rateLimit: { capacity: 10_000, refillPerSecond: 1_000 } });
    // Every profile but ARMOR NETTOYAGE's (it arrives late, see below). One topic at a time.
    const early = Object.values(SUPPLIERS).filter((s) => s.id !== SUPPLIERS.armorNettoyage.id);
    await publish(TOPICS.organisations, [...Object.values(BUYERS).map((b) => buyerResolved(b, 1)), ...early.map((s) => supplierResolved(s, 1))]);
    await publish(TOPICS.contracts, Object.values(FIXTURE).map((c) => contractPublished(c, 1)));
  }, 60_000);

  afterAll(async () => {
    await stopApp(t);
  });

  it('finds contracts in French whatever the accents and plurals, each with its uid and link', async () => {
    const res = await http().get('/api/search').query({ q: 'ecoles' }).expect(200);
    expect(uids(res.body)).toEqual([FIXTURE.c3.uid, FIXTURE.c6.uid, FIXTURE.c7.uid].sort());
    expect(res.body.total).toBe(3);
    for (const item of res.body.items) expect(item.link).toBe(`/contrats/${encodeURIComponent(item.uid)}`);
    expect(res.body.items.find((i: { uid: string }) => i.uid === FIXTURE.c6.uid).highlight).toContain('<mark>école</mark>');
  });

  it('denormalises buyer and supplier profiles and the CPV label from the reference list', async () => {
    const res = await http().get('/api/search').query({ q: 'routiers', acheteur: BUYERS.rennesMetropole.id }).expect(200);
    expect(uids(res.body)).toEqual([FIXTURE.c1.uid]);
    expect(res.body.items[0].doc).toMatchObject({ cpvLabel: 'Travaux routiers', buyer: { nom: 'Rennes Métropole', departement: '35' } });
  });

  it('filters with DECP and French parameter names, lists by repetition or commas, and totals the facets', async () => {
    const res = await http()
      .get('/api/search?typeAchat=travaux&departementAcheteur=35,29&departementAcheteur=22&facettes=supplierCategorie,year')
      .expect(200);
    // Travaux by a buyer of 35/29/22: c1 (Rennes, 35), c2 (Brest, 29), c9 (Quimper, 29).
    expect(uids(res.body)).toEqual([FIXTURE.c1.uid, FIXTURE.c2.uid, FIXTURE.c9.uid].sort());
    expect(Object.keys(res.body.facets).sort()).toEqual(['supplierCategorie', 'year']);
    expect(res.body.facets.year).toEqual([{ key: '2024', count: 3, amount: 845_000 + 320_000 + 150_000 }]);
    // c1 = GE + PME, c2 = PME, c9 = GE + GE (one contract counts once per category it has).
    expect(res.body.facets.supplierCategorie).toEqual([
      { key: 'GE', count: 2, amount: 995_000 },
      { key: 'PME', count: 2, amount: 1_165_000 },
    ]);
  });

  it('keeps every value of a facet once one is picked (disjunctive facets), with OR inside a facet and 0 for a selected value without match', async () => {
    const res = await http().get('/api/search?departementAcheteur=29&departementAcheteur=56&annee=2023,2019&facettes=buyerDepartement,year,purchaseType').expect(200);
    // (29 or 56) and (2023 or 2019): c3 only (Quimper, 2023)
    expect(uids(res.body)).toEqual([FIXTURE.c3.uid]);
    expect(res.body.total).toBe(1);
    // départements of the 2023/2019 contracts (c3 in 29, c6 in 35), 56 selected without a match
    expect(res.body.facets.buyerDepartement).toEqual([
      { key: '29', count: 1, amount: 1_250_000 },
      { key: '35', count: 1, amount: 0 },
      { key: '56', count: 0, amount: 0 },
    ]);
    // years of the contracts of 29/56: c2, c9 (2024), c3 (2023), c5 (2022); 2019 selected without a match
    expect(res.body.facets.year).toEqual([
      { key: '2024', count: 2, amount: 470_000 },
      { key: '2022', count: 1, amount: 98_500.5 },
      { key: '2023', count: 1, amount: 1_250_000 },
      { key: '2019', count: 0, amount: 0 },
    ]);
    expect(res.body.facets.purchaseType).toEqual([{ key: 'services', count: 1, amount: 1_250_000 }]);
    const bad = await http().get('/api/search?annee=24').expect(400);
    expect(bad.body.details.issues.map((i: { path: string }) => i.path)).toEqual(['annee']);
  });

  it('walks every result page by cursor without repeating or skipping one', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await http()
        .get('/api/search')
        .query({ tri: 'date', ordre: 'desc', limit: 2, facettes: 'aucune', ...(cursor ? { cursor } : {}) })
        .expect(200);
      expect(res.body.total).toBe(9);
      seen.push(...res.body.items.map((i: { uid: string }) => i.uid));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(9);
    expect(seen[seen.length - 1]).toBe(FIXTURE.c8.uid); // no notification date: last
  });

  it('answers 400 SEARCH_QUERY_INVALID naming the parameters at fault, with the correlation id', async () => {
    const res = await http().get('/api/search?montantMin=beaucoup&tri=prix&filtre=1').set('x-correlation-id', 'corr-42').expect(400);
    expect(res.body).toMatchObject({ code: 'SEARCH_QUERY_INVALID', correlationId: 'corr-42' });
    expect(res.body.message).toMatch(/montantMin : montant positif en euros attendu/);
    expect(res.body.message).toMatch(/tri : une valeur parmi pertinence/);
    expect(res.body.message).toMatch(/filtre : paramètre inconnu/);
    expect(res.body.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['filtre', 'montantMin', 'tri']);
  });

  it('answers 400 SEARCH_CURSOR_INVALID to a cursor of another sort', async () => {
    const first = await http().get('/api/search').query({ tri: 'montant', limit: 1 }).expect(200);
    const res = await http().get('/api/search').query({ tri: 'date', cursor: first.body.nextCursor }).expect(400);
    expect(res.body.code).toBe('SEARCH_CURSOR_INVALID');
  });

  it('is cacheable: public max-age, a weak ETag, 304 on If-None-Match, a new tag once the results change', async () => {
    const first = await http().get('/api/search').query({ q: 'voirie' }).expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    expect(first.headers.etag).toMatch(/^W\/"/);
    const again = await http().get('/api/search').query({ q: 'voirie' }).set('If-None-Match', first.headers.etag).expect(304);
    expect(again.text).toBe('');
    await publish(TOPICS.contracts, [contractPublished(aContract({ acheteurId: BUYERS.quimper.id, id: 'CACHE-1', objet: 'Voirie du port' }), 1)]);
    const changed = await http().get('/api/search').query({ q: 'voirie' }).set('If-None-Match', first.headers.etag).expect(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
    expect(changed.body.total).toBe(first.body.total + 1);
  });

  it('delivered twice, changed once: a redelivered ContractPublished is skipped as stale', async () => {
    const handler = t.app.get(IndexContractWhenContractPublishedHandler);
    const event = contractPublished(aContract({ acheteurId: BUYERS.quimper.id, id: 'TWICE-1', objet: 'Signalétique du musée' }), 1);
    const before = { ...handler.totals };
    await publish(TOPICS.contracts, [event]);
    await publish(TOPICS.contracts, [event]);
    expect(handler.totals.applied - before.applied).toBe(1);
    expect(handler.totals.stale - before.stale).toBe(1);
    expect((await http().get('/api/search').query({ q: 'signalétique' }).expect(200)).body.total).toBe(1);
  });

  it('ignores an older revision published after a newer one', async () => {
    const c = aContract({ acheteurId: BUYERS.quimper.id, id: 'REV-1', objet: 'Aménagement du littoral, révision deux' });
    await publish(TOPICS.contracts, [contractPublished(c, 2)]);
    await publish(TOPICS.contracts, [contractPublished({ ...c, objet: 'Aménagement du littoral, révision une' }, 1)]);
    const res = await http().get('/api/search').query({ q: 'littoral' }).expect(200);
    expect(res.body.items.map((i: { doc: { objet: string } }) => i.doc.objet)).toEqual(['Aménagement du littoral, révision deux']);
  });

  it('moves a contract to the right supplier-size bucket when a late SupplierResolved arrives', async () => {
    const facet = async () => (await http().get('/api/search').query({ q: 'nettoyage', facettes: 'supplierCategorie' }).expect(200)).body.facets.supplierCategorie;
    expect(await facet()).toEqual([{ key: 'unknown', count: 1, amount: 0 }]);
    await publish(TOPICS.organisations, [supplierResolved(SUPPLIERS.armorNettoyage, 1)]);
    expect(await facet()).toEqual([{ key: 'PME', count: 1, amount: 0 }]);
  });

  it('suggests buyers and suppliers by name or SIRET prefix, with links to their pages', async () => {
    const byName = await http().get('/api/search/organisations').query({ q: 'rennes' }).expect(200);
    expect(byName.body.items).toContainEqual({ id: BUYERS.rennesMetropole.id, nom: 'Rennes Métropole', role: 'buyer', contracts: 2, link: `/acheteurs/${BUYERS.rennesMetropole.id}` });
    expect(byName.headers['cache-control']).toBe('public, max-age=60');
    const bySiret = await http().get('/api/search/organisations').query({ q: SUPPLIERS.tpLeon.id.slice(0, 6), limit: 5 }).expect(200);
    expect(bySiret.body.items[0]).toMatchObject({ id: SUPPLIERS.tpLeon.id, role: 'supplier', link: `/titulaires/${SUPPLIERS.tpLeon.id}` });
    const bad = await http().get('/api/search/organisations').query({ q: '  ' }).expect(400);
    expect(bad.body).toMatchObject({ code: 'SEARCH_QUERY_INVALID', message: expect.stringMatching(/q : obligatoire/) });
  });

  it('registers its health check and describes every query parameter in OpenAPI', async () => {
    const health = await http().get('/api/health').expect(200);
    expect(health.body.checks.searchEngine).toMatchObject({ ok: true, detail: expect.stringMatching(/^embedded/) });
    const doc = (await http().get('/api/openapi.json').expect(200)).body;
    const names = doc.paths['/api/search'].get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['q', 'acheteur', 'cpv', 'annee', 'montantMin', 'tri', 'limit', 'cursor', 'facettes', 'If-None-Match']));
    expect(doc.paths['/api/search/organisations'].get.responses['429']).toBeDefined();
    expect(doc.components.schemas.SearchResult.required).toEqual(['total', 'items', 'facets', 'nextCursor']);
    expect(doc.paths['/api/search'].get.description).toMatch(/Facettes disjonctives/);
  });
});

describe('search service: rate limit', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await stopApp(t);
  });

  it('answers 429 RATE_LIMITED with Retry-After once a client has used its bucket, shared by both search endpoints', async () => {
    t = await startApp({ rateLimit: { capacity: 2, refillPerSecond: 0.1 } });
    const http = () => request(t!.app.getHttpServer());
    await http().get('/api/search').expect(200);
    await http().get('/api/search/organisations?q=ren').expect(200);
    const refused = await http().get('/api/search').expect(429);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', correlationId: expect.any(String) });
    expect(Number(refused.headers['retry-after'])).toBe(10);
    expect(refused.headers['cache-control']).toBe('no-store');
    await http().get('/api/health').expect(200); // platform endpoints are not limited by the search bucket
  });
});
