import { Controller, Logger, type Type } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { consume, type DeliveredEvent, withSpan } from '@observatoire/platform';
import { IndexContractWhenContractPublishedHandler } from '../../application/index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { UpdateOrganisationWhenResolvedHandler } from '../../application/update-organisation-when-resolved/update-organisation-when-resolved.handler';

/**
 * The search consumers: `@EventPattern(consume(topic, group))` over the platform's EventBusTransport,
 * which hands each handler a batch and applies the bounded retry → dead-letter policy when it throws.
 * Built per consumer group (a decorator argument is fixed when the class is declared): the service
 * uses CONSUMER_GROUPS.search; tests and side-by-side rebuilds use a group of their own.
 */
export function searchConsumerController(group: string = CONSUMER_GROUPS.search): Type<unknown> {
  const logger = new Logger('search-consumer');

  @Controller()
  class SearchConsumersController {
    constructor(
      private readonly indexContracts: IndexContractWhenContractPublishedHandler,
      private readonly updateOrganisations: UpdateOrganisationWhenResolvedHandler,
    ) {}

    @EventPattern(consume(TOPICS.contracts, group))
    async onContracts(@Payload() batch: DeliveredEvent[]): Promise<void> {
      const r = await withSpan('observatoire-search', 'search index contracts', { 'messaging.batch.message_count': batch.length }, () => this.indexContracts.execute(batch.map((d) => d.event)));
      logger.debug(JSON.stringify({ msg: 'contracts indexed', group, ...r, offsets: range(batch) }));
    }

    @EventPattern(consume(TOPICS.organisations, group))
    async onOrganisations(@Payload() batch: DeliveredEvent[]): Promise<void> {
      const r = await this.updateOrganisations.execute(batch.map((d) => d.event));
      logger.debug(JSON.stringify({ msg: 'organisation profiles applied', group, ...r, offsets: range(batch) }));
    }
  }
  return SearchConsumersController;
}

function range(batch: DeliveredEvent[]): string {
  return batch.length ? `${batch[0].partition}:${batch[0].offset}..${batch[batch.length - 1].offset}` : '';
}
