import type { MikroORM } from '@mikro-orm/core';
import { BUYER_REGISTERED, type BuyerRegisteredV1 } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { ExpectedBuyerRepository } from '../../infrastructure/persistence/expected-buyer.repository';
import { ProcessedEventRepository } from '../../infrastructure/persistence/processed-event.repository';
import { ProjectionRevisionRepository } from '../../infrastructure/persistence/projection-revision.repository';
import type { ProjectionOutcome } from '../shared/projection-outcome';

export const BUYER_REGISTRY_CONSUMER = 'analytics.buyer-registry';

/**
 * BuyerRegistered → `analytics_expected_buyer`, the buyers expected to publish (publication grade E). One transaction
 * per batch, event ids recorded with the effect. A buyer's row is replaced only by a higher aggregateVersion (the
 * ingest registry's version of the buyer): the whole registry re-published at each ingest start carries the same
 * event ids (skipped), and an older state delivered late never overwrites a newer one.
 */
export class ProjectBuyerRegistryHandler {
  constructor(private readonly orm: MikroORM) {}

  async handle(batch: readonly DeliveredEvent[]): Promise<ProjectionOutcome> {
    const events = batch.map((d) => d.event);
    const registered = events.filter((e): e is BuyerRegisteredV1 => e.type === BUYER_REGISTERED);
    return this.orm.em.fork().transactional(async (tx) => {
      const processedRepo = new ProcessedEventRepository(tx);
      const buyers = new ExpectedBuyerRepository(tx);
      const processed = await processedRepo.processed(BUYER_REGISTRY_CONSUMER, events.map((e) => e.eventId));
      const seen = new Set<string>();
      const fresh: BuyerRegisteredV1[] = [];
      for (const e of registered) {
        if (processed.has(e.eventId) || seen.has(e.eventId)) continue;
        seen.add(e.eventId);
        fresh.push(e);
      }
      const stored = await buyers.versions(fresh.map((e) => e.data.siret));
      const newest = new Map<string, BuyerRegisteredV1>();
      for (const e of fresh) {
        const before = newest.get(e.data.siret)?.aggregateVersion ?? stored.get(e.data.siret) ?? 0;
        if (e.aggregateVersion > before) newest.set(e.data.siret, e);
      }
      await buyers.upsert([...newest.values()].map((e) => ({ data: e.data, aggregateVersion: e.aggregateVersion })));
      if (newest.size > 0) await new ProjectionRevisionRepository(tx).bump();
      const others = events.filter((e) => e.type !== BUYER_REGISTERED && !processed.has(e.eventId)).map((e) => e.eventId);
      await processedRepo.record(BUYER_REGISTRY_CONSUMER, [...seen, ...others]);
      return { received: events.length, applied: newest.size, skipped: registered.length - newest.size, ignored: events.length - registered.length };
    });
  }
}
