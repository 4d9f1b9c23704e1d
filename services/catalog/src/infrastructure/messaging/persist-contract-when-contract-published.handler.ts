import type { MikroORM } from '@mikro-orm/core';
import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { CONSUMER_GROUPS, TOPICS, type ContractPublishedV1, type ObservatoireEvent } from '@observatoire/contracts';
import { consume, EVENT_BUS, withSpan, type DeliveredEvent, type EventBus } from '@observatoire/platform';
import { ApplyContractPublishedBatchHandler } from '../../application/apply-contract-published-batch/apply-contract-published-batch.handler';
import { ResolveOrganisationsHandler } from '../../application/resolve-organisations/resolve-organisations.handler';
import { CATALOG_ORM, forkEm } from '../orm/catalog-orm.provider';
import { OrganisationEntity } from '../orm/entities';

/** Organisations resolved per batch at most (the live API is rate-limited; the rest waits for the next batch). */
const RESOLUTION_BATCH = 500;

/**
 * Catalog consumer of ContractPublished: persist the batch (idempotent: processed event ids and
 * aggregate versions are checked in the same transaction), then resolve every organisation still
 * pending — not only those this batch registered, so a crash between the two steps loses nothing —
 * and publish SupplierResolved / BuyerResolved (deterministic ids: a re-resolution that finds the
 * same facts publishes the same event id).
 */
@Controller()
export class PersistContractWhenContractPublishedHandler {
  private readonly log = new Logger('catalog');
  /**
   * Organisation events resolved (and committed) whose publication failed — the broker was down. The
   * error policy retries the batch, whose contracts are then already applied and whose organisations are
   * no longer pending: without this they would never be published. Published first at the next call
   * (deterministic ids: publishing one twice changes nothing downstream). A crash in between still loses
   * them until a re-resolution (`observatoire re-resolve`): that needs an outbox.
   */
  private unpublished: ObservatoireEvent[] = [];

  constructor(
    private readonly apply: ApplyContractPublishedBatchHandler,
    private readonly resolve: ResolveOrganisationsHandler,
    @Inject(CATALOG_ORM) private readonly orm: MikroORM,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  @EventPattern(consume(TOPICS.contracts, CONSUMER_GROUPS.catalog))
  async onContractsPublished(batch: DeliveredEvent[]): Promise<void> {
    if (this.unpublished.length > 0) {
      await this.bus.publish(TOPICS.organisations, this.unpublished);
      this.unpublished = [];
    }
    const events = batch.map((d) => d.event).filter((e): e is ContractPublishedV1 => e.type === 'ContractPublished');
    if (events.length === 0) return;
    const result = await withSpan('observatoire-catalog', 'catalog persist contracts', { 'messaging.batch.message_count': events.length }, () => this.apply.execute(events));
    const pending = await forkEm(this.orm).find(OrganisationEntity, { status: 'pending' }, { fields: ['id'], limit: RESOLUTION_BATCH, orderBy: { id: 'asc' } });
    const ids = [...new Set([...result.newOrganisations.map((o) => o.id), ...pending.map((p) => p.id)])].slice(0, RESOLUTION_BATCH * 2);
    if (ids.length === 0) return;
    const resolved = await withSpan('observatoire-catalog', 'catalog resolve organisations', { 'observatoire.organisations': ids.length }, () =>
      this.resolve.execute(ids, { correlationId: events[0].correlationId, causationId: events[events.length - 1].eventId }),
    );
    try {
      await this.bus.publish(TOPICS.organisations, resolved.events);
    } catch (e) {
      this.unpublished.push(...resolved.events);
      throw e;
    }
    this.log.debug?.(`batch of ${events.length}: ${result.applied} applied, ${resolved.events.length} organisation events`);
  }
}
