import type { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Inject, Param, Query, UseFilters } from '@nestjs/common';
import { getContract, type ContractDetail } from '../../application/get-contract/get-contract.query';
import { listContracts, type ContractPage } from '../../application/list-contracts/list-contracts.query';
import { CATALOG_ORM, forkEm } from '../orm/catalog-orm.provider';
import { ListContractsQuery, parseParam, UidParam } from './catalog-params';
import { CatalogExceptionFilter } from './catalog-exception.filter';

@Controller('contrats')
@UseFilters(CatalogExceptionFilter)
export class ContractsController {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  @Get()
  async list(@Query() query: Record<string, unknown>): Promise<ContractPage> {
    return listContracts(forkEm(this.orm), parseParam(ListContractsQuery, query, 'query'));
  }

  @Get(':uid')
  async get(@Param('uid') uid: string): Promise<ContractDetail> {
    return getContract(forkEm(this.orm), parseParam(UidParam, uid, 'uid'));
  }
}
