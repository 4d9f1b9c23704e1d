import type { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Inject, Param, UseFilters } from '@nestjs/common';
import { getSupplier, type SupplierDetail } from '../../application/get-supplier/get-supplier.query';
import { CATALOG_ORM, forkEm } from '../orm/catalog-orm.provider';
import { parseParam, SupplierIdParam } from './catalog-params';
import { CatalogExceptionFilter } from './catalog-exception.filter';

@Controller('titulaires')
@UseFilters(CatalogExceptionFilter)
export class SuppliersController {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  @Get(':id')
  async get(@Param('id') id: string): Promise<SupplierDetail> {
    return getSupplier(forkEm(this.orm), parseParam(SupplierIdParam, id, 'id'));
  }
}
