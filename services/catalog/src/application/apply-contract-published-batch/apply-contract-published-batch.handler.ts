import type { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable } from '@nestjs/common';
import type { ContractPublishedV1 } from '@observatoire/contracts';
import { CATALOG_ORM, forkEm } from '../../infrastructure/orm/catalog-orm.provider';
import { applyContractPublishedBatch, CATALOG_CONTRACTS_CONSUMER, type ApplyBatchResult } from './apply-contract-published-batch';

/** Entry point for the event-bus wiring: one forked ORM context and one transaction per batch. */
@Injectable()
export class ApplyContractPublishedBatchHandler {
  constructor(@Inject(CATALOG_ORM) private readonly orm: MikroORM) {}

  async execute(events: readonly ContractPublishedV1[], consumer: string = CATALOG_CONTRACTS_CONSUMER): Promise<ApplyBatchResult> {
    return applyContractPublishedBatch(forkEm(this.orm), events, consumer);
  }
}
