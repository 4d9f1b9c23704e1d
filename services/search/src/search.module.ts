import { type DynamicModule, Inject, Module, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@observatoire/contracts';
import { HealthRegistry, OpenApiRegistry } from '@observatoire/platform';
import { IndexContractWhenContractPublishedHandler } from './application/index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { UpdateOrganisationWhenResolvedHandler } from './application/update-organisation-when-resolved/update-organisation-when-resolved.handler';
import type { CpvLabels } from './domain/cpv-label';
import type { OrganisationProfileStore } from './domain/organisation-profile-store.port';
import type { SearchIndex } from './domain/search-index.port';
import { DEFAULT_SEARCH_RATE_LIMIT, SearchRateLimitGuard, type SearchRateLimitOptions } from './infrastructure/http/rate-limit.guard';
import { SearchController, type SearchHttpOptions } from './infrastructure/http/search.controller';
import { searchOpenApiPaths, searchOpenApiSchemas } from './infrastructure/http/search.openapi';
import { TokenBuckets } from './infrastructure/http/token-bucket';
import { searchConsumerController } from './infrastructure/messaging/search-consumers.controller';
import { readCpvLabels } from './infrastructure/reference/cpv-labels.reader';
import { createOrganisationProfileStore, createSearchIndex, parseSearchConfig, type SearchConfig } from './search-index.factory';
import { CPV_LABELS, ORGANISATION_PROFILE_STORE, SEARCH_HTTP_OPTIONS, SEARCH_INDEX, SEARCH_RATE_LIMITER } from './search.tokens';

export interface SearchModuleOptions {
  /** Engine configuration (see `searchConfigFromEnv`). */
  search: SearchConfig;
  /** Per-client-IP token bucket on the public endpoints; `false` disables it (internal deployments, benchmarks). */
  rateLimit?: SearchRateLimitOptions | false;
  /** `Cache-Control: public, max-age` of the public answers, in seconds (default 60). */
  cacheMaxAgeSeconds?: number;
  /** Consumer group of the search consumers (default CONSUMER_GROUPS.search). */
  consumerGroup?: string;
  /** CPV labels CSV (default services/search/reference/cpv_2008_fr.csv). */
  cpvLabelsFile?: string;
}

/**
 * The search service: the HTTP search API, the consumers that keep the index up to date from the
 * contracts and organisations topics, the health check `searchEngine` and its OpenAPI paths.
 * Needs the platform's global providers (PlatformModule.forRoot): HealthRegistry, OpenApiRegistry.
 */
@Module({})
export class SearchModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @Inject(ORGANISATION_PROFILE_STORE) private readonly profiles: OrganisationProfileStore,
    private readonly health: HealthRegistry,
    private readonly openapi: OpenApiRegistry,
  ) {}

  static register(options: SearchModuleOptions): DynamicModule {
    const config = parseSearchConfig(options.search); // fail fast, at composition time
    const rateLimit = options.rateLimit === false ? null : { ...DEFAULT_SEARCH_RATE_LIMIT, ...options.rateLimit };
    const infrastructure: Provider[] = [
      { provide: SEARCH_INDEX, useFactory: () => createSearchIndex(config) },
      { provide: ORGANISATION_PROFILE_STORE, useFactory: () => createOrganisationProfileStore(config) },
      { provide: CPV_LABELS, useFactory: () => readCpvLabels(options.cpvLabelsFile) },
      {
        provide: SEARCH_RATE_LIMITER,
        useFactory: () => (rateLimit ? new TokenBuckets({ capacity: rateLimit.capacity, refillPerSecond: rateLimit.refillPerSecond, maxKeys: rateLimit.maxClients }) : null),
      },
      { provide: SEARCH_HTTP_OPTIONS, useValue: { maxAgeSeconds: options.cacheMaxAgeSeconds ?? 60 } satisfies SearchHttpOptions },
      SearchRateLimitGuard,
    ];
    const useCases: Provider[] = [
      {
        provide: IndexContractWhenContractPublishedHandler,
        inject: [SEARCH_INDEX, ORGANISATION_PROFILE_STORE, CPV_LABELS],
        useFactory: (index: SearchIndex, profiles: OrganisationProfileStore, labels: CpvLabels) =>
          new IndexContractWhenContractPublishedHandler(index, profiles, labels),
      },
      {
        provide: UpdateOrganisationWhenResolvedHandler,
        inject: [SEARCH_INDEX, ORGANISATION_PROFILE_STORE],
        useFactory: (index: SearchIndex, profiles: OrganisationProfileStore) => new UpdateOrganisationWhenResolvedHandler(index, profiles),
      },
    ];
    return {
      module: SearchModule,
      controllers: [SearchController, searchConsumerController(options.consumerGroup ?? CONSUMER_GROUPS.search)],
      providers: [...infrastructure, ...useCases],
      exports: [SEARCH_INDEX, ORGANISATION_PROFILE_STORE, IndexContractWhenContractPublishedHandler, UpdateOrganisationWhenResolvedHandler],
    };
  }

  async onModuleInit(): Promise<void> {
    // Creating the index (and alias) is idempotent and not a migration: a projection is rebuilt, never migrated.
    await this.index.ensureIndex();
    await this.profiles.ensure();
    this.health.register('searchEngine', async () => {
      const h = await this.index.health();
      return { ok: h.status === 'up', detail: `${h.engine}: ${h.detail}` };
    });
    this.openapi.add(searchOpenApiPaths, searchOpenApiSchemas);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.index.close();
    await this.profiles.close();
  }
}
