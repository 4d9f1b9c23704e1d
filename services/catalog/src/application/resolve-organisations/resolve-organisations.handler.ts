import type { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import { CATALOG_ORM, forkEm } from '../../infrastructure/orm/catalog-orm.provider';
import { ORGANISATION_RESOLVER, type OrganisationResolver } from './organisation-resolver.port';
import { resolveOrganisations, type ResolveOrganisationsMeta, type ResolveOrganisationsResult } from './resolve-organisations';

/** Resolves organisations and returns the SupplierResolved / BuyerResolved events for the caller to publish. */
@Injectable()
export class ResolveOrganisationsHandler {
  constructor(
    @Inject(CATALOG_ORM) private readonly orm: MikroORM,
    @Inject(ORGANISATION_RESOLVER) private readonly resolver: OrganisationResolver,
  ) {}

  async execute(ids: readonly string[], meta: ResolveOrganisationsMeta = {}): Promise<ResolveOrganisationsResult> {
    return resolveOrganisations(forkEm(this.orm), this.resolver, ids, meta);
  }
}
