import { Inject, Module, type DynamicModule, type OnModuleInit, type Provider } from '@nestjs/common';
import type { MikroORM } from '@mikro-orm/core';
import { HealthRegistry, OpenApiRegistry } from '@observatoire/platform';
import { PersistContractWhenContractPublishedHandler } from './infrastructure/messaging/persist-contract-when-contract-published.handler';
import { catalogOpenApiPaths } from './infrastructure/http/catalog.openapi';
import { ApplyContractPublishedBatchHandler } from './application/apply-contract-published-batch/apply-contract-published-batch.handler';
import { ORGANISATION_RESOLVER } from './application/resolve-organisations/organisation-resolver.port';
import { ResolveOrganisationsHandler } from './application/resolve-organisations/resolve-organisations.handler';
import { createOrganisationResolver } from './application/re-resolve-organisations/organisation-resolver.factory';
import type { TerritoryReference } from './domain/territory';
import { ReResolveOrganisationsHandler } from './application/re-resolve-organisations/re-resolve-organisations.handler';
import { AdminOrganisationsController } from './infrastructure/http/admin-organisations.controller';
import { BuyersController } from './infrastructure/http/buyers.controller';
import { ContractsController } from './infrastructure/http/contracts.controller';
import { OrganisationsController } from './infrastructure/http/organisations.controller';
import { SuppliersController } from './infrastructure/http/suppliers.controller';
import { openCatalogOrm } from './infrastructure/orm/catalog-orm.config';
import { CATALOG_ORM, CatalogOrmLifecycle } from './infrastructure/orm/catalog-orm.provider';
import type { RechercheEntreprisesClientOptions } from './infrastructure/sirene/recherche-entreprises.client';
import { defaultTerritoryReference, readTerritoryTables } from './infrastructure/territory/territory-reference';

export interface CatalogModuleOptions {
  /** postgres://… or sqlite:/path/file.db or sqlite::memory: */
  ormUrl: string;
  /** Base URL of the "recherche d'entreprises" API (SIRENE_API_URL); unset = offline. */
  sireneApiUrl?: string;
  sireneApi?: Omit<RechercheEntreprisesClientOptions, 'baseUrl'> & { cacheTtlMs?: number };
  /** Directory of the territory CSV files; default services/catalog/reference. */
  referenceDir?: string;
  debugSql?: boolean;
}

export const CATALOG_OPTIONS = Symbol('CATALOG_OPTIONS');
export const TERRITORY_REFERENCE = Symbol('TERRITORY_REFERENCE');

@Module({})
export class CatalogModule implements OnModuleInit {
  constructor(
    @Inject(CATALOG_ORM) private readonly orm: MikroORM,
    private readonly health: HealthRegistry,
    private readonly openapi: OpenApiRegistry,
  ) {}

  onModuleInit() {
    this.openapi.add(catalogOpenApiPaths);
    this.health.register('catalogDatabase', async () => {
      const ok = await this.orm.isConnected();
      return { ok, detail: ok ? 'catalog database reachable' : 'catalog database unreachable' };
    });
  }

  static register(options: CatalogModuleOptions): DynamicModule {
    const infrastructure: Provider[] = [
      { provide: CATALOG_OPTIONS, useValue: options },
      // The ORM is opened here, never migrated here: migrations are `migrateCatalog` (CLI `observatoire migrate`).
      { provide: CATALOG_ORM, useFactory: () => openCatalogOrm({ url: options.ormUrl, debug: options.debugSql }) },
      CatalogOrmLifecycle,
      {
        provide: TERRITORY_REFERENCE,
        useFactory: (): TerritoryReference => (options.referenceDir ? readTerritoryTables(options.referenceDir).reference : defaultTerritoryReference()),
      },
      {
        provide: ORGANISATION_RESOLVER,
        inject: [TERRITORY_REFERENCE],
        useFactory: (territory: TerritoryReference) => createOrganisationResolver({ sireneApiUrl: options.sireneApiUrl, sireneApi: options.sireneApi, territory }),
      },
    ];
    const useCases: Provider[] = [ApplyContractPublishedBatchHandler, ResolveOrganisationsHandler, ReResolveOrganisationsHandler];
    return {
      module: CatalogModule,
      controllers: [ContractsController, BuyersController, SuppliersController, OrganisationsController, AdminOrganisationsController, PersistContractWhenContractPublishedHandler],
      providers: [...infrastructure, ...useCases],
      exports: [CATALOG_ORM, ApplyContractPublishedBatchHandler, ResolveOrganisationsHandler],
    };
  }
}

