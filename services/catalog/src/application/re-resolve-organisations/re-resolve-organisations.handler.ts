import type { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS } from '@observatoire/contracts';
import { EVENT_BUS, type EventBus } from '@observatoire/platform';
import { CATALOG_ORM } from '../../infrastructure/orm/catalog-orm.provider';
import { ORGANISATION_RESOLVER, type OrganisationResolver } from '../resolve-organisations/organisation-resolver.port';
import { reResolveOrganisations, type ReResolveOrganisationsOptions, type ReResolveOrganisationsResult } from './re-resolve-organisations';

/** The ReResolveOrganisations use case, wired to the catalog's ORM, resolver and the event bus. */
@Injectable()
export class ReResolveOrganisationsHandler {
  constructor(
    @Inject(CATALOG_ORM) private readonly orm: MikroORM,
    @Inject(ORGANISATION_RESOLVER) private readonly resolver: OrganisationResolver,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  async execute(options: ReResolveOrganisationsOptions = {}): Promise<ReResolveOrganisationsResult> {
    await this.bus.ensureTopics([TOPICS.organisations]);
    return reResolveOrganisations(this.orm, this.resolver, this.bus, options);
  }
}
