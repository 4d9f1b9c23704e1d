import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { GetSectorOverviewHandler } from '../../application/get-sector-overview/get-sector-overview.handler';
import { MapNafToCpvHandler } from '../../application/map-naf-to-cpv/map-naf-to-cpv.handler';
import { ProjectContractsHandler } from '../../application/project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../../application/project-organisations/project-organisations.handler';
import { QueryCache } from '../../application/shared/query-cache';
import { delivered, freshSqliteOrm, supplierResolved } from '../../application/testing/analytics-test-kit';
import { NAF_FIXTURE_SUPPLIERS, NAF_FIXTURE_WINS, nafFixtureBatches } from '../../application/testing/naf-cpv-fixture';
import { parseNaf } from '../../domain';
import { profile } from '../../domain/testing/builders';
import { ContractProjectionRepository } from './contract-projection.repository';
import { NafCpvRepository } from './naf-cpv.repository';
import { ProjectionReadStore } from './projection-read.store';

describe('the (NAF, CPV) table of wins (SQLite in memory)', () => {
  let orm: MikroORM;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    const batches = nafFixtureBatches();
    await new ProjectOrganisationsHandler(orm).handle(batches.organisations);
    await new ProjectContractsHandler(orm).handle(batches.contracts);
  });
  afterEach(() => orm.close());

  it('counts each contract once per NAF code of its titulaires, valid CPV codes only, framework maxima and unusable amounts not summed', async () => {
    expect(await new NafCpvRepository(orm.em.fork()).wins()).toEqual(NAF_FIXTURE_WINS);
  });

  it('is empty on an empty store', async () => {
    const empty = await freshSqliteOrm();
    expect(await new NafCpvRepository(empty.em.fork()).wins()).toEqual([]);
    await empty.close();
  });

  it('follows a late SupplierResolved: a new NAF code moves the supplier’s wins', async () => {
    await new ProjectOrganisationsHandler(orm).handle(delivered([supplierResolved(profile(NAF_FIXTURE_SUPPLIERS.plumber, { naf: '43.21A' }), 2)], TOPICS.organisations));
    const wins = await new NafCpvRepository(orm.em.fork()).wins();
    // C3 was a win of 43.21A (electrician) and of 43.22A (plumber): now one win of 43.21A
    expect(wins.filter((w) => w.naf === '43.22A')).toEqual([]);
    expect(wins.find((w) => w.naf === '43.21A' && w.cpv === '453')).toEqual({ naf: '43.21A', cpv: '453', contracts: 3, amount: 600_000 });
  });

  it('filters contracts on a set of CPV prefixes (any of them); an empty set selects nothing', async () => {
    const repo = new ContractProjectionRepository(orm.em.fork());
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: ['453', '712'] })).contracts).toBe(5);
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: ['454'] })).contracts).toBe(2);
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: [] })).contracts).toBe(0);
    expect((await repo.sectorTotals({ coTraitance: 'partage', cpvIn: ['453'], typeAchat: 'services' })).contracts).toBe(0);
    await expect(repo.sectorTotals({ coTraitance: 'partage', cpvIn: ["45' or 1=1 --"] })).rejects.toThrow(/cpvIn/);
  });

  it('gives the sector overview of the CPV codes a NAF code was mapped to', async () => {
    const store = new ProjectionReadStore(orm);
    const cache = new QueryCache(() => store.revision());
    const sector = new GetSectorOverviewHandler(store, cache, new MapNafToCpvHandler(store, cache));
    const byNaf = await sector.execute({ coTraitance: 'partage' }, 10, { naf: parseNaf('4321A')!, rule: { minContracts: 2 } });
    expect(byNaf.secteur).toMatchObject({
      naf: '43.21A',
      codesNaf: ['43.21A'],
      marches: 5,
      montant: 600_000,
      cpv: [
        { code: '453', contrats: 3, montant: 600_000, part: 0.6, partMontant: 1 },
        { code: '454', contrats: 2, montant: 0, part: 0.4, partMontant: 0 },
      ],
      couverture: 1,
      regle: { niveau: 'groupe', couverture: 0.8, supportMin: 2, partMin: 0.02 },
      message: null,
    });
    expect(byNaf.filters).toEqual({ coTraitance: 'partage', naf: '43.21A' });
    // the overview covers every contract of those codes, whoever won it (C8 has no NAF but is in 453)
    expect(byNaf.totals.contracts).toBe(6);
    const byCpv = await sector.execute({ coTraitance: 'partage', cpv: '453' }, 10);
    const byCpv454 = await sector.execute({ coTraitance: 'partage', cpv: '454' }, 10);
    expect(byNaf.totals.contracts).toBe(byCpv.totals.contracts + byCpv454.totals.contracts);
    expect(byNaf.totals.amount).toBe(byCpv.totals.amount + byCpv454.totals.amount);
    expect(byCpv.secteur).toBeUndefined();
  });

  it('answers an empty overview, with the reason, for a NAF code no supplier has', async () => {
    const store = new ProjectionReadStore(orm);
    const cache = new QueryCache(() => store.revision());
    const r = await new GetSectorOverviewHandler(store, cache, new MapNafToCpvHandler(store, cache)).execute({ coTraitance: 'partage' }, 10, { naf: parseNaf('56.10A')! });
    expect(r.totals).toEqual({ contracts: 0, amount: 0, unusableAmounts: 0, frameworkAgreements: { contracts: 0, maxAmount: 0 } });
    expect(r.byYear).toEqual([]);
    expect(r.latestContracts).toEqual([]);
    expect(r.secteur).toMatchObject({ naf: '56.10A', cpv: [], marches: 0, couverture: null });
    expect(r.secteur?.message).toMatch(/^Aucun marché n’a été remporté par une entreprise de code NAF 56\.10A/);
  });
});
