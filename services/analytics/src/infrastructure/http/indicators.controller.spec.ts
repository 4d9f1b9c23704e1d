import ExcelJS from 'exceljs';
import request from 'supertest';
import { createEvent, TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog, EventBusTransport } from '@observatoire/platform';
import { contract, profile, ref } from '../../domain/testing/builders';
import { INDICATOR_KEYS } from '../../domain';
import { buyerResolved, contractPublished, supplierResolved } from '../../application/testing/analytics-test-kit';
import { contractsFromDecpInfo, readDecpInfoRows } from '../../application/testing/decp-info-extract';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './testing/analytics-test-app';

const LORIENT_AGGLO = '20004217400014';
const PME = '44306184100047';

/** A Nest app built from AnalyticsModule and the platform's global providers, fed through the embedded bus. */
describe('analytics HTTP API', () => {
  let t: AnalyticsTestApp;
  let bus: EmbeddedEventLog;
  let transport: EventBusTransport;
  let extract: ReturnType<typeof contractsFromDecpInfo>;

  beforeAll(async () => {
    t = await startAnalyticsTestApp('analytics-http');
    bus = t.bus;
    transport = t.transport;

    extract = contractsFromDecpInfo(readDecpInfoRows());
    const lorient = profile(LORIENT_AGGLO, { nom: 'LORIENT AGGLOMERATION', typeOrganisation: 'epci', epciSiren: '200042174', communeCode: '56121', departementCode: '56' });
    await bus.publish(TOPICS.organisations, [buyerResolved(lorient, 1), supplierResolved(profile(PME), 1)]);
    // one topic at a time: EmbeddedEventLog's topic loops of one group race on the group's offsets file
    // when they commit at the same moment (see the service report); production order does not matter here.
    await transport.drain(60_000);
    await bus.publish(TOPICS.contracts, [
      ...extract.map((c) => contractPublished(c, 1)),
      contractPublished(contract({ uid: 'LA1', acheteur: ref(LORIENT_AGGLO), objet: 'Réfection de voirie', titulaires: [ref(PME)], montant: 80_000, dateNotification: '2024-06-01' }), 1),
      contractPublished(contract({ uid: 'LA2', acheteur: ref(LORIENT_AGGLO), objet: 'Entretien des routes', titulaires: [ref(PME)], montant: 120_000, dateNotification: '2024-09-01' }), 1),
      contractPublished(
        contract({ uid: 'LA3', acheteur: ref(LORIENT_AGGLO), objet: 'Accord-cadre voirie', techniques: ['Accord-cadre'], titulaires: [ref(PME)], montant: 2_000_000, dateNotification: '2024-10-01' }),
        1,
      ),
      contractPublished(
        contract({
          uid: 'LA4',
          kind: 'concession',
          acheteur: ref(LORIENT_AGGLO),
          objet: 'Délégation du service public de l’eau potable',
          codeCPV: '65111000',
          cpvDivision: '65',
          purchaseType: 'services',
          titulaires: [ref(PME)],
          montant: 5_000_000,
          dateNotification: '2024-04-01',
          concession: {
            valeurGlobale: 5_000_000,
            montantSubventionPublique: null,
            dateDebutExecution: '2024-04-01',
            donneesExecution: [
              { datePublicationDonneesExecution: '2024-04-18', tarifs: [{ tarif: { intituleTarif: 'Abonnement annuel', tarif: 45.5 } }, { tarif: { intituleTarif: 'Mètre cube', tarif: 2.1 } }] },
              { datePublicationDonneesExecution: '2025-04-18', tarifs: [{ tarif: { intituleTarif: 'Mètre cube', tarif: 2.25 } }] },
            ],
          },
        }),
        1,
      ),
    ]);
    await transport.drain(60_000);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  const http = () => t.http();

  it('GET /api/indicators returns every indicator over the current contracts', async () => {
    const res = await http().get('/api/indicators').expect(200);
    expect(res.body.contracts).toBe(extract.length + 4);
    expect(res.body.indicators.map((i: { key: string }) => i.key)).toEqual([...INDICATOR_KEYS]);
    const sme = res.body.indicators.find((i: { key: string }) => i.key === 'sme-share');
    expect(sme).toMatchObject({ label: expect.any(String), unit: 'share', byCount: { numerator: expect.any(Number), denominator: expect.any(Number), unknown: expect.any(Number) } });
    expect(res.body.indicators.find((i: { key: string }) => i.key === 'advances-charter').target).toBe(0.5);
    expect(res.body).toHaveProperty('excludedUnusableAmounts');
    expect(res.body.filters).toEqual({ coTraitance: 'partage' });
  });

  it('GET /api/indicators filters by territory and year', async () => {
    const res = await http().get('/api/indicators').query({ territoire: 'epci:200042174', annee: 2024 }).expect(200);
    expect(res.body.contracts).toBe(4);
    expect(res.body.filters).toEqual({ territoire: 'epci:200042174', annee: 2024, coTraitance: 'partage' });
  });

  it('refuses an invalid filter with 400 INVALID_PARAMETER and a clear message', async () => {
    const res = await http().get('/api/indicators').query({ acheteur: 'abc' }).set('x-correlation-id', 'c-1').expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('acheteur : un SIRET'), correlationId: 'c-1' });
    const unknown = await http().get('/api/indicators?annee=2024&du=2024-01-01').expect(400);
    expect(unknown.body.message).toContain('annee ne se combine pas avec du/au');
  });

  it('GET /api/indicators/series gives one indicator by year', async () => {
    const res = await http().get('/api/indicators/series').query({ indicator: 'local-share-departement' }).expect(200);
    expect(res.body.indicator.key).toBe('local-share-departement');
    expect(res.body.indicator.points.map((p: { year: number }) => p.year)).toEqual([2024]);
    await http().get('/api/indicators/series').expect(400);
  });

  it('GET /api/indicators/breakdown gives the indicators per group of a dimension', async () => {
    const res = await http().get('/api/indicators/breakdown').query({ dimension: 'departement', indicator: 'local-share-departement' }).expect(200);
    expect(res.body.groups.map((g: { key: string }) => g.key).sort()).toEqual(['22', '29', '35', '56']);
    expect(res.body.groups[0].indicators).toHaveLength(1);
    const buyers = await http().get('/api/indicators/breakdown').query({ dimension: 'buyer', territoire: 'departement:56' }).expect(200);
    expect(buyers.body.groups.find((g: { key: string }) => g.key === '200042174').label).toBe('LORIENT AGGLOMERATION');
    const bad = await http().get('/api/indicators/breakdown').query({ dimension: 'commune' }).expect(400);
    expect(bad.body.message).toContain('dimension : buyer, buyerType');
  });

  it('GET /api/indicators/export.csv streams a French CSV (BOM, `;`, decimal comma)', async () => {
    const res = await http().get('/api/indicators/export.csv').query({ table: 'breakdown', dimension: 'departement' }).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('repartition-departement.csv');
    const text = (res.body as Buffer).toString('utf8');
    expect(text.startsWith('\uFEFFDimension;Groupe;Libellé du groupe;Contrats;Indicateur;Clé;')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(1 + 4 * INDICATOR_KEYS.length);
    expect(lines.find((l) => l.includes(';local-share-departement;') && l.startsWith('departement;56;Morbihan'))).toMatch(/;\d+,\d+;/);
    await http().get('/api/indicators/export.csv').query({ table: 'breakdown' }).expect(400);
  });

  it('GET /api/indicators/export.xlsx streams a workbook with French headers', async () => {
    const res = await http().get('/api/indicators/export.xlsx').query({ table: 'series' }).buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('series')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('Année de notification');
    expect(sheet.getRow(1).getCell(6).value).toBe('Valeur en nombre (%)');
    expect(sheet.rowCount).toBe(1 + INDICATOR_KEYS.length);
  });

  it('GET /api/secteur answers "how much did Lorient Agglomération award in my trade last year"', async () => {
    const res = await http().get('/api/secteur').query({ territoire: 'epci:200042174', cpv: '45', du: '2024-01-01', au: '2024-12-31' }).expect(200);
    expect(res.body.totals).toEqual({ contracts: 3, amount: 200_000, unusableAmounts: 0, frameworkAgreements: { contracts: 1, maxAmount: 2_000_000 } });
    expect(res.body.byYear).toEqual([{ year: 2024, contracts: 3, amount: 200_000, unusableAmounts: 0, frameworkAgreements: { contracts: 1, maxAmount: 2_000_000 } }]);
    expect(res.body.topBuyers).toEqual([{ acheteur: '200042174', nom: 'LORIENT AGGLOMERATION', contracts: 3, amount: 200_000 }]);
    expect(res.body.latestContracts[0]).toEqual({
      uid: 'LA3',
      objet: 'Accord-cadre voirie',
      acheteur: { id: LORIENT_AGGLO, nom: 'LORIENT AGGLOMERATION' },
      montant: 2_000_000,
      montantUtilisable: true,
      accordCadre: true,
      dateNotification: '2024-10-01',
      lien: '/contrats/LA3',
    });
    await http().get('/api/secteur').query({ limit: 0 }).expect(400);
  });

  it('GET /api/prix gives the distribution of awarded amounts, framework-agreement maxima apart', async () => {
    const res = await http().get('/api/prix').query({ territoire: 'epci:200042174', cpv: '4523' }).expect(200);
    expect(res.body.amounts).toEqual({ count: 2, min: 80_000, q1: 90_000, median: 100_000, q3: 110_000, max: 120_000, mean: 100_000 });
    expect(res.body.frameworkAgreementMaxima).toMatchObject({ count: 1, median: 2_000_000 });
    const all = await http().get('/api/prix').query({ cpv: '4521' }).expect(200);
    expect(all.body.amounts.count + all.body.excludedUnusableAmounts).toBe(extract.length);
    expect(all.body.concessionTariffs).toEqual({ concessions: 0, count: 0, items: [] });
  });

  it('GET /api/prix lists the tariffs concessions publish in their execution data, most recent first', async () => {
    const res = await http().get('/api/prix').query({ territoire: 'epci:200042174', cpv: '65' }).expect(200);
    expect(res.body.concessionTariffs.concessions).toBe(1);
    expect(res.body.concessionTariffs.count).toBe(3);
    expect(res.body.concessionTariffs.items.map((t: { datePublication: string; intituleTarif: string; tarif: number }) => [t.datePublication, t.intituleTarif, t.tarif])).toEqual([
      ['2025-04-18', 'Mètre cube', 2.25],
      ['2024-04-18', 'Abonnement annuel', 45.5],
      ['2024-04-18', 'Mètre cube', 2.1],
    ]);
    expect(res.body.concessionTariffs.items[0]).toMatchObject({ uid: 'LA4', acheteurId: LORIENT_AGGLO, objet: 'Délégation du service public de l’eau potable' });
    // outside the period or the territory: none
    const other = await http().get('/api/prix').query({ territoire: 'departement:29', cpv: '65' }).expect(200);
    expect(other.body.concessionTariffs.count).toBe(0);
  });

  // Last: it adds a registered buyer, which the other tests' publication grades do not expect.
  it('GET /api/indicators?acheteur=<SIRET> grades E the years of a registered buyer that published nothing (BuyerRegistered consumed)', async () => {
    const METROPOLE = '24350013900189';
    const registered = createEvent(
      'BuyerRegistered',
      { siret: METROPOLE, siren: '243500139', nom: 'Rennes Métropole', registeredAt: '2024-01-01T00:00:00.000Z', active: true },
      { source: 'observatoire/ingest', aggregateId: METROPOLE, aggregateVersion: 1, correlationId: 'test', idParts: [METROPOLE, '1', 'h'] },
    );
    await bus.publish(TOPICS.buyerRegistry, [registered]);
    await transport.drain(60_000);
    const res = await http().get('/api/indicators').query({ acheteur: METROPOLE, annee: 2024 }).expect(200);
    expect(res.body.contracts).toBe(0);
    const grade = res.body.indicators.find((i: { key: string }) => i.key === 'publication-grade');
    expect(grade.details.grades).toEqual([expect.objectContaining({ buyer: '243500139', year: 2024, grade: 'E', contracts: 0 })]);
    expect(grade.details.distribution).toEqual({ A: 0, B: 0, C: 0, D: 0, E: 1 });
    // Redelivered (the registry re-published at an ingest start): nothing changes.
    await bus.publish(TOPICS.buyerRegistry, [registered]);
    await transport.drain(60_000);
    expect((await http().get('/api/indicators').query({ acheteur: METROPOLE, annee: 2024 }).expect(200)).body).toEqual(res.body);
    // With a CPV filter, nothing is expected from it.
    const cpv = await http().get('/api/indicators').query({ acheteur: METROPOLE, annee: 2024, cpv: '45' }).expect(200);
    expect(cpv.body.indicators.find((i: { key: string }) => i.key === 'publication-grade').details.grades).toEqual([]);
  });

  it('registers its health check and OpenAPI paths', async () => {
    const health = await http().get('/api/health').expect(200);
    expect(health.body.checks.analyticsDatabase.ok).toBe(true);
    const doc = await http().get('/api/openapi.json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/indicators', '/api/indicators/series', '/api/indicators/breakdown', '/api/indicators/export.csv', '/api/indicators/export.xlsx', '/api/secteur', '/api/prix']),
    );
  });
});

function binary(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}
