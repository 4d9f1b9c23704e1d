import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import type { BuyerYearGrade, PublicationGradeDetails } from '../../domain';
import { contract, profile, ref } from '../../domain/testing/builders';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { GetIndicatorBreakdownHandler } from '../get-indicator-breakdown/get-indicator-breakdown.handler';
import { GetIndicatorSeriesHandler } from '../get-indicator-series/get-indicator-series.handler';
import { ProjectBuyerRegistryHandler } from '../project-buyer-registry/project-buyer-registry.handler';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../project-organisations/project-organisations.handler';
import type { AnalyticsFilters } from '../shared/analytics-filters';
import { FactsLoader } from '../shared/facts-loader';
import { QueryCache } from '../shared/query-cache';
import { buyerRegistered, buyerResolved, contractPublished, delivered, freshSqliteOrm } from '../testing/analytics-test-kit';
import { GetIndicatorsHandler } from './get-indicators.handler';

/** Commune de Rennes: registered, publishes in 2023 and 2024. */
const RENNES = '21350238800014';
/** Commune de Quimper: registered, published in 2023 only. */
const QUIMPER = '21290232500018';
/** Rennes Métropole: registered, never published anything (no profile either). */
const METROPOLE = '24350013900189';
/** Brest Métropole: registered, every feed disabled. */
const BREST = '24290031400017';
/** Not registered, publishes in 2024. */
const LORIENT = '21560121300011';

const registry = [
  buyerRegistered(RENNES, 1, { nom: 'Commune de Rennes' }),
  buyerRegistered(QUIMPER, 1, { nom: 'Commune de Quimper' }),
  buyerRegistered(METROPOLE, 1, { nom: 'Rennes Métropole' }),
  buyerRegistered(BREST, 1, { nom: 'Brest Métropole', active: false }),
];
const all: AnalyticsFilters = { coTraitance: 'partage' };

