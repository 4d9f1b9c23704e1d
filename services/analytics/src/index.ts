/** Public surface of the analytics service. */
export * from './domain';
export { AnalyticsModule, type AnalyticsModuleOptions } from './analytics.module';
export { createAnalyticsOrm, migrateAnalytics } from './infrastructure/persistence/analytics-orm';
export { ANALYTICS_ORM } from './infrastructure/analytics.tokens';
export { analyticsOpenApiPaths, analyticsOpenApiSchemas } from './infrastructure/http/analytics.openapi';
export { ProjectionReadStore } from './infrastructure/persistence/projection-read.store';
// use cases
export { ProjectContractsHandler, CONTRACTS_CONSUMER } from './application/project-contracts/project-contracts.handler';
export { planContractBatch, type ContractBatchPlan } from './application/project-contracts/plan-contract-batch';
export { ProjectOrganisationsHandler, ORGANISATIONS_CONSUMER } from './application/project-organisations/project-organisations.handler';
export { ProjectQuarantineHandler, QUARANTINE_CONSUMER } from './application/project-quarantine/project-quarantine.handler';
export { ProjectIngestRunsHandler, INGEST_RUNS_CONSUMER } from './application/project-ingest-runs/project-ingest-runs.handler';
export { ProjectBuyerRegistryHandler, BUYER_REGISTRY_CONSUMER } from './application/project-buyer-registry/project-buyer-registry.handler';
export { buildExpectedBuyerYears, expectedBuyerYearsApply, periodYears, type RegisteredBuyer } from './application/shared/expected-buyer-years';
export { GetIndicatorsHandler, type IndicatorsResult } from './application/get-indicators/get-indicators.handler';
export { GetIndicatorSeriesHandler, type SeriesResult } from './application/get-indicator-series/get-indicator-series.handler';
export { GetIndicatorBreakdownHandler, type BreakdownResult } from './application/get-indicator-breakdown/get-indicator-breakdown.handler';
export { ExportIndicatorsHandler, EXPORT_TABLES, type ExportTable } from './application/export-indicators/export-indicators.handler';
export { GetSectorOverviewHandler, type SectorOverview } from './application/get-sector-overview/get-sector-overview.handler';
export { GetPriceDistributionHandler, type PriceDistributionResult } from './application/get-price-distribution/get-price-distribution.handler';
export { FactsLoader } from './application/shared/facts-loader';
export { QueryCache } from './application/shared/query-cache';
export { type AnalyticsFilters, parseQuery, querySchema, toFilters } from './application/shared/analytics-filters';
export { PreparePurchaseHandler, DEFAULT_BAND, type PreparePurchaseQuery, type PreparePurchaseResult, type LocalSupplier, type SupplierGroup } from './application/prepare-purchase/prepare-purchase.handler';
export { preparePurchaseOpenApiPaths, preparePurchaseOpenApiSchemas } from './infrastructure/http/prepare-purchase.openapi';
export { rebuildAnalyticsProjections, REBUILD_GROUP, ANALYTICS_SOURCE_TOPICS, type RebuildReport, type RebuildProgress, type RebuildPhase } from './application/rebuild-projections/rebuild-projections';
export { RebuildProjectionsJob, type RebuildStatus } from './application/rebuild-projections/rebuild-projections.job';
export { projectionStoreSwitch, PROJECTION_TABLES, type ProjectionStoreSwitch } from './infrastructure/persistence/projection-store-switch';
