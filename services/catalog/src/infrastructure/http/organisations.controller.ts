import type { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Inject, Query, UseFilters } from '@nestjs/common';
import { searchOrganisations, type OrganisationHit } from '../../application/search-organisations/search-organisations.query';
import { CATALOG_ORM, forkEm } from '../orm/catalog-orm.provider';
import { OrganisationsQuery, parseParam } from './catalog-params';
import { CatalogExceptionFilter } from './catalog-exception.filter';

@Controller('organisations')
@UseFilters(CatalogExceptionFilter)
export class OrganisationsController {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  @Get()
  async search(@Query() query: Record<string, unknown>): Promise<{ items: OrganisationHit[] }> {
    const { q, limit } = parseParam(OrganisationsQuery, query, 'query');
    return { items: await searchOrganisations(forkEm(this.orm), q, limit) };
  }
}
