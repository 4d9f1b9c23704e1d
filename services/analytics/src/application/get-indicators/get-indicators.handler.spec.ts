import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { computeIndicators, toFacts } from '../../domain';
import { contract, lookup, profile, ref } from '../../domain/testing/builders';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { GetIndicatorBreakdownHandler } from '../get-indicator-breakdown/get-indicator-breakdown.handler';
import { GetIndicatorSeriesHandler } from '../get-indicator-series/get-indicator-series.handler';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../project-organisations/project-organisations.handler';
import { FactsLoader } from '../shared/facts-loader';
import { QueryCache } from '../shared/query-cache';
import { buyerResolved, contractPublished, delivered, freshSqliteOrm, supplierResolved } from '../testing/analytics-test-kit';
import { GetIndicatorsHandler } from './get-indicators.handler';

const RENNES = '21350238800014';
const QUIMPER = '21290232500018';
const PME = '44306184100047';
const GE = '55208131766522';

const profiles = [
  profile(RENNES, { typeOrganisation: 'commune', departementCode: '35' }),
  profile(QUIMPER, { typeOrganisation: 'commune', departementCode: '29', communeCode: '29232', epciSiren: '242900694' }),
  profile(PME, { categorieEntreprise: 'PME' }),
  profile(GE, { categorieEntreprise: 'GE', departementCode: '75', regionCode: '11', communeCode: '75056', epciSiren: '200054781' }),
];
const contracts = [
  contract({ uid: 'R1', acheteur: ref(RENNES), titulaires: [ref(PME)], montant: 100_000, dateNotification: '2023-05-01' }),
  contract({ uid: 'R2', acheteur: ref(RENNES), titulaires: [ref(PME), ref(GE)], montant: 200_000, dateNotification: '2024-02-01' }),
  contract({ uid: 'Q1', acheteur: ref(QUIMPER), titulaires: [ref(GE)], codeCPV: '72000000', cpvDivision: '72', purchaseType: 'services', montant: 50_000 }),
  contract({ uid: 'Q2', acheteur: ref(QUIMPER), titulaires: [ref(PME)], montant: null, montantUtilisable: false, dateNotification: '2024-09-30' }),
];

describe('query use cases (SQLite in memory)', () => {
  let orm: MikroORM;
  let store: ProjectionReadStore;
  let cache: QueryCache;
  let indicators: GetIndicatorsHandler;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    await new ProjectOrganisationsHandler(orm).handle(
      delivered([...profiles.map((p) => supplierResolved(p, 1)), buyerResolved(profiles[0], 1), buyerResolved(profiles[1], 1)], TOPICS.organisations),
    );
    await new ProjectContractsHandler(orm).handle(delivered(contracts.map((c) => contractPublished(c, 1))));
    store = new ProjectionReadStore(orm);
    cache = new QueryCache(() => store.revision());
    indicators = new GetIndicatorsHandler(new FactsLoader(store), cache, {});
  });
  afterEach(() => orm.close());

  const direct = (selected: typeof contracts, rule: 'even-split' | 'lead' = 'even-split') => {
    const facts = contracts.map((c) => toFacts(c, lookup(...profiles), { coContractorRule: rule }));
    return computeIndicators(facts.filter((f) => selected.some((c) => c.uid === f.uid)), { history: facts, historyStart: '2023-05-01', targets: {} });
  };

  it('computes every indicator over all current contracts exactly as the domain does', async () => {
    const r = await indicators.execute({ coTraitance: 'partage' });
    expect(r.contracts).toBe(4);
    expect(r.excludedUnusableAmounts).toBe(1);
    expect(r.historyStart).toBe('2023-05-01');
    const expected = direct(contracts);
    // the store gives the number of concentration markets, not their (unbounded) list
    const withoutGroups = (v: (typeof r.indicators)[number]) => (v.key === 'concentration' ? { ...v, details: { ...(v.details as object), groups: undefined, markets: undefined, concentratedMarkets: undefined } } : v);
    for (const v of r.indicators) expect(withoutGroups(v)).toEqual(withoutGroups(expected[v.key]));
    expect(r.indicators.find((v) => v.key === 'concentration')!.details).toMatchObject({ markets: 2, concentratedMarkets: 2 });
    expect(r.freshness).toMatchObject({ revision: expect.any(Number), asOf: expect.any(String), lag: null, catchingUp: false });
  });

  it('filters by buyer SIREN, territory, CPV prefix, purchase type and dates on the SQL pre-filter', async () => {
    expect((await indicators.execute({ coTraitance: 'partage', acheteur: '213502388' })).contracts).toBe(2);
    expect((await indicators.execute({ coTraitance: 'partage', territoire: { level: 'departement', code: '29' } })).contracts).toBe(2);
    expect((await indicators.execute({ coTraitance: 'partage', territoire: { level: 'bretagne', code: '53' } })).contracts).toBe(4);
    expect((await indicators.execute({ coTraitance: 'partage', cpv: '72' })).contracts).toBe(1);
    expect((await indicators.execute({ coTraitance: 'partage', typeAchat: 'travaux' })).contracts).toBe(3);
    expect((await indicators.execute({ coTraitance: 'partage', annee: 2024 })).contracts).toBe(3);
    expect((await indicators.execute({ coTraitance: 'partage', du: '2024-02-01', au: '2024-03-01' })).contracts).toBe(2);
    expect((await indicators.execute({ coTraitance: 'partage', typeAcheteur: 'commune', annee: 2023 })).contracts).toBe(1);
  });

  it('coTraitance=mandataire credits a groupement to its lead contractor', async () => {
    const sme = async (coTraitance: 'partage' | 'mandataire') =>
      (await indicators.execute({ coTraitance, acheteur: RENNES })).indicators.find((i) => i.key === 'sme-share')!.byCount;
    expect(await sme('partage')).toMatchObject({ numerator: 1.5, denominator: 2 });
    expect(await sme('mandataire')).toMatchObject({ numerator: 2, denominator: 2 });
  });

  it('serves repeated queries from the cache until the projection changes', async () => {
    const first = await indicators.execute({ coTraitance: 'partage' });
    expect((await indicators.execute({ coTraitance: 'partage' })).indicators).toBe(first.indicators);
    await new ProjectContractsHandler(orm).handle(delivered([contractPublished(contract({ uid: 'N1', acheteur: ref(RENNES) }), 1)]));
    const after = await indicators.execute({ coTraitance: 'partage' });
    expect(after.indicators).not.toBe(first.indicators);
    expect(after.contracts).toBe(5);
  });

  it('series by year and breakdown by département use the same facts', async () => {
    const loader = new FactsLoader(store);
    const series = await new GetIndicatorSeriesHandler(loader, cache, {}).execute({ coTraitance: 'partage' }, 'sme-share');
    expect(series.series[0].points.map((p) => [p.year, p.contracts])).toEqual([
      [2023, 1],
      [2024, 3],
    ]);
    const breakdown = await new GetIndicatorBreakdownHandler(loader, cache, {}).execute({ coTraitance: 'partage' }, 'departement', 'local-share-departement');
    expect(breakdown.groups.map((g) => [g.key, g.label, g.contracts])).toEqual([
      ['29', 'Finistère', 2],
      ['35', 'Ille-et-Vilaine', 2],
    ]);
    expect(breakdown.groups[1].indicators[0].byCount).toEqual(direct(contracts.filter((c) => c.uid.startsWith('R')))['local-share-departement'].byCount);
  });
});
