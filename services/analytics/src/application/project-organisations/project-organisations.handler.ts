import type { MikroORM } from '@mikro-orm/core';
import { BUYER_RESOLVED, SUPPLIER_RESOLVED, type BuyerResolvedV1, type SupplierResolvedV1 } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { ContractProjectionRepository } from '../../infrastructure/persistence/contract-projection.repository';
import { FactsProjectionRepository } from '../../infrastructure/persistence/facts-projection.repository';
import { OrganisationProjectionRepository } from '../../infrastructure/persistence/organisation-projection.repository';
import { ProcessedEventRepository } from '../../infrastructure/persistence/processed-event.repository';
import { ProjectionRevisionRepository } from '../../infrastructure/persistence/projection-revision.repository';
import { buyerColumnsOf, contractColumns } from '../shared/projection-columns';
import type { ProjectionOutcome } from '../shared/projection-outcome';

export const ORGANISATIONS_CONSUMER = 'analytics.organisations';

type Resolved = SupplierResolvedV1 | BuyerResolvedV1;

/**
 * SupplierResolved / BuyerResolved → organisation profiles (one transaction per batch, event ids recorded with
 * the effect). A profile is replaced only by a higher aggregateVersion (the catalog's profile version); the
 * Buyer and Supplier events of one profile carry the same version, so whichever comes second is a no-op.
 * For buyers, the flattened buyer columns of their contracts (type, EPCI, département, région used by the SQL
 * pre-filter) are recomputed; for every organisation whose profile changed, the facts rows of the contracts it is
 * buyer or titulaire of — and only those, found by index — are re-derived with the new profile.
 */
export class ProjectOrganisationsHandler {
  constructor(private readonly orm: MikroORM) {}

  async handle(batch: readonly DeliveredEvent[]): Promise<ProjectionOutcome> {
    const events = batch.map((d) => d.event);
    const resolved = events.filter((e): e is Resolved => e.type === SUPPLIER_RESOLVED || e.type === BUYER_RESOLVED);
    const ignored = events.length - resolved.length;
    return this.orm.em.fork().transactional(async (tx) => {
      const processedRepo = new ProcessedEventRepository(tx);
      const profiles = new OrganisationProjectionRepository(tx);
      const processed = await processedRepo.processed(ORGANISATIONS_CONSUMER, events.map((e) => e.eventId));
      const fresh: Resolved[] = [];
      const seen = new Set<string>();
      for (const e of resolved) {
        if (processed.has(e.eventId) || seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        fresh.push(e);
      }
      const stored = await profiles.versions([...new Set(fresh.map((e) => e.data.id))]);
      const newest = new Map<string, Resolved>();
      for (const e of fresh) {
        const before = newest.get(e.data.id)?.aggregateVersion ?? stored.get(e.data.id) ?? -1;
        if (e.aggregateVersion > before) newest.set(e.data.id, e);
      }
      await profiles.upsert([...newest.values()].map((e) => ({ profile: e.data, aggregateVersion: e.aggregateVersion })));

      // Buyer columns: recompute for ids that are buyers and whose profile changed or was announced as a buyer's.
      const contracts = new ContractProjectionRepository(tx);
      const touched = [...new Set([...newest.keys(), ...fresh.filter((e) => e.type === BUYER_RESOLVED).map((e) => e.data.id)])];
      const buyers = await contracts.buyerIds(touched);
      const current = buyers.size > 0 ? await profiles.find([...buyers]) : new Map();
      for (const buyerId of buyers) {
        const sample = await contracts.oneOfBuyer(buyerId);
        if (sample) await contracts.updateBuyer(buyerId, buyerColumnsOf(contractColumns(sample, current.get(buyerId))));
      }
      const facts = new FactsProjectionRepository(tx);
      const affected = await facts.contractsOf([...new Set([...newest.keys(), ...buyers])]);
      await facts.refresh(affected);
      if (newest.size > 0 || buyers.size > 0) await new ProjectionRevisionRepository(tx).bump();
      await processedRepo.record(ORGANISATIONS_CONSUMER, [...seen, ...events.filter((e) => e.type !== SUPPLIER_RESOLVED && e.type !== BUYER_RESOLVED && !processed.has(e.eventId)).map((e) => e.eventId)]);
      return { received: events.length, applied: newest.size, skipped: resolved.length - newest.size, ignored };
    });
  }
}
