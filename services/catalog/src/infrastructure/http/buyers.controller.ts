import type { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Inject, Param, UseFilters } from '@nestjs/common';
import { getBuyer, type BuyerDetail } from '../../application/get-buyer/get-buyer.query';
import { CATALOG_ORM, forkEm } from '../orm/catalog-orm.provider';
import { BuyerIdParam, parseParam } from './catalog-params';
import { CatalogExceptionFilter } from './catalog-exception.filter';

@Controller('acheteurs')
@UseFilters(CatalogExceptionFilter)
export class BuyersController {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  @Get(':siret')
  async get(@Param('siret') siret: string): Promise<BuyerDetail> {
    return getBuyer(forkEm(this.orm), parseParam(BuyerIdParam, siret, 'siret'));
  }
}
