import * as path from 'node:path';
import { applyContractPublishedBatch } from '../../src/application/apply-contract-published-batch/apply-contract-published-batch';
import { importSireneStock } from '../../src/application/import-sirene-stock/import-sirene-stock';
import type { OrganisationSource } from '../../src/application/resolve-organisations/organisation-resolver.port';
import { resolveOrganisations } from '../../src/application/resolve-organisations/resolve-organisations';
import { SourcesInOrderResolver } from '../../src/application/resolve-organisations/sources-in-order.resolver';
import { ContractEntity, ContractTitulaireEntity, ContractVersionEntity, OrganisationEntity, ResolutionAttemptEntity } from '../../src/infrastructure/orm/entities';
import { RechercheEntreprisesClient } from '../../src/infrastructure/sirene/recherche-entreprises.client';
import { OfflineApiSource, RechercheEntreprisesSource } from '../../src/infrastructure/sirene/recherche-entreprises.source';
import { SireneStockSource } from '../../src/infrastructure/sirene/sirene-stock.source';
import { defaultTerritoryReference } from '../../src/infrastructure/territory/territory-reference';
import { aContract, contractPublished, org } from './contract-events';
import { startFakeRechercheEntreprises, type FakeApi } from './fake-recherche-entreprises';
import { freshStorePerTest, type OpenStore } from './fresh-store';

export const SIRENE_FIXTURES = path.resolve(__dirname, '../fixtures/sirene');

/**
 * The catalog's use-case behaviours, run against each store (SQLite embedded, PostgreSQL).
 * `open` returns a freshly migrated, empty ORM for each test.
 */
