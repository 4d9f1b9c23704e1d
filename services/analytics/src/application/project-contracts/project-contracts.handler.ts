import type { MikroORM } from '@mikro-orm/core';
import { CONTRACT_PUBLISHED, type ContractPublishedV1 } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { ContractProjectionRepository } from '../../infrastructure/persistence/contract-projection.repository';
import { FactsProjectionRepository } from '../../infrastructure/persistence/facts-projection.repository';
import { OrganisationProjectionRepository } from '../../infrastructure/persistence/organisation-projection.repository';
import { ProcessedEventRepository } from '../../infrastructure/persistence/processed-event.repository';
import { ProjectionRevisionRepository } from '../../infrastructure/persistence/projection-revision.repository';
import { contractColumns } from '../shared/projection-columns';
import type { ProjectionOutcome } from '../shared/projection-outcome';
import { planContractBatch } from './plan-contract-batch';

export const CONTRACTS_CONSUMER = 'analytics.contracts';

/**
 * ContractPublished → current contracts. One ORM context and ONE transaction per batch: the contracts, the
 * processed event ids and the projection revision are written together (a crash replays the whole batch,
 * which then changes nothing). The canonical contract is stored, and its facts rows (analytics_fact,
 * analytics_fact_share) are replaced in the same transaction, resolved with the profiles known now; a late
 * SupplierResolved / BuyerResolved rewrites the facts of that organisation's contracts (ProjectOrganisationsHandler).
 */
export class ProjectContractsHandler {
  constructor(private readonly orm: MikroORM) {}

  async handle(batch: readonly DeliveredEvent[]): Promise<ProjectionOutcome> {
    const events = batch.map((d) => d.event);
    const published = events.filter((e): e is ContractPublishedV1 => e.type === CONTRACT_PUBLISHED);
    const others = events.filter((e) => e.type !== CONTRACT_PUBLISHED).map((e) => e.eventId);
    return this.orm.em.fork().transactional(async (tx) => {
      const processedRepo = new ProcessedEventRepository(tx);
      const contracts = new ContractProjectionRepository(tx);
      const processed = await processedRepo.processed(CONTRACTS_CONSUMER, events.map((e) => e.eventId));
      const stored = await contracts.versions([...new Set(published.map((e) => e.data.contract.uid))]);
      const plan = planContractBatch(published, processed, stored);
      if (plan.toApply.length > 0) {
        const buyers = await new OrganisationProjectionRepository(tx).find(plan.toApply.map((e) => e.data.contract.acheteur.id));
        await contracts.upsert(
          plan.toApply.map((e) => ({
            uid: e.data.contract.uid,
            aggregateVersion: e.aggregateVersion,
            contract: e.data.contract,
            columns: contractColumns(e.data.contract, buyers.get(e.data.contract.acheteur.id)),
          })),
        );
        await new FactsProjectionRepository(tx).replace(plan.toApply.map((e) => e.data.contract));
        await new ProjectionRevisionRepository(tx).bump();
      }
      const newOthers = others.filter((id) => !processed.has(id));
      await processedRepo.record(CONTRACTS_CONSUMER, [...plan.toRecord, ...newOthers]);
      return { received: events.length, applied: plan.toApply.length, skipped: plan.skipped.length, ignored: others.length };
    });
  }
}