describe('publication grade E for registered buyers that published nothing (SQLite in memory)', () => {
  let orm: MikroORM;
  let store: ProjectionReadStore;
  let loader: FactsLoader;
  let cache: QueryCache;
  let buyers: ProjectBuyerRegistryHandler;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    await new ProjectOrganisationsHandler(orm).handle(
      delivered(
        [
          buyerResolved(profile(RENNES, { typeOrganisation: 'commune', departementCode: '35' }), 1),
          buyerResolved(profile(QUIMPER, { typeOrganisation: 'commune', departementCode: '29', communeCode: '29232', epciSiren: '242900694' }), 1),
          buyerResolved(profile(LORIENT, { typeOrganisation: 'commune', departementCode: '56', communeCode: '56121', epciSiren: '200042174' }), 1),
        ],
        TOPICS.organisations,
      ),
    );
    await new ProjectContractsHandler(orm).handle(
      delivered([
        contractPublished(contract({ uid: 'R23', acheteur: ref(RENNES), dateNotification: '2023-04-01' }), 1),
        contractPublished(contract({ uid: 'R24', acheteur: ref(RENNES), dateNotification: '2024-04-01' }), 1),
        contractPublished(contract({ uid: 'Q23', acheteur: ref(QUIMPER), dateNotification: '2023-06-01' }), 1),
        contractPublished(contract({ uid: 'L24', acheteur: ref(LORIENT), dateNotification: '2024-06-01' }), 1),
      ]),
    );
    buyers = new ProjectBuyerRegistryHandler(orm);
    await buyers.handle(delivered(registry, TOPICS.buyerRegistry));
    store = new ProjectionReadStore(orm);
    loader = new FactsLoader(store, 8, () => new Date('2025-03-01T00:00:00Z'));
    cache = new QueryCache(() => store.revision());
  });
  afterEach(() => orm.close());

  const indicators = (filters: AnalyticsFilters) => new GetIndicatorsHandler(loader, cache, {}).execute(filters);
  const gradeOf = async (filters: AnalyticsFilters) => (await indicators(filters)).indicators.find((i) => i.key === 'publication-grade')!.details as PublicationGradeDetails;
  const compact = (grades: BuyerYearGrade[]) => grades.map((g) => `${g.buyer}:${g.year}:${g.grade}:${g.contracts}`);

  it('grades E a registered buyer-year of 2024 without contract, and counts it in the distribution', async () => {
    const details = await gradeOf({ ...all, annee: 2024 });
    expect(compact(details.grades)).toEqual(['212902325:2024:E:0', '213502388:2024:D:1', '215601213:2024:D:1', '243500139:2024:E:0']);
    expect(details.distribution).toEqual({ A: 0, B: 0, C: 0, D: 2, E: 2 });
    // A buyer the registry no longer follows is expected nowhere.
    expect(details.grades.some((g) => g.buyer === '242900314')).toBe(false);
  });

  it('shows E for every year of the data on the page of a registered buyer that never published (acheteur = its SIRET)', async () => {
    const r = await indicators({ ...all, acheteur: METROPOLE });
    expect(r.contracts).toBe(0);
    const details = r.indicators.find((i) => i.key === 'publication-grade')!.details as PublicationGradeDetails;
    expect(compact(details.grades)).toEqual(['243500139:2023:E:0', '243500139:2024:E:0']);
    expect(r.indicators.find((i) => i.key === 'publication-grade')!.byCount).toMatchObject({ numerator: 0, denominator: 2, value: 0 });
  });

  it('a redelivered registry changes nothing: same projection revision, same answer', async () => {
    const before = await indicators({ ...all, annee: 2024 });
    const revision = await store.revision();
    expect(await buyers.handle(delivered(registry, TOPICS.buyerRegistry))).toMatchObject({ applied: 0, skipped: 4 });
    expect(await store.revision()).toBe(revision);
    expect(await new GetIndicatorsHandler(new FactsLoader(store, 8, () => new Date('2025-03-01T00:00:00Z')), new QueryCache(() => store.revision()), {}).execute({ ...all, annee: 2024 })).toEqual(before);
  });

  it('stops expecting a buyer once the registry says it is no longer followed', async () => {
    await buyers.handle(delivered([buyerRegistered(METROPOLE, 2, { nom: 'Rennes Métropole', active: false })], TOPICS.buyerRegistry));
    expect(compact((await gradeOf({ ...all, annee: 2024 })).grades)).toEqual(['212902325:2024:E:0', '213502388:2024:D:1', '215601213:2024:D:1']);
  });

  it('restricts expected buyers to the territory and type asked, judged on their profile (none without a profile)', async () => {
    expect(compact((await gradeOf({ ...all, annee: 2024, territoire: { level: 'departement', code: '29' } })).grades)).toEqual(['212902325:2024:E:0']);
    expect(compact((await gradeOf({ ...all, annee: 2024, territoire: { level: 'bretagne', code: '53' } })).grades)).toEqual(['212902325:2024:E:0', '213502388:2024:D:1', '215601213:2024:D:1']);
    expect(compact((await gradeOf({ ...all, annee: 2024, typeAcheteur: 'commune' })).grades)).toEqual(['212902325:2024:E:0', '213502388:2024:D:1', '215601213:2024:D:1']);
  });

  it('expects nothing under a contract-level filter (CPV, purchase type): a buyer is not expected to publish in every CPV', async () => {
    expect((await gradeOf({ ...all, annee: 2024, cpv: '45' })).distribution).toEqual({ A: 0, B: 0, C: 0, D: 2, E: 0 });
    expect((await gradeOf({ ...all, annee: 2024, typeAchat: 'travaux' })).distribution.E).toBe(0);
  });

  // Series and breakdowns carry summaries (no details): byCount.denominator = buyer-years graded, numerator = graded A.
  it('series: every year of the data gets its expected buyer-years', async () => {
    const series = await new GetIndicatorSeriesHandler(loader, cache, {}).execute(all, 'publication-grade');
    expect(series.series[0].points.map((p) => [p.year, p.contracts, p.value.byCount.denominator])).toEqual([
      [2023, 2, 3], // Rennes and Quimper published; Rennes Métropole expected (E)
      [2024, 2, 4], // Rennes and Lorient published; Quimper and Rennes Métropole expected (E)
    ]);
  });

  it('breakdown by buyer: a registered buyer without any contract is a group of its own (one buyer-year graded, E), named from the registry', async () => {
    const breakdown = await new GetIndicatorBreakdownHandler(loader, cache, {}).execute({ ...all, annee: 2024 }, 'buyer', 'publication-grade');
    expect(breakdown.groups.map((g) => [g.key, g.label, g.contracts, g.indicators[0].byCount.denominator])).toEqual([
      ['213502388', 'Commune de Rennes', 1, 1], // no name in its contracts nor its profile: the registry's
      ['215601213', null, 1, 1],
      ['212902325', 'Commune de Quimper', 0, 1],
      ['243500139', 'Rennes Métropole', 0, 1],
    ]);
  });

  it('breakdown by département: expected buyers in their profile’s département, unknown without a profile; none by CPV division', async () => {
    const breakdown = await new GetIndicatorBreakdownHandler(loader, cache, {}).execute({ ...all, annee: 2024 }, 'departement', 'publication-grade');
    expect(breakdown.groups.map((g) => [g.key, g.contracts, g.indicators[0].byCount.denominator])).toEqual([
      ['35', 1, 1],
      ['56', 1, 1],
      ['29', 0, 1],
      ['unknown', 0, 1],
    ]);
    const byCpv = await new GetIndicatorBreakdownHandler(loader, cache, {}).execute({ ...all, annee: 2024 }, 'cpvDivision', 'publication-grade');
    expect(byCpv.groups.map((g) => [g.key, g.contracts, g.indicators[0].byCount.denominator])).toEqual([['45', 2, 2]]);
  });
});
