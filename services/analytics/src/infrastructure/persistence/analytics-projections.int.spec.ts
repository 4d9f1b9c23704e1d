import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { inject } from 'vitest';
import { TOPICS } from '@observatoire/contracts';
import { contract, profile } from '../../domain/testing/builders';
import { GetIndicatorBreakdownHandler } from '../../application/get-indicator-breakdown/get-indicator-breakdown.handler';
import { GetIndicatorsHandler } from '../../application/get-indicators/get-indicators.handler';
import { ProjectBuyerRegistryHandler } from '../../application/project-buyer-registry/project-buyer-registry.handler';
import { ProjectContractsHandler } from '../../application/project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../../application/project-organisations/project-organisations.handler';
import { FactsLoader } from '../../application/shared/facts-loader';
import { QueryCache } from '../../application/shared/query-cache';
import { buyerRegistered, contractPublished, delivered, supplierResolved } from '../../application/testing/analytics-test-kit';
import { probableDuplicateGroups, type PublicationGradeDetails } from '../../domain';
import { GetProbableDuplicatesHandler } from '../../application/get-probable-duplicates/get-probable-duplicates.handler';
import { contractsFromDecpInfo, localShareByDepartementOverRows, readDecpInfoRows } from '../../application/testing/decp-info-extract';
import { NAF_FIXTURE_WINS, nafFixtureBatches } from '../../application/testing/naf-cpv-fixture';
import { createAnalyticsOrm, migrateAnalytics } from './analytics-orm';
import { ContractProjectionRepository } from './contract-projection.repository';
import { NafCpvRepository } from './naf-cpv.repository';
import { ProjectionReadStore } from './projection-read.store';

/**
 * The projections on the real PostgreSQL started by tools/test/global-engines.ts: a fresh database for this
 * file (CREATE DATABASE on the superuser URL), migrations up from empty, then the decp.info extract replayed
 * through the consumer and the local share by département checked against a direct computation over the file.
 */
const superuserUrl = inject('engines').postgres.url;
const database = `analytics_it_${randomBytes(4).toString('hex')}`;

