import { Controller, Get, Inject, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, DomainError, RequireRoles } from '@observatoire/platform';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ReceiveUploadHandler } from '../../application/feeds/receive-upload/receive-upload.handler';
import { INGEST_ORM } from '../ingest.tokens';
import type { MikroORM } from '@mikro-orm/core';
import { IngestRunRepository } from '../persistence/ingest-run.repository';
import { QuarantineRepository } from '../persistence/quarantine.repository';

const UploadQuery = z.object({
  filename: z.string().min(1).max(300).regex(/^[\w.\- ]+$/, 'filename: letters, digits, dot, dash, underscore, space'),
  source: z.string().min(1).max(100).regex(/^[\w.:-]+$/).optional(),
  /** An `upload` feed the file is attributed to (its status is updated like a pull's). */
  feed: z.string().min(1).max(40).regex(/^[\w-]+$/, 'feed: identifiant de flux (f_…)').optional(),
});

/** Seconds a client is asked to wait before retrying an upload refused because the ledger was busy. */
const BUSY_RETRY_AFTER_S = 60;

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  file: z.string().optional(),
});

@Controller()
export class IngestController {
  constructor(
    private readonly uploads: ReceiveUploadHandler,
    @Inject(INGEST_ORM) private readonly orm: MikroORM,
  ) {}

  /**
   * Upload one DECP file (any supported shape, optionally gzipped) as the raw request body
   * (`Content-Type: application/octet-stream`); the body is streamed, never buffered whole.
   * `feed=<id>` attributes it to an `upload` feed and updates that feed's status. When another run holds
   * the ledger longer than the upload's wait (30 s by default), answers 409 INGEST_LEDGER_BUSY with
   * `Retry-After`, before reading the body: nothing was ingested, the client sends it again later.
   * Role `ingest` (upload-only keys and tokens; `admin` implies it).
   */
  @Post('ingest/uploads')
  @UseGuards(AdminAuthGuard)
  @RequireRoles('ingest')
  async upload(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Query() query: Record<string, string>) {
    const q = UploadQuery.parse(query);
    if ((req.headers['content-type'] ?? '').startsWith('multipart/')) {
      throw new DomainError('INGEST_UNSUPPORTED_UPLOAD', 'Envoyez le fichier brut (application/octet-stream), pas un formulaire multipart', 415);
    }
    try {
      return await this.uploads.execute({ filename: q.filename, open: () => req, source: q.source, feedId: q.feed });
    } catch (e) {
      if (e instanceof DomainError && e.code === 'INGEST_LEDGER_BUSY') res.setHeader('Retry-After', String(BUSY_RETRY_AFTER_S));
      throw e;
    }
  }

  @Get('ingest/runs')
  async runs(@Query() query: Record<string, string>) {
    const q = ListQuery.parse(query);
    return { items: await new IngestRunRepository(this.orm.em.fork()).latest(q.limit) };
  }

  @Get('qualite/quarantaine')
  async quarantine(@Query() query: Record<string, string>) {
    const q = ListQuery.parse(query);
    const repo = new QuarantineRepository(this.orm.em.fork());
    const rows = await repo.list({ limit: q.limit, offset: q.offset, file: q.file });
    return {
      total: await repo.count(),
      items: rows.map((r) => ({
        source: r.source,
        file: r.file,
        position: Number(r.position),
        format: r.format,
        recordId: r.record_id,
        acheteurId: r.acheteur_id,
        reasons: JSON.parse(String(r.reasons)),
        raw: r.raw,
      })),
    };
  }
}
