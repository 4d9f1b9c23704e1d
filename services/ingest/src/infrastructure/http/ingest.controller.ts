import { Controller, Get, Inject, Post, Query, Req, UseGuards } from '@nestjs/common';
import { AdminAuthGuard, DomainError } from '@observatoire/platform';
import type { Request } from 'express';
import { z } from 'zod';
import { IngestFilesHandler } from '../../application/ingest-files/ingest-files.handler';
import { INGEST_ORM } from '../ingest.tokens';
import type { MikroORM } from '@mikro-orm/core';
import { IngestRunRepository } from '../persistence/ingest-run.repository';
import { QuarantineRepository } from '../persistence/quarantine.repository';

const UploadQuery = z.object({
  filename: z.string().min(1).max(300).regex(/^[\w.\- ]+$/, 'filename: letters, digits, dot, dash, underscore, space'),
  source: z.string().min(1).max(100).regex(/^[\w.:-]+$/).default('upload'),
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  file: z.string().optional(),
});

@Controller()
export class IngestController {
  constructor(
    private readonly ingest: IngestFilesHandler,
    @Inject(INGEST_ORM) private readonly orm: MikroORM,
  ) {}

  /**
   * Upload one DECP file (any supported shape, optionally gzipped) as the raw request body
   * (`Content-Type: application/octet-stream`); the body is streamed, never buffered whole.
   */
  @Post('ingest/uploads')
  @UseGuards(AdminAuthGuard)
  async upload(@Req() req: Request, @Query() query: Record<string, string>) {
    const q = UploadQuery.parse(query);
    if ((req.headers['content-type'] ?? '').startsWith('multipart/')) {
      throw new DomainError('INGEST_UNSUPPORTED_UPLOAD', 'Envoyez le fichier brut (application/octet-stream), pas un formulaire multipart', 415);
    }
    return this.ingest.run([{ name: `upload:${q.filename}`, open: () => req }], { source: q.source, trigger: 'upload' });
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