describe('analytics projections on PostgreSQL', () => {
  let admin: MikroORM;
  let orm: MikroORM;

  beforeAll(async () => {
    admin = await createAnalyticsOrm(superuserUrl);
    await admin.em.getConnection().execute(`create database ${database}`);
    const url = new URL(superuserUrl);
    url.pathname = `/${database}`;
    orm = await createAnalyticsOrm(url.toString());
  });

  afterAll(async () => {
    await orm?.close();
    await admin?.em.getConnection().execute(`drop database if exists ${database} with (force)`);
    await admin?.close();
  });

  it('migrates up from an empty database, once', async () => {
    expect(await migrateAnalytics(orm)).toEqual(['Migration20261201000000_analytics_initial', 'Migration20261215000000_analytics_expected_buyer', 'Migration20261216000000_analytics_contract_kind', 'Migration20261220000000_analytics_facts']);
    expect(await migrateAnalytics(orm)).toEqual([]);
  });

  it('delivered twice, changed once; an older revision never overwrites a newer one', async () => {
    const handler = new ProjectContractsHandler(orm);
    const v2 = contractPublished(contract({ uid: 'PG-1', montant: 200_000 }), 2);
    await handler.handle(delivered([v2]));
    expect(await handler.handle(delivered([v2]))).toMatchObject({ applied: 0, skipped: 1 });
    expect(await handler.handle(delivered([contractPublished(contract({ uid: 'PG-1', montant: 1 }), 1)]))).toMatchObject({ applied: 0 });
    const repo = new ContractProjectionRepository(orm.em.fork());
    expect((await repo.versions(['PG-1'])).get('PG-1')).toBe(2);
    expect((await repo.contracts({ coTraitance: 'partage', acheteur: '21350238800014' }))[0].montant).toBe(200_000);
  });

  it('a late SupplierResolved changes the SME share', async () => {
    const store = new ProjectionReadStore(orm);
    const indicators = new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {});
    const filters = { coTraitance: 'partage' as const, acheteur: '21350238800014' };
    const sme = async () => (await indicators.execute(filters)).indicators.find((i) => i.key === 'sme-share')!.byCount;
    expect(await sme()).toMatchObject({ denominator: 0, unknown: 1 });
    await new ProjectOrganisationsHandler(orm).handle(delivered([supplierResolved(profile('44306184100047', { categorieEntreprise: 'PME' }), 1)], TOPICS.organisations));
    expect(await sme()).toMatchObject({ numerator: 1, denominator: 1, value: 1, unknown: 0 });
  });

  it('replays the real decp.info extract: local share by département equals a direct computation over the file', async () => {
    const rows = readDecpInfoRows();
    const contracts = contractsFromDecpInfo(rows);
    expect(contracts).toHaveLength(324);
    const handler = new ProjectContractsHandler(orm);
    const events = contracts.map((c) => contractPublished(c, 1));
    for (let i = 0; i < events.length; i += 100) await handler.handle(delivered(events.slice(i, i + 100)));

    const store = new ProjectionReadStore(orm);
    const breakdown = await new GetIndicatorBreakdownHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {}).execute(
      { coTraitance: 'partage', cpv: '4521', du: '2024-07-01', au: '2024-12-31' },
      'departement',
      'local-share-departement',
    );
    const expected = localShareByDepartementOverRows(rows);
    expect(breakdown.groups.map((g) => g.key).sort()).toEqual([...expected.keys()].sort());
    for (const g of breakdown.groups) {
      const e = expected.get(g.key)!;
      const v = g.indicators[0];
      expect(v.key).toBe('local-share-departement');
      expect(v.byCount.numerator).toBeCloseTo(e.numerator, 9);
      expect(v.byCount.denominator).toBeCloseTo(e.denominator, 9);
      expect(v.byCount.unknown).toBeCloseTo(e.unknown, 9);
      expect(v.byAmount!.numerator).toBeCloseTo(e.amountNumerator, 3);
      expect(v.byAmount!.denominator).toBeCloseTo(e.amountDenominator, 3);
    }
    // and the same over Brittany as a whole
    const all = await new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {}).execute({
      coTraitance: 'partage',
      territoire: { level: 'bretagne', code: '53' },
      cpv: '4521',
    });
    const total = [...expected.values()].reduce((s, e) => ({ n: s.n + e.numerator, d: s.d + e.denominator }), { n: 0, d: 0 });
    expect(all.indicators.find((i) => i.key === 'local-share-departement')!.byCount.value).toBeCloseTo(total.n / total.d, 12);
  });

  it('finds on PostgreSQL the probable duplicates the rule finds over the whole extract (the SQL pre-filter loses none)', async () => {
    // the extract was projected by the test above
    const contracts = contractsFromDecpInfo(readDecpInfoRows());
    const store = new ProjectionReadStore(orm);
    const handler = new GetProbableDuplicatesHandler(store, new QueryCache(() => store.revision()));
    const found = await handler.execute({ coTraitance: 'partage', cpv: '4521' });
    const expected = probableDuplicateGroups(contracts);
    expect(expected.length).toBeGreaterThan(0);
    expect(found.items).toEqual(expected);
    // one buyer (SIREN: all its establishments): its groups only
    const quimperle = await handler.execute({ coTraitance: 'partage', cpv: '4521', acheteur: '242900694' });
    expect(quimperle.items).toEqual(expected.filter((g) => g.acheteurId.startsWith('242900694')));
    expect(quimperle.groups).toBeGreaterThan(0);
  });

  it('grades E the 2024 of a registered buyer without contract; a redelivered registry changes nothing', async () => {
    const METROPOLE = '24350013900189';
    const handler = new ProjectBuyerRegistryHandler(orm);
    const registry = [buyerRegistered(METROPOLE, 1, { nom: 'Rennes Métropole' }), buyerRegistered('24290031400017', 1, { active: false })];
    expect(await handler.handle(delivered(registry, TOPICS.buyerRegistry))).toMatchObject({ applied: 2 });
    const store = new ProjectionReadStore(orm);
    const grades = async () => {
      const r = await new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {}).execute({ coTraitance: 'partage', annee: 2024 });
      return r.indicators.find((i) => i.key === 'publication-grade')!.details as PublicationGradeDetails;
    };
    const before = await grades();
    expect(before.grades.filter((g) => g.grade === 'E').map((g) => `${g.buyer}:${g.year}:${g.contracts}`)).toEqual(['243500139:2024:0']);
    expect(before.distribution.E).toBe(1);
    const revision = await store.revision();
    expect(await handler.handle(delivered(registry, TOPICS.buyerRegistry))).toMatchObject({ applied: 0, skipped: 2 });
    expect(await store.revision()).toBe(revision);
    expect(await grades()).toEqual(before);
  });

  it('gives the (NAF, CPV) table of wins with the same SQL semantics as SQLite (titulaires expanded from the contract JSON)', async () => {
    const batches = nafFixtureBatches();
    await new ProjectOrganisationsHandler(orm).handle(batches.organisations);
    await new ProjectContractsHandler(orm).handle(batches.contracts);
    // the contracts of the tests above have no titulaire with a NAF code: the table is the fixture's alone
    expect(await new NafCpvRepository(orm.em.fork()).wins()).toEqual(NAF_FIXTURE_WINS);
    const repo = new ContractProjectionRepository(orm.em.fork());
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: ['453', '454'], acheteur: '21560121900014' })).contracts).toBe(6);
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: [] })).contracts).toBe(0);
  });
});
