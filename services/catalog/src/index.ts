/** Public surface of the catalog service. */
export { CatalogModule, CATALOG_OPTIONS, TERRITORY_REFERENCE, type CatalogModuleOptions } from './catalog.module';
export { ApplyContractPublishedBatchHandler } from './application/apply-contract-published-batch/apply-contract-published-batch.handler';
export {
  applyContractPublishedBatch,
  CATALOG_CONTRACTS_CONSUMER,
  type ApplyBatchResult,
  type OrganisationToResolve,
} from './application/apply-contract-published-batch/apply-contract-published-batch';
export { ResolveOrganisationsHandler } from './application/resolve-organisations/resolve-organisations.handler';
export {
  resolveOrganisations,
  CATALOG_EVENT_SOURCE,
  type OrganisationResolvedEvent,
  type ResolveOrganisationsResult,
} from './application/resolve-organisations/resolve-organisations';
export { ORGANISATION_RESOLVER, type OrganisationResolver, type OrganisationSource } from './application/resolve-organisations/organisation-resolver.port';
export { importSireneStock, type ImportSireneStockOptions, type ImportProgress } from './application/import-sirene-stock/import-sirene-stock';
export { createCatalogOrmConfig, openCatalogOrm, dialectOf, type CatalogOrmOptions } from './infrastructure/orm/catalog-orm.config';
export { migrateCatalog, type MigrateCatalogOptions, type MigrateCatalogResult } from './infrastructure/orm/migrate-catalog';
export { CATALOG_ORM } from './infrastructure/orm/catalog-orm.provider';
export { catalogOpenApiPaths } from './infrastructure/http/catalog.openapi';
export { CatalogError } from './domain/catalog.errors';
export { ReResolveOrganisationsHandler } from './application/re-resolve-organisations/re-resolve-organisations.handler';
export {
  reResolveOrganisations,
  DEFAULT_RE_RESOLVE_REASONS,
  type ReResolveOrganisationsOptions,
  type ReResolveOrganisationsResult,
} from './application/re-resolve-organisations/re-resolve-organisations';
export { createOrganisationResolver, type OrganisationResolverOptions } from './application/re-resolve-organisations/organisation-resolver.factory';