export function catalogUseCaseScenarios(store: string, open: OpenStore): void {
  describe(`catalog use cases on ${store}`, () => {
    const { orm: ormOf, em } = freshStorePerTest(open);

    it('delivered twice, changed once', async () => {
      const event = contractPublished(aContract(), 1);
      const first = await applyContractPublishedBatch(em(), [event]);
      const before = await em().findOneOrFail(ContractEntity, { uid: event.aggregateId });
      const second = await applyContractPublishedBatch(em(), [event]);
      const after = await em().findOneOrFail(ContractEntity, { uid: event.aggregateId });
      expect(first.applied).toBe(1);
      expect(second).toMatchObject({ applied: 0, newOrganisations: [], skipped: [{ reason: 'ALREADY_PROCESSED' }] });
      expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
      expect(await em().count(ContractVersionEntity, {})).toBe(1);
    });

    it('an older revision arriving after a newer one is ignored', async () => {
      const v1 = contractPublished(aContract({ montant: 100_000 }), 1);
      const v2 = contractPublished(aContract({ montant: 150_000 }), 2);
      await applyContractPublishedBatch(em(), [v2]);
      const late = await applyContractPublishedBatch(em(), [v1]);
      const stored = await em().findOneOrFail(ContractEntity, { uid: v2.aggregateId });
      expect(late.skipped).toEqual([{ eventId: v1.eventId, uid: v1.aggregateId, reason: 'STALE_REVISION' }]);
      expect([stored.montant, stored.aggregateVersion]).toEqual([150_000, 2]);
    });

    it('a newer revision replaces versions and co-contractor links, and returns only new organisations', async () => {
      const lead = org('44306184100047');
      const partner = org('52345678800011');
      await applyContractPublishedBatch(em(), [contractPublished(aContract({ titulaires: [lead] }), 1)]);
      const modified = aContract({
        titulaires: [lead, partner],
        montant: 180_000,
        versions: [
          { seq: 0, kind: 'initial', montant: 125_000, dureeMois: 12, titulaires: [lead], dateNotification: '2024-09-15', datePublicationDonnees: '2024-10-01' },
          { seq: 1, kind: 'modification', montant: 180_000, dureeMois: null, titulaires: [lead, partner], dateNotification: '2025-02-01', datePublicationDonnees: '2025-02-10' },
        ],
      });
      const result = await applyContractPublishedBatch(em(), [contractPublished(modified, 2)]);
      const links = await em().find(ContractTitulaireEntity, {}, { orderBy: { ordinal: 'asc' } });
      expect(result.newOrganisations).toEqual([{ id: '52345678800011', role: 'supplier' }]);
      expect(links.map((l) => [l.titulaireId, l.role])).toEqual([
        ['44306184100047', 'mandataire'],
        ['52345678800011', 'cotraitant'],
      ]);
      expect(await em().count(ContractVersionEntity, {})).toBe(2);
    });

    it('a batch of many contracts is written with one transaction', async () => {
      const events = Array.from({ length: 700 }, (_, i) => contractPublished(aContract({ id: `B-${i}`, titulaires: [org(`44306184100${String(i).padStart(3, '0')}`)] }), 1));
      const result = await applyContractPublishedBatch(em(), events);
      expect(result.applied).toBe(700);
      expect(result.newOrganisations).toHaveLength(701);
      expect(await em().count(ContractEntity, {})).toBe(700);
    });

    describe('resolution', () => {
      const territory = defaultTerritoryReference();
      const resolverWith = (api: OrganisationSource) => new SourcesInOrderResolver([new SireneStockSource(), api], territory);
      let fake: FakeApi;
      beforeEach(async () => {
        fake = await startFakeRechercheEntreprises();
        await importSireneStock({
          orm: ormOf(),
          unitesLegales: path.join(SIRENE_FIXTURES, 'StockUniteLegale_extract.csv'),
          etablissements: path.join(SIRENE_FIXTURES, 'StockEtablissement_extract.csv'),
          batchSize: 2,
        });
        const contract = aContract({
          acheteur: org('24350013900189'),
          titulaires: [org('44306184100054'), org('81234567600018'), org('DE811907980', 'TVA'), org('00001'), org('75310000700012'), org('90000001900025')],
        });
        await applyContractPublishedBatch(em(), [contractPublished(contract, 1)]);
      });
      afterEach(async () => {
        await fake.close();
      });

      it('resolves from the SIRENE stock extract, with unknown reasons for the rest when offline', async () => {
        const ids = ['24350013900189', '44306184100054', '81234567600018', 'DE811907980', '00001', '90000001900025'];
        const { profiles, events } = await resolveOrganisations(em(), resolverWith(new OfflineApiSource()), ids);
        const byId = new Map(profiles.map((p) => [p.id, p]));
        expect(byId.get('24350013900189')).toMatchObject({ status: 'resolved', nom: 'RENNES METROPOLE', typeOrganisation: 'epci', epciSiren: '243500139', origin: 'sirene-stock' });
        expect(byId.get('44306184100054')).toMatchObject({ status: 'resolved', categorieEntreprise: 'PME', tpe: true, communeCode: '29155', epciSiren: null, departementCode: '29', regionCode: '53' });
        expect(byId.get('81234567600018')).toMatchObject({ status: 'unknown', unknownReason: 'NOT_DIFFUSIBLE', nom: null });
        expect(byId.get('DE811907980')).toMatchObject({ status: 'unknown', unknownReason: 'FOREIGN' });
        expect(byId.get('00001')).toMatchObject({ status: 'unknown', unknownReason: 'INVALID_ID' });
        expect(byId.get('90000001900025')).toMatchObject({ status: 'unknown', unknownReason: 'OFFLINE' });
        expect(events.map((e) => e.type).sort()).toEqual(['BuyerResolved', ...Array(5).fill('SupplierResolved')]);
        expect(await em().count(ResolutionAttemptEntity, {})).toBe(6);
        expect(fake.requests).toEqual([]);
      });

      it('re-resolving an unchanged organisation emits the same event id', async () => {
        const resolver = resolverWith(new OfflineApiSource());
        const first = await resolveOrganisations(em(), resolver, ['44306184100054']);
        const second = await resolveOrganisations(em(), resolver, ['44306184100054'], { now: new Date(Date.now() + 60_000) });
        expect(second.events[0].eventId).toBe(first.events[0].eventId);
        expect(second.events[0].aggregateVersion).toBe(1);
        const row = await em().findOneOrFail(OrganisationEntity, { id: '44306184100054' });
        expect(row.profileVersion).toBe(1);
      });

      it('resolves from the live API after a 429, then from its cache', async () => {
        const client = new RechercheEntreprisesClient({ baseUrl: fake.url, ratePerSecond: 50, backoffMs: 5 });
        const resolver = resolverWith(new RechercheEntreprisesSource(client));
        fake.failNext(1);
        const { profiles } = await resolveOrganisations(em(), resolver, ['90000001900025', '75310000700012']);
        const byId = new Map(profiles.map((p) => [p.id, p]));
        expect(byId.get('90000001900025')).toMatchObject({
          status: 'resolved',
          origin: 'recherche-entreprises-api',
          nom: 'ATELIER DU LARGE (FICTIF)',
          tpe: false,
          communeCode: '29019',
          epciSiren: '242900314',
          latitude: 48.3904,
        });
        expect(byId.get('75310000700012')).toMatchObject({ status: 'unknown', unknownReason: 'NOT_DIFFUSIBLE' });
        expect(fake.requests).toEqual(['90000001900025', '90000001900025', '75310000700012']);
        await resolveOrganisations(em(), resolver, ['90000001900025']);
        expect(fake.requests).toHaveLength(3);
      });

      it('gives up after bounded retries and says API_ERROR', async () => {
        const client = new RechercheEntreprisesClient({ baseUrl: fake.url, ratePerSecond: 50, backoffMs: 1, maxAttempts: 3 });
        fake.failNext(10, 503);
        const { profiles } = await resolveOrganisations(em(), resolverWith(new RechercheEntreprisesSource(client)), ['90000001900025']);
        expect(profiles[0]).toMatchObject({ status: 'unknown', unknownReason: 'API_ERROR' });
        expect(fake.requests).toHaveLength(3);
      });
    });
  });
}
