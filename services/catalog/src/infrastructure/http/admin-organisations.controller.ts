import { Body, Controller, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, RequireRoles } from '@observatoire/platform';
import { z } from 'zod';
import { ReResolveOrganisationsHandler } from '../../application/re-resolve-organisations/re-resolve-organisations.handler';
import type { ReResolveOrganisationsResult } from '../../application/re-resolve-organisations/re-resolve-organisations';
import { CatalogExceptionFilter } from './catalog-exception.filter';
import { parseParam } from './catalog-params';

const ReResolveBody = z
  .object({
    reasons: z.array(z.string().min(1).max(32)).max(20).optional(),
    ids: z.array(z.string().min(1).max(64)).max(10_000).optional(),
    limit: z.number().int().positive().max(1_000_000).optional(),
  })
  .strict();

/** Catalog operations on organisations (role `admin`). */
@Controller('admin/organisations')
@UseFilters(CatalogExceptionFilter)
@UseGuards(AdminAuthGuard)
@RequireRoles('admin')
export class AdminOrganisationsController {
  constructor(private readonly reResolve: ReResolveOrganisationsHandler) {}

  /** `POST /api/admin/organisations/re-resolve` `{ reasons?, ids?, limit? }` → counts. */
  @Post('re-resolve')
  @HttpCode(200)
  async reResolveOrganisations(@Body() body: unknown): Promise<ReResolveOrganisationsResult> {
    const { reasons, ids, limit } = parseParam(ReResolveBody, body ?? {}, 'body');
    return this.reResolve.execute({ reasons, ids, limit });
  }
}
