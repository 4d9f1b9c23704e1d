import { type DynamicModule, Inject, Module, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import { CONSUMER_GROUPS } from '@observatoire/contracts';
import { BusOperations, EVENT_BUS, type EventBus, HealthRegistry, Metrics, OpenApiRegistry } from '@observatoire/platform';
import { ExportIndicatorsHandler } from './application/export-indicators/export-indicators.handler';
import { GetIndicatorBreakdownHandler } from './application/get-indicator-breakdown/get-indicator-breakdown.handler';
import { GetIndicatorSeriesHandler } from './application/get-indicator-series/get-indicator-series.handler';
import { GetIndicatorsHandler } from './application/get-indicators/get-indicators.handler';
import { GetPriceDistributionHandler } from './application/get-price-distribution/get-price-distribution.handler';
import { GetSectorOverviewHandler } from './application/get-sector-overview/get-sector-overview.handler';
import { GetProbableDuplicatesHandler } from './application/get-probable-duplicates/get-probable-duplicates.handler';
import { DEFAULT_STALE_SOURCE_DAYS, GetSourceFreshnessHandler } from './application/get-source-freshness/get-source-freshness.handler';
import { MapNafToCpvHandler } from './application/map-naf-to-cpv/map-naf-to-cpv.handler';
import { PreparePurchaseHandler } from './application/prepare-purchase/prepare-purchase.handler';
import { ProjectBuyerRegistryHandler } from './application/project-buyer-registry/project-buyer-registry.handler';
import { ProjectContractsHandler } from './application/project-contracts/project-contracts.handler';
import { ProjectIngestRunsHandler } from './application/project-ingest-runs/project-ingest-runs.handler';
import { ProjectOrganisationsHandler } from './application/project-organisations/project-organisations.handler';
import { ProjectQuarantineHandler } from './application/project-quarantine/project-quarantine.handler';
import { ANALYTICS_SOURCE_TOPICS } from './application/rebuild-projections/rebuild-projections';
import { RebuildProjectionsJob } from './application/rebuild-projections/rebuild-projections.job';
import { ProjectionFreshness } from './application/shared/projection-freshness';
import { FactsLoader } from './application/shared/facts-loader';
import type { ProjectionReadPort } from './application/shared/projection-read.port';
import { QueryCache } from './application/shared/query-cache';
import { DEFAULT_CHARTER_TARGETS, type CharterTargets } from './domain';
import { ANALYTICS_ORM, ANALYTICS_QUERY_CACHE, ANALYTICS_READ_STORE, ANALYTICS_TARGETS } from './infrastructure/analytics.tokens';
import { analyticsOpenApiPaths, analyticsOpenApiSchemas } from './infrastructure/http/analytics.openapi';
import { AdminAnalyticsController } from './infrastructure/http/admin-analytics.controller';
import { IndicatorsController } from './infrastructure/http/indicators.controller';
import { PreparePurchaseController } from './infrastructure/http/prepare-purchase.controller';
import { SourceFreshnessController } from './infrastructure/http/source-freshness.controller';
import { preparePurchaseOpenApiPaths, preparePurchaseOpenApiSchemas } from './infrastructure/http/prepare-purchase.openapi';
import { AnalyticsEventsController } from './infrastructure/messaging/analytics-events.controller';
import { createAnalyticsOrm } from './infrastructure/persistence/analytics-orm';
import { backfillFacts } from './infrastructure/persistence/facts-projection.repository';
import { ProjectionReadStore } from './infrastructure/persistence/projection-read.store';
import { projectionStoreSwitch } from './infrastructure/persistence/projection-store-switch';

export interface AnalyticsModuleOptions {
  /** `postgres://…` or `sqlite:<file>` / `sqlite::memory:`. Migrations are a separate step (`migrateAnalytics`). */
  databaseUrl: string;
  /** Charter targets shown against the values; defaults to DEFAULT_CHARTER_TARGETS. */
  targets?: CharterTargets;
  /** Query results kept per projection revision (default 256). */
  cacheEntries?: number;
  /** `GET /api/qualite/sources`: a source whose last run is older than this many days is stale (default 45). */
  staleSourceDays?: number;
}

/**
 * The analytics service: projections of contracts, profiles, quarantine, ingest runs and the buyer registry fed by the bus, and the
 * charter indicators API. Needs the global providers of PlatformModule (HealthRegistry, OpenApiRegistry; the
 * EVENT_BUS is used by the transport that runs the consumers).
 */
@Module({})
export class AnalyticsModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(ANALYTICS_ORM) private readonly orm: MikroORM,
    @Inject(HealthRegistry) private readonly health: HealthRegistry,
    @Inject(OpenApiRegistry) private readonly openapi: OpenApiRegistry,
    @Inject(RebuildProjectionsJob) private readonly rebuild: RebuildProjectionsJob,
    @Optional() @Inject(BusOperations) private readonly ops?: BusOperations,
  ) {}

  static register(options: AnalyticsModuleOptions): DynamicModule {
    return {
      module: AnalyticsModule,
      controllers: [IndicatorsController, PreparePurchaseController, SourceFreshnessController, AnalyticsEventsController, AdminAnalyticsController],
      providers: [
        // infrastructure
        { provide: ANALYTICS_ORM, useFactory: () => createAnalyticsOrm(options.databaseUrl) },
        { provide: ANALYTICS_TARGETS, useValue: options.targets ?? DEFAULT_CHARTER_TARGETS },
        { provide: ANALYTICS_READ_STORE, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectionReadStore(orm) },
        {
          provide: ANALYTICS_QUERY_CACHE,
          inject: [ANALYTICS_READ_STORE],
          useFactory: (store: ProjectionReadPort) => new QueryCache(() => store.revision(), options.cacheEntries ?? 256),
        },
        { provide: FactsLoader, inject: [ANALYTICS_READ_STORE], useFactory: (store: ProjectionReadPort) => new FactsLoader(store) },
        // consumers (projections)
        { provide: ProjectContractsHandler, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectContractsHandler(orm) },
        { provide: ProjectOrganisationsHandler, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectOrganisationsHandler(orm) },
        { provide: ProjectQuarantineHandler, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectQuarantineHandler(orm) },
        { provide: ProjectIngestRunsHandler, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectIngestRunsHandler(orm) },
        { provide: ProjectBuyerRegistryHandler, inject: [ANALYTICS_ORM], useFactory: (orm: MikroORM) => new ProjectBuyerRegistryHandler(orm) },
        {
          provide: RebuildProjectionsJob,
          inject: [EVENT_BUS, ANALYTICS_ORM, { token: Metrics, optional: true }],
          useFactory: (bus: EventBus, orm: MikroORM, metrics?: Metrics) =>
            new RebuildProjectionsJob(bus, orm, () => projectionStoreSwitch(options.databaseUrl, orm), (op) => metrics?.adminOperation(op)),
        },
        // queries
        {
          provide: ProjectionFreshness,
          inject: [ANALYTICS_READ_STORE, { token: EVENT_BUS, optional: true }],
          useFactory: (store: ProjectionReadPort, bus?: EventBus) =>
            new ProjectionFreshness({
              position: () => store.position(),
              lag: bus
                ? async () => Object.values(await bus.lag(CONSUMER_GROUPS.analytics, [...ANALYTICS_SOURCE_TOPICS])).reduce((a, b) => a + b, 0)
                : undefined,
            }),
        },
        {
          provide: GetIndicatorsHandler,
          inject: [FactsLoader, ANALYTICS_QUERY_CACHE, ANALYTICS_TARGETS, ProjectionFreshness],
          useFactory: (f: FactsLoader, c: QueryCache, t: CharterTargets, fr: ProjectionFreshness) => new GetIndicatorsHandler(f, c, t, fr),
        },
        {
          provide: GetIndicatorSeriesHandler,
          inject: [FactsLoader, ANALYTICS_QUERY_CACHE, ANALYTICS_TARGETS],
          useFactory: (f: FactsLoader, c: QueryCache, t: CharterTargets) => new GetIndicatorSeriesHandler(f, c, t),
        },
        {
          provide: GetIndicatorBreakdownHandler,
          inject: [FactsLoader, ANALYTICS_QUERY_CACHE, ANALYTICS_TARGETS],
          useFactory: (f: FactsLoader, c: QueryCache, t: CharterTargets) => new GetIndicatorBreakdownHandler(f, c, t),
        },
        {
          provide: ExportIndicatorsHandler,
          inject: [GetIndicatorsHandler, GetIndicatorSeriesHandler, GetIndicatorBreakdownHandler],
          useFactory: (i: GetIndicatorsHandler, s: GetIndicatorSeriesHandler, b: GetIndicatorBreakdownHandler) => new ExportIndicatorsHandler(i, s, b),
        },
        {
          provide: GetSectorOverviewHandler,
          inject: [ANALYTICS_READ_STORE, ANALYTICS_QUERY_CACHE, MapNafToCpvHandler],
          useFactory: (s: ProjectionReadPort, c: QueryCache, m: MapNafToCpvHandler) => new GetSectorOverviewHandler(s, c, m),
        },
        {
          provide: MapNafToCpvHandler,
          inject: [ANALYTICS_READ_STORE, ANALYTICS_QUERY_CACHE],
          useFactory: (s: ProjectionReadPort, c: QueryCache) => new MapNafToCpvHandler(s, c),
        },
        {
          provide: GetPriceDistributionHandler,
          inject: [ANALYTICS_READ_STORE, ANALYTICS_QUERY_CACHE],
          useFactory: (s: ProjectionReadPort, c: QueryCache) => new GetPriceDistributionHandler(s, c),
        },
        {
          provide: PreparePurchaseHandler,
          inject: [FactsLoader, ANALYTICS_QUERY_CACHE],
          useFactory: (f: FactsLoader, c: QueryCache) => new PreparePurchaseHandler(f, c),
        },
        {
          provide: GetProbableDuplicatesHandler,
          inject: [ANALYTICS_READ_STORE, ANALYTICS_QUERY_CACHE],
          useFactory: (s: ProjectionReadPort, c: QueryCache) => new GetProbableDuplicatesHandler(s, c),
        },
        {
          provide: GetSourceFreshnessHandler,
          inject: [ANALYTICS_READ_STORE],
          useFactory: (s: ProjectionReadPort) => new GetSourceFreshnessHandler(s, options.staleSourceDays ?? DEFAULT_STALE_SOURCE_DAYS),
        },
      ],
      exports: [
        ANALYTICS_ORM,
        GetIndicatorsHandler,
        ProjectionFreshness,
        GetIndicatorSeriesHandler,
        GetIndicatorBreakdownHandler,
        ExportIndicatorsHandler,
        GetSectorOverviewHandler,
        GetPriceDistributionHandler,
        PreparePurchaseHandler,
        GetSourceFreshnessHandler,
        GetProbableDuplicatesHandler,
        ProjectContractsHandler,
        ProjectOrganisationsHandler,
        ProjectQuarantineHandler,
        ProjectIngestRunsHandler,
        ProjectBuyerRegistryHandler,
        RebuildProjectionsJob,
      ],
    };
  }

  onModuleInit(): void {
    this.openapi.add(analyticsOpenApiPaths, analyticsOpenApiSchemas);
    this.openapi.add(preparePurchaseOpenApiPaths, preparePurchaseOpenApiSchemas);
    // `POST /api/admin/replay/observatoire-analytics` rebuilds into fresh tables and switches over.
    this.ops?.registerRebuilder(CONSUMER_GROUPS.analytics, (ctx) => this.rebuild.start(`${ctx.via} ${ctx.correlationId ?? ''}`.trim()));
    // a store migrated with contracts already in it gets their facts in the background (bounded batches)
    void backfillFacts(this.orm).catch((e: unknown) => console.error('analytics facts backfill failed', e));
    this.health.register('analyticsDatabase', async () => {
      const ok = await this.orm.isConnected();
      return { ok, detail: ok ? 'analytics projections reachable' : 'analytics projections unreachable' };
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.orm.close();
  }
}
