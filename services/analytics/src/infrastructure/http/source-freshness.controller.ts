import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { GetProbableDuplicatesHandler } from '../../application/get-probable-duplicates/get-probable-duplicates.handler';
import { GetSourceFreshnessHandler } from '../../application/get-source-freshness/get-source-freshness.handler';
import { parseQuery, querySchema, toFilters } from '../../application/shared/analytics-filters';

/** No parameter: any one given is refused (400 INVALID_PARAMETER), as on every analytics endpoint. */
const SourceFreshnessQuery = z.strictObject({});
const DuplicatesQuery = querySchema({});

/**
 * The analytics side of "Qualité des données" (under the global `/api` prefix): GET /api/qualite/sources, freshness
 * of each ingest source; GET /api/qualite/doublons, probable duplicates (one award published under two ids).
 */
@Controller()
export class SourceFreshnessController {
  constructor(
    @Inject(GetSourceFreshnessHandler) private readonly handler: GetSourceFreshnessHandler,
    @Inject(GetProbableDuplicatesHandler) private readonly duplicates: GetProbableDuplicatesHandler,
  ) {}

  @Get('qualite/doublons')
  getDuplicates(@Query() query: unknown) {
    return this.duplicates.execute(toFilters(parseQuery(DuplicatesQuery, query)));
  }

  @Get('qualite/sources')
  get(@Query() query: unknown) {
    parseQuery(SourceFreshnessQuery, query);
    return this.handler.execute();
  }
}
