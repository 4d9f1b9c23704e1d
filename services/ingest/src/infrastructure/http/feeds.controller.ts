import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, RequireRoles } from '@observatoire/platform';
import type { Request } from 'express';
import { z } from 'zod';
import { ALERT_STATES } from '../../domain/feeds/feed-rules';
import { BackfillBuyerHandler } from '../../application/feeds/backfill-buyer/backfill-buyer.handler';
import { feedImportTooLarge, feedImportUnsupported } from '../../application/feeds/feed.errors';
import { FeedStatusQuery } from '../../application/feeds/feed-status/feed-status.query';
import { OnboardBuyersFromCsvHandler } from '../../application/feeds/onboard-buyers-from-csv/onboard-buyers-from-csv.handler';
import { PullFeedHandler } from '../../application/feeds/pull-feed/pull-feed.handler';
import { RegisterFeedHandler } from '../../application/feeds/register-feed/register-feed.handler';

const StatusQuery = z.object({
  alert: z.enum(ALERT_STATES).optional(),
  siret: z.string().regex(/^\d{14}$/).optional(),
});
const Siret = z.string().regex(/^\d{14}$/, 'SIRET : 14 chiffres');

/** Largest onboarding CSV accepted (about 40 000 lines). */
export const FEED_IMPORT_MAX_BYTES = 5 * 1024 * 1024;

/** The feed registry's admin API (role `admin`) and its public, read-only quality view. */
@Controller()
export class FeedsController {
  constructor(
    private readonly register: RegisterFeedHandler,
    private readonly onboard: OnboardBuyersFromCsvHandler,
    private readonly pullFeed: PullFeedHandler,
    private readonly backfill: BackfillBuyerHandler,
    private readonly status: FeedStatusQuery,
  ) {}

  @Post('admin/feeds')
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async registerFeed(@Body() body: unknown) {
    return this.register.execute(body);
  }

  /**
   * `Content-Type: text/csv`, `siret;nom;url;intervalle_minutes`. The app's JSON parser leaves
   * text/csv bodies unread, so the raw stream is read here, with a size limit.
   */
  @Post('admin/feeds/import')
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async importCsv(@Req() req: Request) {
    if (!/^text\/(csv|plain)\b/i.test(req.headers['content-type'] ?? '')) throw feedImportUnsupported();
    return this.onboard.execute(await readText(req, FEED_IMPORT_MAX_BYTES));
  }

  @Get('admin/feeds')
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async list(@Query() query: Record<string, string>) {
    const q = StatusQuery.parse(query);
    return { items: await this.status.buyers(q) };
  }

  @Post('admin/feeds/:id/pull')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async pull(@Param('id') id: string) {
    return this.pullFeed.execute(id);
  }

  /** Backfill one feed: pulled now, without ETag / Last-Modified, ingested even when its content hash is known. */
  @Post('admin/feeds/:id/backfill')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async backfillFeed(@Param('id') id: string) {
    return this.pullFeed.execute(id, { force: true });
  }

  @Post('admin/buyers/:siret/backfill')
  @HttpCode(200)
  @UseGuards(AdminAuthGuard)
  @RequireRoles('admin')
  async backfillBuyer(@Param('siret') siret: string) {
    return this.backfill.execute(Siret.parse(siret));
  }

  @Get('qualite/flux')
  async publicStatus(@Query() query: Record<string, string>) {
    const q = StatusQuery.parse(query);
    return { items: await this.status.publicFeeds(q) };
  }
}

async function readText(req: Request, limit: number): Promise<string> {
  if (typeof req.body === 'string') return req.body; // a text parser upstream already read it
  if (Buffer.isBuffer(req.body)) return req.body.toString('utf8');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw feedImportTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
