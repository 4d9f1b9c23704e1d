import { randomUUID } from 'node:crypto';
import { Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AdminAuthGuard } from '../nest/admin-auth.guard';
import { principalOf, RequireRoles } from '../nest/roles';
import { DomainError } from '../nest/error-codes';
import { BusOperations, type OpsContext } from './bus-operations';
import { Metrics } from './metrics';

/** `GET /api/metrics`: Prometheus text exposition of this process. */
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  async scrape(@Res() res: Response) {
    const body = await this.metrics.exposition();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  }
}

function contextOf(req: Request, res: Response): OpsContext {
  const h = req.headers['x-correlation-id'];
  const correlationId = (Array.isArray(h) ? h[0] : h) || randomUUID();
  res.setHeader('x-correlation-id', correlationId);
  return { correlationId, via: 'admin-api', actor: principalOf(req)?.subject };
}

/** Consumer groups, dead letters, re-drive and replay (role `admin`). */
@Controller('admin')
@UseGuards(AdminAuthGuard)
@RequireRoles('admin')
export class AdminOpsController {
  constructor(private readonly ops: BusOperations) {}

  @Get('consumers')
  async consumers(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return { groups: await this.ops.consumers(contextOf(req, res)) };
  }

  @Get('dlq/:topic/:group')
  async inspect(@Param('topic') topic: string, @Param('group') group: string, @Query('limit') limit: string | undefined, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new DomainError('INVALID_PARAMETER', 'limit: entier entre 1 et 10000', 400);
    const deadLetters = await this.ops.inspectDeadLetters(topic, group, n, contextOf(req, res));
    return { topic, group, count: deadLetters.length, deadLetters };
  }

  @Post('dlq/:topic/:group/redrive')
  @HttpCode(200)
  redrive(@Param('topic') topic: string, @Param('group') group: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.ops.redrive(topic, group, contextOf(req, res));
  }

  @Post('replay/:group')
  @HttpCode(202)
  replay(@Param('group') group: string, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.ops.replay(group, contextOf(req, res));
  }
}
