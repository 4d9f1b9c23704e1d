import { Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { AdminAuthGuard, DomainError } from '@observatoire/platform';
import { UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { RebuildProjectionsJob } from '../../application/rebuild-projections/rebuild-projections.job';

/** Rebuild of the analytics projections into fresh tables with switch-over (admin). */
@Controller('admin/analytics')
@UseGuards(AdminAuthGuard)
export class AdminAnalyticsController {
  constructor(@Inject(RebuildProjectionsJob) private readonly job: RebuildProjectionsJob) {}

  /** `POST /api/admin/analytics/rebuild` → 202 with the job status; 409 if one is running. */
  @Post('rebuild')
  @HttpCode(202)
  rebuild(@Req() req: Request) {
    return this.job.start(`admin-api ${req.ip ?? ''}`.trim());
  }

  /** `GET /api/admin/analytics/rebuild` → the running or last rebuild (404 when none ran in this process). */
  @Get('rebuild')
  status() {
    const s = this.job.status();
    if (!s) throw new DomainError('REBUILD_NONE', 'aucune reconstruction lancée depuis le démarrage de ce processus', 404);
    return s;
  }
}
