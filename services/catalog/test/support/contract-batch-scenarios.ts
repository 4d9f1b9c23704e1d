import type { Contract } from '@observatoire/contracts';
import { applyContractPublishedBatch } from '../../src/application/apply-contract-published-batch/apply-contract-published-batch';
import {
  ContractEntity,
  ContractProvenanceEntity,
  ContractTitulaireEntity,
  ContractVersionEntity,
  OrganisationEntity,
  ProcessedEventEntity,
  SubcontractingActEntity,
} from '../../src/infrastructure/orm/entities';
import { aContract, contractPublished, org } from './contract-events';
import { freshStorePerTest, type OpenStore } from './fresh-store';

/**
 * How a ContractPublished batch lands in the tables (replacement of a stored contract's rows, batches
 * mixing new and stored contracts, roles of known organisations, values read back through the ORM),
 * run against each store. `open` returns a freshly migrated, empty ORM for each test.
 */
export function contractBatchScenarios(store: string, open: OpenStore): void {
  describe(`ContractPublished batches on ${store}`, () => {
    const { em } = freshStorePerTest(open);

    const lead = org('44306184100047');
    const partner = org('52345678800011');
    const subcontractor = org('81234567600018');
    const withActs = (overrides: Partial<Contract> = {}): Contract =>
      aContract({
        titulaires: [lead, partner],
        actesSousTraitance: [
          { id: 'ST-1', sousTraitant: subcontractor, dureeMois: 6, dateNotification: '2024-10-01', datePublicationDonnees: '2024-10-05', montant: 20_000 },
          { id: 'ST-2', sousTraitant: null, dureeMois: null, dateNotification: null, datePublicationDonnees: null, montant: 5_000 },
        ],
        provenance: [
          { source: 'megalis', file: 'decp-megalis-2024.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' },
          { source: 'aife', file: 'decp-2024.json', position: 7, format: 'decp-2022-json', schemaVersion: '2.0.3' },
        ],
        versions: [
          { seq: 0, kind: 'initial', montant: 100_000, dureeMois: 12, titulaires: [lead], dateNotification: '2024-09-15', datePublicationDonnees: '2024-10-01' },
          { seq: 1, kind: 'modification', montant: 125_000, dureeMois: null, titulaires: [lead, partner], dateNotification: '2025-01-10', datePublicationDonnees: '2025-01-20' },
        ],
        ...overrides,
      });
    const rowsOf = async (uid: string) => ({
      versions: (await em().find(ContractVersionEntity, { contractUid: uid }, { orderBy: { seq: 'asc' } })).map((v) => [v.seq, v.montant]),
      titulaires: (await em().find(ContractTitulaireEntity, { contractUid: uid }, { orderBy: { ordinal: 'asc' } })).map((t) => [t.titulaireId, t.role]),
      acts: (await em().find(SubcontractingActEntity, { contractUid: uid }, { orderBy: { ordinal: 'asc' } })).map((a) => [a.actId, a.sousTraitantId]),
      provenance: (await em().find(ContractProvenanceEntity, { contractUid: uid }, { orderBy: { ordinal: 'asc' } })).map((p) => [p.source, p.position]),
    });

    it('a newer revision with fewer versions, links, acts and provenance leaves none of the old rows', async () => {
      const first = withActs();
      await applyContractPublishedBatch(em(), [contractPublished(first, 1)]);
      expect(await rowsOf(first.uid)).toEqual({
        versions: [
          [0, 100_000],
          [1, 125_000],
        ],
        titulaires: [
          [lead.id, 'mandataire'],
          [partner.id, 'cotraitant'],
        ],
        acts: [
          ['ST-1', subcontractor.id],
          ['ST-2', null],
        ],
        provenance: [
          ['megalis', 1],
          ['aife', 7],
        ],
      });

      const smaller = aContract({ titulaires: [partner], montant: 90_000 });
      await applyContractPublishedBatch(em(), [contractPublished(smaller, 2)]);

      expect(smaller.uid).toBe(first.uid);
      expect(await rowsOf(first.uid)).toEqual({
        versions: [[0, 90_000]],
        titulaires: [[partner.id, 'titulaire']],
        acts: [],
        provenance: [['megalis', 1]],
      });
      const stored = await em().findOneOrFail(ContractEntity, { uid: first.uid });
      expect([stored.aggregateVersion, stored.montant, stored.titulairesCount]).toEqual([2, 90_000, 1]);
    });

    it('a batch mixing new contracts and newer revisions of stored ones writes both, each once', async () => {
      const stored = aContract({ id: 'S-1', montant: 10_000 });
      await applyContractPublishedBatch(em(), [contractPublished(stored, 1)]);
      const revised = aContract({ id: 'S-1', montant: 20_000, titulaires: [partner] });
      const fresh = aContract({ id: 'N-1', montant: 30_000 });

      const result = await applyContractPublishedBatch(em(), [contractPublished(revised, 2), contractPublished(fresh, 1)]);

      expect(result).toMatchObject({ applied: 2, skipped: [], newOrganisations: [{ id: partner.id, role: 'supplier' }] });
      const contracts = await em().find(ContractEntity, {}, { orderBy: { uid: 'asc' } });
      expect(contracts.map((c) => [c.id, c.montant, c.aggregateVersion])).toEqual([
        ['N-1', 30_000, 1],
        ['S-1', 20_000, 2],
      ]);
      expect(await rowsOf(revised.uid)).toMatchObject({ titulaires: [[partner.id, 'titulaire']], versions: [[0, 20_000]] });
      expect(await rowsOf(fresh.uid)).toMatchObject({ titulaires: [[lead.id, 'titulaire']], versions: [[0, 30_000]] });
      expect(await em().count(ProcessedEventEntity, {})).toBe(3);
    });

    it('an organisation known as a buyer, seen later as a supplier, is returned again for that new role only', async () => {
      const buyer = org('24350013900189');
      await applyContractPublishedBatch(em(), [contractPublished(aContract({ acheteur: buyer, titulaires: [lead] }), 1)]);
      const other = aContract({ acheteur: org('21350238800014'), id: 'X-1', titulaires: [buyer, lead] });

      const result = await applyContractPublishedBatch(em(), [contractPublished(other, 1)]);

      expect(result.newOrganisations).toEqual([
        { id: '21350238800014', role: 'buyer' },
        { id: buyer.id, role: 'supplier' },
      ]);
      const organisation = await em().findOneOrFail(OrganisationEntity, { id: buyer.id });
      expect([organisation.isBuyer, organisation.isSupplier, organisation.status]).toEqual([true, true, 'pending']);
    });

    it('a stored contract and its organisations read back through the ORM as they were published', async () => {
      const contract = withActs({
        enrichment: { origin: 'decp.info', acheteur: { nom: 'RENNES METROPOLE', communeCode: '35238' }, titulaires: [{ id: lead.id, nom: 'ACME SAS', categorie: 'PME' }] },
      });
      const event = contractPublished(contract, 1);
      const before = Date.now();
      await applyContractPublishedBatch(em(), [event]);

      const stored = await em().findOneOrFail(ContractEntity, { uid: contract.uid });
      expect(stored.data).toEqual(contract);
      expect(stored).toMatchObject({
        montantUtilisable: true,
        attributionAvance: true,
        sousTraitanceDeclaree: false,
        annee: 2024,
        lastEventId: event.eventId,
        contentHash: event.data.contentHash,
      });
      expect(stored.updatedAt).toBeInstanceOf(Date);
      expect(stored.updatedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      const version = await em().findOneOrFail(ContractVersionEntity, { contractUid: contract.uid, seq: 1 });
      expect(version.titulaires).toEqual([lead, partner]);
      const supplier = await em().findOneOrFail(OrganisationEntity, { id: lead.id });
      expect(supplier).toMatchObject({ isBuyer: false, isSupplier: true, nom: 'ACME SAS', profileVersion: 0, resolvedAt: null });
      expect(supplier.enrichment).toMatchObject({ origin: 'decp.info', nom: 'ACME SAS', categorie: 'PME' });
      expect(supplier.firstSeenAt.getTime()).toBe(stored.updatedAt.getTime());
      const processed = await em().findOneOrFail(ProcessedEventEntity, { eventId: event.eventId });
      expect(processed.processedAt.getTime()).toBe(stored.updatedAt.getTime());
    });
  });
}
