import { EmbeddedOrganisationProfileStore } from '../infrastructure/embedded/embedded-organisation-profile-store';
import { EmbeddedSearchIndex } from '../infrastructure/embedded/embedded-search-index';
import type { OrganisationProfileStore } from '../domain/organisation-profile-store.port';
import type { SearchIndex, UpsertReport } from '../domain/search-index.port';
import { BUYERS, SUPPLIERS, aContract } from '../testing/contract.builder';
import { buyerResolved, contractPublished, supplierResolved } from '../testing/search-events';
import { IndexContractWhenContractPublishedHandler } from './index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { ContractIndexingFailedError } from './index-contract-when-contract-published/index-failure-policy';
import { UpdateOrganisationWhenResolvedHandler } from './update-organisation-when-resolved/update-organisation-when-resolved.handler';

const LABELS = new Map([['45233140', 'Travaux routiers']]);

/** The use cases on the real embedded engine (SQLite in memory): no mock of the index or the store. */
describe('search consumers (use cases on the embedded engine)', () => {
  let index: EmbeddedSearchIndex;
  let profiles: EmbeddedOrganisationProfileStore;
  let indexContracts: IndexContractWhenContractPublishedHandler;
  let updateOrganisations: UpdateOrganisationWhenResolvedHandler;

  beforeEach(async () => {
    index = new EmbeddedSearchIndex({ file: ':memory:' });
    profiles = new EmbeddedOrganisationProfileStore({ file: ':memory:' });
    await index.ensureIndex();
    await profiles.ensure();
    indexContracts = new IndexContractWhenContractPublishedHandler(index, profiles, LABELS);
    updateOrganisations = new UpdateOrganisationWhenResolvedHandler(index, profiles);
  });

  afterEach(async () => {
    await index.close();
    await profiles.close();
  });

  const docOf = async (uid: string) => (await index.search({ size: 100 })).items.find((i) => i.uid === uid)?.doc;
  const contract = aContract({ acheteurId: BUYERS.rennesMetropole.id, id: 'R-1', titulaireIds: [SUPPLIERS.tpLeon.id], objet: 'Travaux de voirie' });

  it('indexes a contract with the stored profiles of its buyer and titulaires and the French CPV label', async () => {
    await updateOrganisations.execute([buyerResolved(BUYERS.rennesMetropole, 1), supplierResolved(SUPPLIERS.tpLeon, 1)]);
    const r = await indexContracts.execute([contractPublished(contract, 1)]);
    expect(r).toMatchObject({ received: 1, applied: 1, stale: 0 });
    const doc = await docOf(contract.uid);
    expect(doc).toMatchObject({ cpvLabel: 'Travaux routiers', buyer: { nom: 'Rennes Métropole' }, titulaires: [{ nom: 'SARL TRAVAUX PUBLICS DU LEON', categorie: 'PME' }] });
  });

  it('delivered twice, changed once: the redelivered revision is stale', async () => {
    const event = contractPublished(contract, 1);
    expect(await indexContracts.execute([event])).toMatchObject({ applied: 1, stale: 0 });
    expect(await indexContracts.execute([event])).toMatchObject({ applied: 0, stale: 1 });
    expect(await index.count()).toBe(1);
  });

  it('ignores an older revision arriving after a newer one, in one batch or in two', async () => {
    const v1 = contractPublished({ ...contract, objet: 'Première version' }, 1);
    const v2 = contractPublished({ ...contract, objet: 'Deuxième version' }, 2);
    expect(await indexContracts.execute([v2, v1])).toMatchObject({ applied: 1, stale: 1 });
    expect(await indexContracts.execute([v1])).toMatchObject({ applied: 0, stale: 1 });
    expect((await docOf(contract.uid))?.objet).toBe('Deuxième version');
  });

  it('applies a late SupplierResolved to the documents already indexed, once per version', async () => {
    await indexContracts.execute([contractPublished(contract, 1)]);
    expect((await docOf(contract.uid))?.titulaires[0].categorie).toBe('unknown');
    const event = supplierResolved(SUPPLIERS.tpLeon, 1);
    expect(await updateOrganisations.execute([event])).toMatchObject({ applied: 1, documentsUpdated: 1, skipped: 0 });
    expect((await docOf(contract.uid))?.titulaires[0].categorie).toBe('PME');
    expect(await updateOrganisations.execute([event])).toMatchObject({ applied: 0, documentsUpdated: 0, skipped: 1 });
  });

  it('keeps the newest profile when an older one arrives later', async () => {
    await indexContracts.execute([contractPublished(contract, 1)]);
    await updateOrganisations.execute([supplierResolved({ ...SUPPLIERS.tpLeon, categorieEntreprise: 'ETI' }, 2)]);
    expect(await updateOrganisations.execute([supplierResolved(SUPPLIERS.tpLeon, 1)])).toMatchObject({ applied: 0, skipped: 1 });
    expect((await docOf(contract.uid))?.titulaires[0].categorie).toBe('ETI');
    expect((await profiles.getMany([SUPPLIERS.tpLeon.id])).get(SUPPLIERS.tpLeon.id)?.version).toBe(2);
  });

  it('re-applies a profile whose effect was interrupted (stored, not marked applied) when it is redelivered', async () => {
    await indexContracts.execute([contractPublished(contract, 1)]);
    await profiles.put(SUPPLIERS.tpLeon, 1); // crash after the store, before updateOrganisation
    expect(await updateOrganisations.execute([supplierResolved(SUPPLIERS.tpLeon, 1)])).toMatchObject({ applied: 1, documentsUpdated: 1 });
    expect((await docOf(contract.uid))?.titulaires[0].categorie).toBe('PME');
  });

  it('never loses a profile stored by the other consumer while a contract batch is being written', async () => {
    // The organisations consumer stores the profile right after this batch read the store and runs
    // updateOrganisation before the batch writes: neither sees the other's write at first.
    let raced = false;
    const racingStore: OrganisationProfileStore = Object.create(profiles, {
      getMany: {
        value: async (ids: readonly string[]) => {
          const result = await profiles.getMany(ids);
          if (!raced) {
            raced = true;
            await updateOrganisations.execute([supplierResolved(SUPPLIERS.tpLeon, 1)]);
          }
          return result;
        },
      },
    });
    const handler = new IndexContractWhenContractPublishedHandler(index, racingStore, LABELS);
    const r = await handler.execute([contractPublished(contract, 1)]);
    expect(r.profilesReapplied).toBe(1);
    expect((await docOf(contract.uid))?.titulaires[0].categorie).toBe('PME');
  });

  it('throws an error naming the refused contracts, so that the bus retries and then dead-letters them', async () => {
    const refusing: SearchIndex = Object.create(index, {
      upsertMany: {
        value: async (): Promise<UpsertReport> => ({ applied: 1, stale: 0, failed: [{ uid: 'X-2', reason: '400 mapper_parsing_exception: bad date' }] }),
      },
    });
    const handler = new IndexContractWhenContractPublishedHandler(refusing, profiles, LABELS);
    const other = aContract({ id: 'X-2' });
    const failure = await handler.execute([contractPublished(contract, 1), contractPublished({ ...other, uid: 'X-2' }, 4)]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ContractIndexingFailedError);
    expect((failure as ContractIndexingFailedError).failures).toEqual([
      { uid: 'X-2', aggregateVersion: 4, reason: '400 mapper_parsing_exception: bad date', transient: false },
    ]);
  });

  it('ignores events of other types on its topics', async () => {
    const r = await indexContracts.execute([supplierResolved(SUPPLIERS.tpLeon, 1)]);
    expect(r).toMatchObject({ received: 0, ignored: 1, applied: 0 });
    expect(await updateOrganisations.execute([contractPublished(contract, 1)])).toMatchObject({ received: 0, ignored: 1 });
  });
});
