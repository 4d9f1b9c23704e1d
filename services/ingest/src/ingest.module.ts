import { type DynamicModule, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import { EVENT_BUS, HealthRegistry, OpenApiRegistry, metricsOfProcess, type EventBus } from '@observatoire/platform';
import { ingestOpenApiPaths, ingestOpenApiSchemas } from './infrastructure/http/ingest.openapi';
import { feedsOpenApiPaths, feedsOpenApiSchemas } from './infrastructure/http/feeds.openapi';
import { IngestFilesHandler } from './application/ingest-files/ingest-files.handler';
import { RegisterFeedHandler } from './application/feeds/register-feed/register-feed.handler';
import { OnboardBuyersFromCsvHandler } from './application/feeds/onboard-buyers-from-csv/onboard-buyers-from-csv.handler';
import { DEFAULT_PULL_TUNING, PullFeedHandler, type PullFeedTuning } from './application/feeds/pull-feed/pull-feed.handler';
import { PullDueFeedsHandler } from './application/feeds/pull-due-feeds/pull-due-feeds.handler';
import { BackfillBuyerHandler } from './application/feeds/backfill-buyer/backfill-buyer.handler';
import { FeedStatusQuery } from './application/feeds/feed-status/feed-status.query';
import { PublishBuyerRegistryHandler } from './application/feeds/publish-buyer-registry/publish-buyer-registry.handler';
import { DEFAULT_UPLOAD_TUNING, ReceiveUploadHandler } from './application/feeds/receive-upload/receive-upload.handler';
import type { LedgerLockOptions } from './application/ingest-files/ledger-lock';
import { createLedgerLock } from './infrastructure/locking/create-ledger-lock';
import { IngestController } from './infrastructure/http/ingest.controller';
import { FeedsController } from './infrastructure/http/feeds.controller';
import { DEFAULT_FEED_SCHEDULER, FeedScheduler, type FeedSchedulerOptions } from './infrastructure/scheduling/feed-scheduler';
import { INGEST_ORM } from './infrastructure/ingest.tokens';
import { createIngestOrm } from './infrastructure/persistence/ingest-orm';

export interface IngestModuleOptions {
  databaseUrl: string;
  /** The feed scheduler; off by default (the app turns it on). */
  feedScheduler?: Partial<FeedSchedulerOptions>;
  /** Pull timeout, body size limit and spool directory of feed pulls. */
  feedPull?: Partial<PullFeedTuning>;
  /**
   * One ingest run at a time per ledger: how long a run waits for the one holding the ledger (`waitMs`,
   * default 10 min; `uploadWaitMs` for `POST /api/ingest/uploads`, default 30 s, then 409), and the
   * lock's lease, heartbeat and polling (docs/feeds.md, "One ingest run at a time").
   */
  ingestLock?: Partial<Omit<LedgerLockOptions, 'logger'>> & { uploadWaitMs?: number };
}

/**
 * The ingest service: DECP files and feeds in, events out. Needs a global EVENT_BUS provider. At start it publishes
 * the whole buyer registry again (`BuyerRegistered`, same ids when nothing changed), so that consumers know every
 * registered buyer, including those registered before the event existed.
 */
@Module({})
export class IngestModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IngestModule');

  constructor(
    @Inject(INGEST_ORM) private readonly orm: MikroORM,
    private readonly health: HealthRegistry,
    private readonly openapi: OpenApiRegistry,
    @Inject(PublishBuyerRegistryHandler) private readonly registry: PublishBuyerRegistryHandler,
  ) {}

  onModuleInit() {
    this.openapi.add(ingestOpenApiPaths, ingestOpenApiSchemas);
    this.openapi.add(feedsOpenApiPaths, feedsOpenApiSchemas);
    this.health.register('ingestDatabase', async () => {
      const ok = await this.orm.isConnected();
      return { ok, detail: ok ? 'ingest ledger reachable' : 'ingest ledger unreachable' };
    });
  }

  static register(options: IngestModuleOptions): DynamicModule {
    const scheduler: FeedSchedulerOptions = { ...DEFAULT_FEED_SCHEDULER, ...options.feedScheduler };
    const pullTuning: PullFeedTuning = { ...DEFAULT_PULL_TUNING, ...options.feedPull };
    const { uploadWaitMs = DEFAULT_UPLOAD_TUNING.lockWaitMs, ...ledgerLock } = options.ingestLock ?? {};
    return {
      module: IngestModule,
      controllers: [IngestController, FeedsController],
      providers: [
        // Persistence
        { provide: INGEST_ORM, useFactory: () => createIngestOrm(options.databaseUrl) },
        // Use cases: files
        {
          provide: IngestFilesHandler,
          inject: [INGEST_ORM, EVENT_BUS],
          useFactory: (orm: MikroORM, bus: EventBus) =>
            new IngestFilesHandler(orm, bus, undefined, metricsOfProcess(), createLedgerLock(orm, ledgerLock)),
        },
        {
          provide: ReceiveUploadHandler,
          inject: [INGEST_ORM, IngestFilesHandler],
          useFactory: (orm: MikroORM, ingest: IngestFilesHandler) => new ReceiveUploadHandler(orm, ingest, { lockWaitMs: uploadWaitMs }),
        },
        // Use cases: feed registry
        {
          provide: PublishBuyerRegistryHandler,
          inject: [INGEST_ORM, EVENT_BUS],
          useFactory: (orm: MikroORM, bus: EventBus) => new PublishBuyerRegistryHandler(orm, bus, metricsOfProcess()),
        },
        {
          provide: RegisterFeedHandler,
          inject: [INGEST_ORM, PublishBuyerRegistryHandler],
          useFactory: (orm: MikroORM, registry: PublishBuyerRegistryHandler) => new RegisterFeedHandler(orm, undefined, registry),
        },
        {
          provide: OnboardBuyersFromCsvHandler,
          inject: [INGEST_ORM, PublishBuyerRegistryHandler],
          useFactory: (orm: MikroORM, registry: PublishBuyerRegistryHandler) => new OnboardBuyersFromCsvHandler(orm, undefined, registry),
        },
        {
          provide: PullFeedHandler,
          inject: [INGEST_ORM, IngestFilesHandler],
          useFactory: (orm: MikroORM, ingest: IngestFilesHandler) => new PullFeedHandler(orm, ingest, pullTuning),
        },
        { provide: PullDueFeedsHandler, inject: [INGEST_ORM, PullFeedHandler], useFactory: (orm: MikroORM, pull: PullFeedHandler) => new PullDueFeedsHandler(orm, pull) },
        { provide: BackfillBuyerHandler, inject: [INGEST_ORM, PullFeedHandler], useFactory: (orm: MikroORM, pull: PullFeedHandler) => new BackfillBuyerHandler(orm, pull) },
        { provide: FeedStatusQuery, inject: [INGEST_ORM], useFactory: (orm: MikroORM) => new FeedStatusQuery(orm) },
        // Scheduling
        { provide: FeedScheduler, inject: [PullDueFeedsHandler], useFactory: (pullDue: PullDueFeedsHandler) => new FeedScheduler(pullDue, scheduler) },
      ],
      exports: [IngestFilesHandler, INGEST_ORM, PullDueFeedsHandler, FeedStatusQuery, FeedScheduler, PublishBuyerRegistryHandler],
    };
  }

  /**
   * Re-publishes the whole registry. Never fatal: a store not migrated yet, or a bus that is down, only delays the
   * registry events until the next start or registration (the service itself works without them).
   */
  async onApplicationBootstrap() {
    try {
      const r = await this.registry.execute();
      if (r.buyers > 0) this.logger.log(`buyer registry published: ${r.published} buyers (${r.changed} changed)`);
    } catch (e) {
      this.logger.warn(`buyer registry not published at start: ${(e as Error).message}`);
    }
  }

  async onApplicationShutdown() {
    await this.orm.close();
  }
}
