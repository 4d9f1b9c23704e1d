import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { contract, profile, ref } from '../../domain/testing/builders';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { GetIndicatorsHandler } from '../get-indicators/get-indicators.handler';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { FactsLoader } from '../shared/facts-loader';
import { QueryCache } from '../shared/query-cache';
import { buyerResolved, contractPublished, delivered, freshSqliteOrm, supplierResolved } from '../testing/analytics-test-kit';
import { ProjectOrganisationsHandler } from './project-organisations.handler';

const BUYER = '21350238800014';
const PME = '44306184100047';
const LATE = '55208131766522';

describe('ProjectOrganisationsHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  let contracts: ProjectContractsHandler;
  let organisations: ProjectOrganisationsHandler;
  let indicators: GetIndicatorsHandler;
  let store: ProjectionReadStore;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    contracts = new ProjectContractsHandler(orm);
    organisations = new ProjectOrganisationsHandler(orm);
    store = new ProjectionReadStore(orm);
    indicators = new GetIndicatorsHandler(new FactsLoader(store), new QueryCache(() => store.revision()), {});
  });
  afterEach(() => orm.close());

  const orgs = (...events: Parameters<typeof delivered>[0]) => organisations.handle(delivered(events, TOPICS.organisations));
  const smeShare = async () => (await indicators.execute({ coTraitance: 'partage' })).indicators.find((i) => i.key === 'sme-share')!;

  it('a late SupplierResolved changes the SME share (facts are computed at query time from current profiles)', async () => {
    await orgs(supplierResolved(profile(PME, { categorieEntreprise: 'PME' }), 1));
    await contracts.handle(
      delivered([
        contractPublished(contract({ uid: 'U1', titulaires: [ref(PME)] }), 1),
        contractPublished(contract({ uid: 'U2', titulaires: [ref(LATE)], montant: 300_000 }), 1),
      ]),
    );
    const before = await smeShare();
    expect(before.byCount).toMatchObject({ numerator: 1, denominator: 1, unknown: 1 });

    await orgs(supplierResolved(profile(LATE, { categorieEntreprise: 'GE' }), 1));
    const after = await smeShare();
    expect(after.byCount).toMatchObject({ numerator: 1, denominator: 2, value: 0.5, unknown: 0 });
    expect(after.byAmount).toMatchObject({ numerator: 100_000, denominator: 400_000, value: 0.25 });
  });

  it('an older profile version never replaces a newer one, and a redelivery changes nothing', async () => {
    await contracts.handle(delivered([contractPublished(contract({ uid: 'U1', titulaires: [ref(PME)] }), 1)]));
    const v2 = supplierResolved(profile(PME, { categorieEntreprise: 'GE', resolvedAt: '2025-02-01T00:00:00Z' }), 2);
    await orgs(v2);
    const outcome = await orgs(supplierResolved(profile(PME, { categorieEntreprise: 'PME' }), 1), v2);
    expect(outcome).toMatchObject({ received: 2, applied: 0, skipped: 2 });
    expect((await smeShare()).byCount).toMatchObject({ numerator: 0, denominator: 1 });
  });

  it('a late BuyerResolved moves the buyer’s contracts into its territory and type for the SQL pre-filter', async () => {
    await contracts.handle(delivered([contractPublished(contract({ uid: 'U1', acheteur: ref(BUYER) }), 1)]));
    const lorient = { coTraitance: 'partage' as const, territoire: { level: 'epci' as const, code: '200042174' } };
    expect(await store.contracts(lorient)).toHaveLength(0);

    const buyer = profile(BUYER, { typeOrganisation: 'epci', epciSiren: '200042174', communeCode: '56121', departementCode: '56', nom: 'LORIENT AGGLOMERATION' });
    await orgs(buyerResolved(buyer, 1), supplierResolved(buyer, 1));
    expect(await store.contracts(lorient)).toHaveLength(1);
    expect(await store.contracts({ coTraitance: 'partage', territoire: { level: 'departement', code: '56' }, typeAcheteur: 'epci' })).toHaveLength(1);
    const result = await indicators.execute(lorient);
    expect(result.contracts).toBe(1);
  });

  it('a contract published after its buyer’s profile gets the buyer columns at once', async () => {
    await orgs(buyerResolved(profile(BUYER, { departementCode: '29', communeCode: '29019', epciSiren: '242900314' }), 1));
    await contracts.handle(delivered([contractPublished(contract({ uid: 'U1', acheteur: ref(BUYER) }), 1)]));
    expect(await store.contracts({ coTraitance: 'partage', territoire: { level: 'departement', code: '29' } })).toHaveLength(1);
  });
});
