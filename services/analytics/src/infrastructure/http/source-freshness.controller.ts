import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { GetSourceFreshnessHandler } from '../../application/get-source-freshness/get-source-freshness.handler';
import { parseQuery } from '../../application/shared/analytics-filters';

/** No parameter: any one given is refused (400 INVALID_PARAMETER), as on every analytics endpoint. */
const SourceFreshnessQuery = z.strictObject({});

/** GET /api/qualite/sources (under the global `/api` prefix): freshness of each ingest source. */
@Controller()
export class SourceFreshnessController {
  constructor(@Inject(GetSourceFreshnessHandler) private readonly handler: GetSourceFreshnessHandler) {}

  @Get('qualite/sources')
  get(@Query() query: unknown) {
    parseQuery(SourceFreshnessQuery, query);
    return this.handler.execute();
  }
}
