import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { EmbeddedEventLog, PlatformModule, loadConfig } from '@observatoire/platform';
import * as path from 'node:path';
import request from 'supertest';
import { applyContractPublishedBatch } from '../src/application/apply-contract-published-batch/apply-contract-published-batch';
import { importSireneStock } from '../src/application/import-sirene-stock/import-sirene-stock';
import { ResolveOrganisationsHandler } from '../src/application/resolve-organisations/resolve-organisations.handler';
import { CatalogModule } from '../src/catalog.module';
import { catalogOpenApiPaths } from '../src/infrastructure/http/catalog.openapi';
import { CATALOG_ORM } from '../src/infrastructure/orm/catalog-orm.provider';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { aContract, contractPublished, org } from './support/contract-events';
import { SIRENE_FIXTURES } from './support/use-case-scenarios';

describe('catalog HTTP API (Nest app from CatalogModule on SQLite)', () => {
  let app: INestApplication;
  const buyer = '24350013900189';
  const supplier = '44306184100047';
  const partner = '52345678800011';

  beforeAll(async () => {
    const bus = new EmbeddedEventLog(mkdtempSync(path.join(tmpdir(), 'catalog-http-')));
    @Module({ imports: [PlatformModule.forRoot({ bus, config: loadConfig({}) }), CatalogModule.register({ ormUrl: 'sqlite::memory:' })] })
    class TestRoot {}
    app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
    app.setGlobalPrefix('api');
    await app.init();
    const orm = app.get<MikroORM>(CATALOG_ORM);
    await migrateCatalog(orm, { loadTerritory: false });
    await importSireneStock({
      orm,
      unitesLegales: path.join(SIRENE_FIXTURES, 'StockUniteLegale_extract.csv'),
      etablissements: path.join(SIRENE_FIXTURES, 'StockEtablissement_extract.csv'),
    });
    const events = [
      contractPublished(aContract({ id: 'A-1', titulaires: [org(supplier)], montant: 100_000, dateNotification: '2023-05-02' }), 1),
      contractPublished(aContract({ id: 'A-2', titulaires: [org(supplier), org(partner)], montant: 300_000, dateNotification: '2024-03-10' }), 1),
      contractPublished(aContract({ id: 'A-3', titulaires: [org(partner)], codeCPV: '71000000', cpvDivision: '71', montant: 50_000, dateNotification: '2024-11-20' }), 1),
    ];
    const applied = await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, events);
    await app.get(ResolveOrganisationsHandler).execute(applied.newOrganisations.map((o) => o.id));
  });

  afterAll(async () => {
    await app.close();
  });

  it('GET /api/contrats/:uid returns the contract with its versions, buyer and suppliers profiles', async () => {
    const res = await request(app.getHttpServer()).get(`/api/contrats/${buyer}A-2`).expect(200);
    expect(res.body.versions).toHaveLength(1);
    expect(res.body.acheteur.profile).toMatchObject({ nom: 'RENNES METROPOLE', typeOrganisation: 'epci' });
    expect(res.body.titulaires.map((t: { role: string; organisation: { nom: string } }) => [t.role, t.organisation.nom])).toEqual([
      ['mandataire', 'BATI OUEST TRAVAUX (FICTIF)'],
      ['cotraitant', 'GRAND GROUPE PARIS (FICTIF)'],
    ]);
    expect(res.body.provenance[0]).toMatchObject({ source: 'megalis', format: 'decp-2022-json' });
  });

  it('GET /api/contrats/:uid of an unknown uid answers 404 CATALOG_CONTRACT_NOT_FOUND with the correlation id', async () => {
    const res = await request(app.getHttpServer()).get('/api/contrats/nope').set('x-correlation-id', 'corr-1').expect(404);
    expect(res.body).toEqual({ code: 'CATALOG_CONTRACT_NOT_FOUND', message: expect.any(String), correlationId: 'corr-1' });
  });

  it('GET /api/acheteurs/:siret returns identity, totals by year and CPV division, top suppliers, latest contracts', async () => {
    const res = await request(app.getHttpServer()).get(`/api/acheteurs/${buyer}`).expect(200);
    expect(res.body.totals).toEqual({ contracts: 3, montant: 450_000 });
    expect(res.body.byYearAndCpvDivision).toEqual([
      { annee: 2024, cpvDivision: '45', contracts: 1, montant: 300_000 },
      { annee: 2024, cpvDivision: '71', contracts: 1, montant: 50_000 },
      { annee: 2023, cpvDivision: '45', contracts: 1, montant: 100_000 },
    ]);
    expect(res.body.topSuppliers).toEqual([
      { id: supplier.slice(0, 9), nom: 'BATI OUEST TRAVAUX (FICTIF)', contracts: 2, montant: 250_000, establishments: 1 },
      { id: partner.slice(0, 9), nom: 'GRAND GROUPE PARIS (FICTIF)', contracts: 2, montant: 200_000, establishments: 1 },
    ]);
    expect(res.body.latestContracts.map((c: { id: string }) => c.id)).toEqual(['A-3', 'A-2', 'A-1']);
    await request(app.getHttpServer()).get('/api/acheteurs/243500139').expect(200);
  });

  it('GET /api/acheteurs/:siren is named after its first named establishment, not left as a bare code', async () => {
    const res = await request(app.getHttpServer()).get('/api/acheteurs/243500139').expect(200);
    expect(res.body.scope).toBe('siren');
    expect(res.body.identity.nom).toBe('RENNES METROPOLE');
  });

  it('GET /api/acheteurs/:siret names a buyer SIRENE does not know by the name it publishes (acheteur.nom)', async () => {
    const unknownBuyer = '26350579400028';
    const orm = app.get<MikroORM>(CATALOG_ORM);
    await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [
      contractPublished(aContract({ acheteur: { ...org(unknownBuyer), denominationSociale: 'Centre de gestion de la fonction publique territoriale d’Ille-et-Vilaine' }, id: 'C-1', titulaires: [org('38024392300089')] }), 1),
    ]);
    const res = await request(app.getHttpServer()).get(`/api/acheteurs/${unknownBuyer}`).expect(200);
    expect(res.body.identity.nom).toBe('Centre de gestion de la fonction publique territoriale d’Ille-et-Vilaine');
    // its titulaire is not in SIRENE either: the buyer page names it as the buyer published it
    await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [
      contractPublished(aContract({ acheteur: org(unknownBuyer), id: 'C-2', titulaires: [org('81234567800015', 'SIRET', 'MENUISERIE DU COUESNON')] }), 1),
    ]);
    const again = await request(app.getHttpServer()).get(`/api/acheteurs/${unknownBuyer}`).expect(200);
    expect(again.body.topSuppliers).toContainEqual(expect.objectContaining({ nom: 'MENUISERIE DU COUESNON', contracts: 1 }));
    // and its own page says the same, with the buyer named as it publishes itself
    const supplierPage = await request(app.getHttpServer()).get('/api/titulaires/81234567800015').expect(200);
    expect(supplierPage.body.identity.nom).toBe('MENUISERIE DU COUESNON');
    expect(supplierPage.body.buyers).toEqual([expect.objectContaining({ id: unknownBuyer, nom: 'Centre de gestion de la fonction publique territoriale d’Ille-et-Vilaine' })]);
  });

  it('GET /api/acheteurs/:siret validates the id and answers 404 for an unknown buyer', async () => {
    const bad = await request(app.getHttpServer()).get('/api/acheteurs/abc').expect(400);
    expect(bad.body.code).toBe('CATALOG_INVALID_PARAMETER');
    expect(bad.body.message).toMatch(/un SIRET \(14 chiffres\) ou un SIREN \(9 chiffres\)/);
    const missing = await request(app.getHttpServer()).get('/api/acheteurs/22220001600016').expect(404);
    expect(missing.body.code).toBe('CATALOG_BUYER_NOT_FOUND');
    expect(missing.body.message).toBe('aucun acheteur « 22220001600016 »');
    // zod's own words are French too: a stable code, a message a user can read
    const year = await request(app.getHttpServer()).get('/api/contrats?annee=abc').expect(400);
    expect(year.body).toMatchObject({ code: 'CATALOG_INVALID_PARAMETER', message: expect.stringMatching(/^paramètre query invalide : query\.annee : Entrée invalide : nombre attendu/) });
  });

  it('GET /api/titulaires/:id returns identity, contracts won and buyers', async () => {
    const res = await request(app.getHttpServer()).get(`/api/titulaires/${supplier}`).expect(200);
    expect(res.body.identity.profile).toMatchObject({ categorieEntreprise: 'PME', tpe: true, epciSiren: '243500139' });
    expect(res.body.totals).toEqual({ contracts: 2, montant: 250_000 });
    expect(res.body.contracts.map((c: { id: string; role: string }) => [c.id, c.role])).toEqual([
      ['A-2', 'mandataire'],
      ['A-1', 'titulaire'],
    ]);
    expect(res.body.buyers).toEqual([{ id: buyer, nom: 'RENNES METROPOLE', contracts: 2, montant: 250_000 }]);
    const missing = await request(app.getHttpServer()).get('/api/titulaires/XX000').expect(404);
    expect(missing.body.code).toBe('CATALOG_SUPPLIER_NOT_FOUND');
  });

  it('GET /api/contrats filters and paginates with an opaque cursor', async () => {
    const server = app.getHttpServer();
    const first = await request(server).get(`/api/contrats?acheteur=${buyer}&limit=2`).expect(200);
    expect(first.body.items.map((c: { id: string }) => c.id)).toEqual(['A-3', 'A-2']);
    const second = await request(server).get(`/api/contrats?acheteur=${buyer}&limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: 'A-1' })], nextCursor: null });
    const filtered = await request(server).get(`/api/contrats?titulaire=${partner}&cpv=45&annee=2024`).expect(200);
    expect(filtered.body.items.map((c: { id: string }) => c.id)).toEqual(['A-2']);
    expect((await request(server).get('/api/contrats?cursor=garbage').expect(400)).body.code).toBe('CATALOG_INVALID_CURSOR');
    expect((await request(server).get('/api/contrats?annee=abc').expect(400)).body.code).toBe('CATALOG_INVALID_PARAMETER');
  });

  it('GET /api/organisations finds by name prefix (accents and case ignored), SIRET or SIREN', async () => {
    const server = app.getHttpServer();
    const byName = await request(server).get('/api/organisations?q=bâti ou').expect(200);
    expect(byName.body.items.map((o: { id: string }) => o.id)).toEqual([supplier]);
    const bySiren = await request(server).get('/api/organisations?q=523456788').expect(200);
    expect(bySiren.body.items[0]).toMatchObject({ id: partner, isSupplier: true });
    expect((await request(server).get('/api/organisations?q=a').expect(400)).body.code).toBe('CATALOG_INVALID_PARAMETER');
  });

  it('documents every route in the OpenAPI paths object', () => {
    expect(Object.keys(catalogOpenApiPaths).sort()).toEqual(['/api/acheteurs/{siret}', '/api/contrats', '/api/contrats/{uid}', '/api/organisations', '/api/titulaires/{id}']);
  });

  // last: it adds contracts to the supplier of the tests above
  it('GET /api/acheteurs/:siret counts the establishments of one company as one supplier, named by one of them and linked by SIREN', async () => {
    const other = '21290197900121';
    const orm = app.get<MikroORM>(CATALOG_ORM);
    await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [
      contractPublished(aContract({ acheteur: org(other), id: 'B-1', titulaires: [org(supplier)], montant: 100_000 }), 1),
      contractPublished(aContract({ acheteur: org(other), id: 'B-2', titulaires: [org('44306184100039')], montant: 60_000 }), 1),
      contractPublished(aContract({ acheteur: org(other), id: 'B-3', titulaires: [org('44306184100039'), org('NL123456789B01', 'TVA')], montant: 80_000 }), 1),
    ]);
    const res = await request(app.getHttpServer()).get(`/api/acheteurs/${other}`).expect(200);
    expect(res.body.topSuppliers).toEqual([
      { id: '443061841', nom: 'BATI OUEST TRAVAUX (FICTIF)', contracts: 3, montant: 200_000, establishments: 2 },
      { id: 'NL123456789B01', nom: null, contracts: 1, montant: 40_000, establishments: 1 },
    ]);
    // the company's link opens every establishment's contracts
    const company = await request(app.getHttpServer()).get('/api/titulaires/443061841').expect(200);
    expect(company.body.totals.contracts).toBeGreaterThanOrEqual(3);
  });
});
