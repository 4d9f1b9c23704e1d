import { TOPICS } from '@observatoire/contracts';
import { countedAsSpend, probableDuplicateGroups } from '../../domain';
import { contractPublished } from '../../application/testing/analytics-test-kit';
import { contractsFromDecpInfo, readDecpInfoRows } from '../../application/testing/decp-info-extract';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './testing/analytics-test-app';

const QUIMPERLE = '24290069400173';

/**
 * GET /api/qualite/doublons on a Nest app built from AnalyticsModule (SQLite), fed with the real Breton decp.info
 * extract through the embedded bus: the SQL pre-filter must lose no group the rule finds over the whole file.
 */
describe('GET /api/qualite/doublons', () => {
  let t: AnalyticsTestApp;
  const contracts = contractsFromDecpInfo(readDecpInfoRows());

  beforeAll(async () => {
    t = await startAnalyticsTestApp('analytics-duplicates');
    await t.bus.publish(TOPICS.contracts, contracts.map((c) => contractPublished(c, 1)));
    await t.transport.drain(60_000);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('finds in the real Breton extract every group the rule finds over the whole file, the award Quimperlé published twice among them', async () => {
    const res = await t.http().get('/api/qualite/doublons').expect(200);
    const expected = probableDuplicateGroups(contracts);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.items).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(res.body).toMatchObject({ groups: expected.length, contracts: expected.reduce((n, g) => n + g.copies.length, 0), rule: { windowDays: 90 } });
    expect(res.body.excessAmount).toBeCloseTo(expected.reduce((s, g) => s + g.excessAmount, 0), 2);
    const sanitherm = res.body.items.find((g: { titulaires: string[] }) => g.titulaires.includes('319748422'));
    expect(sanitherm).toMatchObject({ acheteurId: QUIMPERLE, montant: 985008.19, codeCPV: '45212320' });
    expect(sanitherm.copies.map((c: { id: string }) => c.id).sort()).toEqual(['20242024-12-13', '2024T00053']);
  });

  it('applies the filters of the indicators: one buyer, a year', async () => {
    const quimperle = (await t.http().get(`/api/qualite/doublons?acheteur=${QUIMPERLE}`).expect(200)).body;
    expect(quimperle.groups).toBe(probableDuplicateGroups(contracts.filter((c) => c.acheteur.id === QUIMPERLE)).length);
    expect(quimperle.items.every((g: { acheteurId: string }) => g.acheteurId === QUIMPERLE)).toBe(true);
    expect((await t.http().get('/api/qualite/doublons?annee=2019').expect(200)).body).toMatchObject({ groups: 0, contracts: 0, excessAmount: 0, items: [] });
  });

  it('says in the sector overview how much of its total the probable duplicates count twice', async () => {
    const sector = (await t.http().get(`/api/secteur?acheteur=${QUIMPERLE}&cpv=45`).expect(200)).body;
    const expected = probableDuplicateGroups(contracts.filter((c) => c.acheteur.id === QUIMPERLE && c.codeCPV?.startsWith('45') && countedAsSpend(c)));
    expect(expected.length).toBeGreaterThan(0);
    expect(sector.probableDuplicates.groups).toBe(expected.length);
    expect(sector.probableDuplicates.contracts).toBe(expected.length * 2);
    expect(sector.probableDuplicates.excessAmount).toBeCloseTo(expected.reduce((s, g) => s + g.excessAmount, 0), 2);
    expect(sector.probableDuplicates.excessAmount).toBeLessThan(sector.totals.amount);
  });

  it('counts every copy of a probable duplicate as an anomaly of the data-quality indicator', async () => {
    const expected = probableDuplicateGroups(contracts.filter((c) => c.acheteur.id === QUIMPERLE));
    const r = (await t.http().get(`/api/indicators?acheteur=${QUIMPERLE}`).expect(200)).body;
    const dq = r.indicators.find((i: { key: string }) => i.key === 'data-quality');
    expect(dq.details.probableDuplicates).toBe(expected.reduce((n, g) => n + g.copies.length, 0));
    expect(dq.byCount.numerator).toBeGreaterThanOrEqual(dq.details.probableDuplicates);
  });

  it('refuses an unknown parameter with 400 INVALID_PARAMETER', async () => {
    const res = await t.http().get('/api/qualite/doublons?seuil=3').expect(400);
    expect(res.body.code).toBe('INVALID_PARAMETER');
  });
});
