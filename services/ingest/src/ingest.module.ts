import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import { EVENT_BUS, HealthRegistry, OpenApiRegistry, type EventBus } from '@observatoire/platform';
import { ingestOpenApiPaths, ingestOpenApiSchemas } from './infrastructure/http/ingest.openapi';
import { IngestFilesHandler } from './application/ingest-files/ingest-files.handler';
import { IngestController } from './infrastructure/http/ingest.controller';
import { INGEST_ORM } from './infrastructure/ingest.tokens';
import { createIngestOrm } from './infrastructure/persistence/ingest-orm';

export interface IngestModuleOptions {
  databaseUrl: string;
}

/** The ingest service: DECP files and feeds in, events out. Needs a global EVENT_BUS provider. */
@Module({})
export class IngestModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(INGEST_ORM) private readonly orm: MikroORM,
    private readonly health: HealthRegistry,
    private readonly openapi: OpenApiRegistry,
  ) {}

  onModuleInit() {
    this.openapi.add(ingestOpenApiPaths, ingestOpenApiSchemas);
    this.health.register('ingestDatabase', async () => {
      const ok = await this.orm.isConnected();
      return { ok, detail: ok ? 'ingest ledger reachable' : 'ingest ledger unreachable' };
    });
  }

  static register(options: IngestModuleOptions): DynamicModule {
    return {
      module: IngestModule,
      controllers: [IngestController],
      providers: [
        { provide: INGEST_ORM, useFactory: () => createIngestOrm(options.databaseUrl) },
        {
          provide: IngestFilesHandler,
          inject: [INGEST_ORM, EVENT_BUS],
          useFactory: (orm: MikroORM, bus: EventBus) => new IngestFilesHandler(orm, bus),
        },
      ],
      exports: [IngestFilesHandler, INGEST_ORM],
    };
  }

  async onApplicationShutdown() {
    await this.orm.close();
  }
}
