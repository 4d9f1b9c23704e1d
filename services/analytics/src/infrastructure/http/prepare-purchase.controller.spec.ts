import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { TOPICS } from '@observatoire/contracts';
import { OpenApiRegistry } from '@observatoire/platform';
import { ProjectContractsHandler } from '../../application/project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../../application/project-organisations/project-organisations.handler';
import { buyerResolved, contractPublished, delivered, supplierResolved } from '../../application/testing/analytics-test-kit';
import { contract, profile, ref } from '../../domain/testing/builders';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './testing/analytics-test-app';

const LORIENT_AGGLO = '20004217400014';
const PME = '44306184100047';
const GE = '55208131766522';

describe('GET /api/preparer-achat', () => {
  let t: AnalyticsTestApp;
  let app: INestApplication;

  beforeAll(async () => {
    t = await startAnalyticsTestApp('analytics-prepare');
    app = t.app;
    const place = { epciSiren: '200042174', communeCode: '56121', departementCode: '56', regionCode: '53' };
    await app.get(ProjectOrganisationsHandler).handle(
      delivered(
        [
          buyerResolved(profile(LORIENT_AGGLO, { nom: 'LORIENT AGGLOMERATION', typeOrganisation: 'epci', ...place }), 1),
          supplierResolved(profile(PME, { nom: 'TP DU SCORFF', ...place }), 1),
          supplierResolved(profile(GE, { categorieEntreprise: 'GE', communeCode: '75056', epciSiren: '200054781', departementCode: '75', regionCode: '11' }), 1),
        ],
        TOPICS.organisations,
      ),
    );
    await app.get(ProjectContractsHandler).handle(
      delivered([
        contractPublished(contract({ uid: 'LA1', acheteur: ref(LORIENT_AGGLO), titulaires: [ref(PME)], montant: 80_000, offresRecues: 1, dateNotification: '2024-06-01' }), 1),
        contractPublished(contract({ uid: 'LA2', acheteur: ref(LORIENT_AGGLO), titulaires: [ref(GE)], montant: 120_000, offresRecues: 3, dateNotification: '2025-02-01' }), 1),
        contractPublished(contract({ uid: 'LA3', acheteur: ref(LORIENT_AGGLO), titulaires: [ref(PME)], montant: 5_000_000, dateNotification: '2024-09-01' }), 1),
      ]),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers the supplier base, shares, procedures and bids for similar purchases', async () => {
    const res = await request(app.getHttpServer()).get('/api/preparer-achat').query({ cpv: '45', montant: '100000', territoire: 'epci:200042174' }).expect(200);
    expect(res.body.filters).toEqual({ cpv: '45', territoire: 'epci:200042174', coTraitance: 'partage' });
    expect(res.body.purchase.band).toEqual({ factorMin: 0.3, factorMax: 3, amountMin: 30_000, amountMax: 300_000 });
    expect(res.body.similar).toEqual({ everywhere: 2, inTerritory: 2 }); // LA3 is out of the band
    expect(res.body.supplierBase.suppliers).toBe(1);
    expect(res.body.supplierBase.groups[0].items).toEqual([
      expect.objectContaining({ id: PME, nom: 'TP DU SCORFF', contracts: 1, amount: 80_000, lien: `/titulaires/${PME}` }),
    ]);
    expect(res.body.indicators.find((i: { key: string }) => i.key === 'sme-share').byCount).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(res.body.procedures.items).toEqual([{ procedure: 'Procédure adaptée', contracts: 2, share: 1 }]);
    expect(res.body.bids).toMatchObject({ known: 2, median: 2, singleBid: { contracts: 1, share: 0.5 } });
  });

  it('takes the period and the band from the query', async () => {
    const res = await request(app.getHttpServer())
      .get('/api/preparer-achat')
      .query({ cpv: '4523', montant: '100000', territoire: 'bretagne', du: '2025-01-01', au: '2025-12-31', facteurMin: '0.5', facteurMax: '1.5' })
      .expect(200);
    expect(res.body.similar).toEqual({ everywhere: 1, inTerritory: 1 }); // LA2 only
    expect(res.body.supplierBase.suppliers).toBe(0); // its supplier is in Paris
  });

  it.each([
    [{ montant: '100000', territoire: 'bretagne' }, 'cpv : obligatoire'],
    [{ cpv: '45', territoire: 'bretagne' }, 'montant : obligatoire'],
    [{ cpv: '45', montant: '100000' }, 'territoire : obligatoire'],
    [{ cpv: '4', montant: '100000', territoire: 'bretagne' }, 'cpv : un préfixe'],
    [{ cpv: '45', montant: 'beaucoup', territoire: 'bretagne' }, 'montant'],
    [{ cpv: '45', montant: '0', territoire: 'bretagne' }, 'montant : un montant en euros entre 1'],
    [{ cpv: '45', montant: '100000', territoire: 'paris' }, 'territoire attendu'],
    [{ cpv: '45', montant: '100000', territoire: 'bretagne', du: '2025-02-30' }, 'date inexistante'],
    [{ cpv: '45', montant: '100000', territoire: 'bretagne', du: '2025-02-01', au: '2025-01-01' }, 'du doit précéder au'],
    [{ cpv: '45', montant: '100000', territoire: 'bretagne', facteurMin: '2' }, 'facteurMin : un nombre entre'],
    [{ cpv: '45', montant: '100000', territoire: 'bretagne', acheteur: '213502388' }, 'paramètre(s) inconnu(s) : acheteur'],
  ])('refuses %j with 400 INVALID_PARAMETER', async (query, message) => {
    const res = await request(app.getHttpServer()).get('/api/preparer-achat').query(query).expect(400);
    expect(res.body.code).toBe('INVALID_PARAMETER');
    expect(res.body.message).toContain(message);
  });

  it('refuses a repeated parameter', async () => {
    const res = await request(app.getHttpServer()).get('/api/preparer-achat?cpv=45&cpv=72&montant=1000&territoire=bretagne').expect(400);
    expect(res.body.message).toContain('cpv : une seule valeur attendue');
  });

  it('is registered in the OpenAPI document', () => {
    const doc = app.get(OpenApiRegistry).document({ title: 't', version: '1' }) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(doc.paths['/api/preparer-achat']).toBeDefined();
    expect(doc.components.schemas.PreparePurchaseResult).toBeDefined();
    expect(doc.components.schemas.IndicatorValue).toBeDefined();
  });
});
