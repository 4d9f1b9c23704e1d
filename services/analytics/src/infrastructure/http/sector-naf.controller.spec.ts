import { TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog, EventBusTransport } from '@observatoire/platform';
import { contract, profile, ref } from '../../domain/testing/builders';
import { buyerResolved, contractPublished, supplierResolved } from '../../application/testing/analytics-test-kit';
import { NAF_FIXTURE_SUPPLIERS, nafFixtureContracts, nafFixtureProfiles } from '../../application/testing/naf-cpv-fixture';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './testing/analytics-test-app';

/** The fixture's buyer, placed in Lorient Agglomération; a Quimper buyer outside it. */
const LORIENT_BUYER = '21560121900014';
const QUIMPER_BUYER = '21290232900012';

/** "Marchés de mon secteur" by the company's NAF code, through HTTP: a Nest app fed through the embedded bus. */
describe('GET /api/secteur?naf= (HTTP)', () => {
  let t: AnalyticsTestApp;
  let transport: EventBusTransport;
  let bus: EmbeddedEventLog;

  beforeAll(async () => {
    t = await startAnalyticsTestApp('analytics-naf-http');
    bus = t.bus;
    transport = t.transport;

    await bus.publish(TOPICS.organisations, [
      buyerResolved(profile(LORIENT_BUYER, { nom: 'COMMUNE DE LORIENT', typeOrganisation: 'commune', communeCode: '56121', epciSiren: '200042174', departementCode: '56' }), 1),
      buyerResolved(profile(QUIMPER_BUYER, { nom: 'COMMUNE DE QUIMPER', typeOrganisation: 'commune', communeCode: '29232', epciSiren: '200068120', departementCode: '29' }), 1),
      ...nafFixtureProfiles().map((p) => supplierResolved(p, 1)),
    ]);
    await transport.drain(60_000);
    await bus.publish(TOPICS.contracts, [
      ...nafFixtureContracts().map((c) => contractPublished(c, 1)),
      // building installation work in Quimper, won by a firm without NAF code: in the sector, outside Lorient
      contractPublished(
        contract({ uid: 'NAF-Q1', acheteur: ref(QUIMPER_BUYER), codeCPV: '45315000', cpvDivision: '45', titulaires: [ref(NAF_FIXTURE_SUPPLIERS.withoutNaf)], montant: 40_000, dateNotification: '2024-05-02' }),
        1,
      ),
    ]);
    await transport.drain(60_000);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const http = () => t.http();

  it('answers the sector overview of the CPV codes the NAF code was mapped to, and the mapping used', async () => {
    const res = await http().get('/api/secteur').query({ naf: '43.21A', territoire: 'epci:200042174' }).expect(200);
    expect(res.body.filters).toEqual({ territoire: 'epci:200042174', coTraitance: 'partage', naf: '43.21A' });
    expect(res.body.secteur).toEqual({
      naf: '43.21A',
      codesNaf: ['43.21A'],
      marches: 5,
      montant: 600_000,
      // 454 has 2 wins: under the minimum support of 3, so the 80 % are not reached and the coverage says so
      cpv: [{ code: '453', contrats: 3, montant: 600_000, part: 0.6, partMontant: 1 }],
      couverture: 0.6,
      couvertureMontant: 1,
      regle: { niveau: 'groupe', couverture: 0.8, supportMin: 3, partMin: 0.02, description: expect.stringContaining('chaque cotraitant comptant pour son propre code') },
      message: null,
    });
    // the overview is exactly the one of CPV 453 on the territory (every contract of the code, whoever won it)
    const byCpv = await http().get('/api/secteur').query({ cpv: '453', territoire: 'epci:200042174' }).expect(200);
    expect(res.body.totals).toEqual({ contracts: 4, amount: 670_000, unusableAmounts: 0, frameworkAgreements: { contracts: 0, maxAmount: 0 } });
    for (const k of ['totals', 'byYear', 'topBuyers', 'latestContracts']) expect(res.body[k]).toEqual(byCpv.body[k]);
    expect(byCpv.body.secteur).toBeUndefined();
    expect(res.body.latestContracts[0]).toMatchObject({ acheteur: { id: LORIENT_BUYER, nom: 'COMMUNE DE LORIENT' }, lien: expect.stringMatching(/^\/contrats\/NAF-/) });
  });

  it('maps the territory apart from the mapping: the same CPV codes everywhere, other contracts elsewhere', async () => {
    const bzh = await http().get('/api/secteur').query({ naf: '4321a', territoire: 'bretagne' }).expect(200);
    expect(bzh.body.secteur.cpv.map((c: { code: string }) => c.code)).toEqual(['453']);
    expect(bzh.body.totals.contracts).toBe(5);
    const finistere = await http().get('/api/secteur').query({ naf: '43.21A', territoire: 'departement:29' }).expect(200);
    expect(finistere.body.totals).toMatchObject({ contracts: 1, amount: 40_000 });
  });

  it('takes the coverage and the CPV level as parameters', async () => {
    const res = await http().get('/api/secteur').query({ naf: '43.2', couverture: '1', niveauCpv: 'division' }).expect(200);
    expect(res.body.secteur).toMatchObject({
      naf: '43.2',
      codesNaf: ['43.21A', '43.22A'],
      marches: 6,
      cpv: [{ code: '45', contrats: 6, montant: 900_000, part: 1, partMontant: 1 }],
      regle: { niveau: 'division', couverture: 1 },
    });
    // every contract in division 45 (the framework agreement and the unusable amount counted apart)
    expect(res.body.totals).toEqual({ contracts: 7, amount: 710_000, unusableAmounts: 1, frameworkAgreements: { contracts: 1, maxAmount: 1_000_000 } });
  });

  it('answers an empty sector with a French message for a NAF code no supplier has', async () => {
    const res = await http().get('/api/secteur').query({ naf: '56.10A' }).expect(200);
    expect(res.body.totals).toEqual({ contracts: 0, amount: 0, unusableAmounts: 0, frameworkAgreements: { contracts: 0, maxAmount: 0 } });
    expect(res.body.topBuyers).toEqual([]);
    expect(res.body.secteur).toMatchObject({ naf: '56.10A', cpv: [], marches: 0, couverture: null });
    expect(res.body.secteur.message).toContain('Aucun marché n’a été remporté par une entreprise de code NAF 56.10A');
  });

  it.each([
    [{ naf: '43.21A', cpv: '45' }, 'cpv et naf s’excluent'],
    [{ naf: 'F' }, 'naf : un code NAF comme 43.21A'],
    [{ naf: '45.2V' }, 'naf : un code NAF comme 43.21A'],
    [{ naf: '' }, 'naf : un code NAF comme 43.21A'],
    [{ couverture: '0.9' }, 'couverture : seulement avec naf'],
    [{ cpv: '45', niveauCpv: 'groupe' }, 'niveauCpv : seulement avec naf'],
    [{ naf: '43', couverture: '0.2' }, 'couverture : une part entre 0.5 et 1'],
    [{ naf: '43', niveauCpv: 'classe' }, 'niveauCpv : groupe ou division'],
    [{ naf: '43', nafs: '43' }, 'paramètre(s) inconnu(s) : nafs'],
  ])('refuses %j with 400 INVALID_PARAMETER', async (query, message) => {
    const res = await http().get('/api/secteur').query(query).expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining(message), correlationId: expect.any(String) });
  });

  it('refuses a repeated naf', async () => {
    const res = await http().get('/api/secteur?naf=43&naf=71').expect(400);
    expect(res.body.message).toContain('naf : une seule valeur attendue');
  });

  it('GET /api/secteur/naf lists the NAF codes present in the data, for autocompletion', async () => {
    expect((await http().get('/api/secteur/naf').expect(200)).body).toEqual({
      q: null,
      total: 3,
      items: [
        { code: '43.21A', contrats: 5 },
        { code: '43.22A', contrats: 1 },
        { code: '71.12B', contrats: 1 },
      ],
    });
    expect((await http().get('/api/secteur/naf').query({ q: '43.2', limit: 1 }).expect(200)).body).toEqual({ q: '43.2', total: 2, items: [{ code: '43.21A', contrats: 5 }] });
    expect((await http().get('/api/secteur/naf').query({ q: '' }).expect(200)).body.total).toBe(3);
    const bad = await http().get('/api/secteur/naf').query({ q: 'électricien' }).expect(400);
    expect(bad.body.message).toContain('q : un code NAF comme 43.21A');
    await http().get('/api/secteur/naf').query({ limit: 0 }).expect(400);
  });

  it('documents both endpoints in OpenAPI', async () => {
    const doc = await http().get('/api/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/secteur', '/api/secteur/naf']));
    expect(doc.body.paths['/api/secteur'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['naf', 'couverture', 'niveauCpv', 'cpv']));
  });
});
