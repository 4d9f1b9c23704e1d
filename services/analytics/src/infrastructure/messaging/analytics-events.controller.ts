import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { consume, type DeliveredEvent, withSpan } from '@observatoire/platform';
import { ProjectBuyerRegistryHandler } from '../../application/project-buyer-registry/project-buyer-registry.handler';
import { ProjectContractsHandler } from '../../application/project-contracts/project-contracts.handler';
import { ProjectIngestRunsHandler } from '../../application/project-ingest-runs/project-ingest-runs.handler';
import { ProjectOrganisationsHandler } from '../../application/project-organisations/project-organisations.handler';
import { ProjectQuarantineHandler } from '../../application/project-quarantine/project-quarantine.handler';

/**
 * The analytics consumers (group `observatoire-analytics`). Each handler gets a whole batch and applies it in one
 * transaction; a throw is a transient failure (the bus retries with backoff, then isolates and dead-letters the
 * failing events). Events are already parsed and upcast by the bus; the handlers switch on their type.
 */
@Controller()
export class AnalyticsEventsController {
  constructor(
    @Inject(ProjectContractsHandler) private readonly contracts: ProjectContractsHandler,
    @Inject(ProjectOrganisationsHandler) private readonly organisations: ProjectOrganisationsHandler,
    @Inject(ProjectQuarantineHandler) private readonly quarantine: ProjectQuarantineHandler,
    @Inject(ProjectIngestRunsHandler) private readonly ingestRuns: ProjectIngestRunsHandler,
    @Inject(ProjectBuyerRegistryHandler) private readonly buyerRegistry: ProjectBuyerRegistryHandler,
  ) {}

  @EventPattern(consume(TOPICS.contracts, CONSUMER_GROUPS.analytics))
  async onContracts(@Payload() batch: DeliveredEvent[]): Promise<void> {
    await withSpan('observatoire-analytics', 'analytics project contracts', { 'messaging.batch.message_count': batch.length }, () => this.contracts.handle(batch));
  }

  @EventPattern(consume(TOPICS.organisations, CONSUMER_GROUPS.analytics))
  async onOrganisations(@Payload() batch: DeliveredEvent[]): Promise<void> {
    await this.organisations.handle(batch);
  }

  @EventPattern(consume(TOPICS.quarantine, CONSUMER_GROUPS.analytics))
  async onQuarantine(@Payload() batch: DeliveredEvent[]): Promise<void> {
    await this.quarantine.handle(batch);
  }

  @EventPattern(consume(TOPICS.ingestRuns, CONSUMER_GROUPS.analytics))
  async onIngestRuns(@Payload() batch: DeliveredEvent[]): Promise<void> {
    await this.ingestRuns.handle(batch);
  }

  /** The ingest feed registry: the buyers expected to publish (publication grade E). */
  @EventPattern(consume(TOPICS.buyerRegistry, CONSUMER_GROUPS.analytics))
  async onBuyerRegistry(@Payload() batch: DeliveredEvent[]): Promise<void> {
    await this.buyerRegistry.handle(batch);
  }
}
