import type { StoreIndicatorOptions, StoreIndicators } from '../../infrastructure/persistence/facts-indicators.query';
import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import type { NafCpvWins } from '../../domain';
import type { AnalyticsFilters } from './analytics-filters';
import type { RegisteredBuyer } from './expected-buyer-years';

export interface SectorTotals {
  contracts: number;
  /** Σ usable amounts, framework agreements left out. */
  amount: number;
  /** Contracts whose amount is unusable or missing (counted, not summed). */
  unusableAmounts: number;
  frameworkAgreements: { contracts: number; maxAmount: number };
}

export interface SectorYear extends SectorTotals {
  year: number | null;
}

export interface SectorBuyer {
  acheteur: string;
  nom: string | null;
  contracts: number;
  amount: number;
}

export interface SectorContract {
  uid: string;
  objet: string | null;
  acheteurId: string;
  acheteurNom: string | null;
  montant: number | null;
  montantUtilisable: boolean;
  accordCadre: boolean;
  dateNotification: string | null;
}

/** Per ingest source, the last run that brought its files and that run's counts (IngestRunCompleted). */
export interface SourceFreshnessRow {
  source: string;
  lastRunId: string;
  /** ISO timestamp of the end of that run. */
  lastFinishedAt: string;
  files: number;
  records: number;
  accepted: number;
  flagged: number;
  quarantined: number;
  duplicates: number;
}

export interface AmountRow {
  amount: number | null;
  frameworkAgreement: boolean;
}

/** What the query use cases read from the projection store (implemented in infrastructure). */
export interface ProjectionReadPort {
  /** The charter indicators computed in the store over the facts projection (aggregate queries, nothing loaded). */
  indicators(filters: AnalyticsFilters, options?: StoreIndicatorOptions): Promise<StoreIndicators>;
  /** The distinct years of notification of the filtered contracts (null for undated ones). */
  indicatorYears(filters: AnalyticsFilters): Promise<(number | null)[]>;
  /** The projections' revision and when it last changed. */
  position(): Promise<{ revision: number; changedAt: string | null }>;
  /** Changes whenever a consumer batch changed a projection: the cache key of every query result. */
  revision(): Promise<number>;
  /** Current contracts matching the filters (SQL on the flattened columns). */
  contracts(filters: AnalyticsFilters): Promise<Contract[]>;
  /**
   * Contracts notified in [from, toExclusive) by these buyers (SIREN or id; null = every buyer), minus `exclude`
   * (uids already loaded): the first-time suppliers' history.
   */
  history(buyers: readonly string[] | null, from: string, toExclusive: string, exclude?: ReadonlySet<string>): Promise<Contract[]>;
  profiles(ids: readonly string[]): Promise<Map<string, OrganisationProfile>>;
  /** One profile per SIREN (the first by id), for SIRENs whose registered SIRET has no profile of its own. */
  profilesBySiren(sirens: readonly string[]): Promise<Map<string, OrganisationProfile>>;
  /** The buyers of the ingest feed registry (BuyerRegistered), active or not. */
  registeredBuyers(): Promise<RegisteredBuyer[]>;
  /** The distinct years of notification of every current contract, ascending. */
  notificationYears(): Promise<number[]>;
  /** Earliest notification date in the store: before it plus 3 years, "first-time" cannot be told. */
  earliestNotificationDate(): Promise<string | null>;
  sectorTotals(filters: AnalyticsFilters): Promise<SectorTotals>;
  sectorByYear(filters: AnalyticsFilters): Promise<SectorYear[]>;
  topBuyers(filters: AnalyticsFilters, limit: number): Promise<SectorBuyer[]>;
  latestContracts(filters: AnalyticsFilters, limit: number): Promise<SectorContract[]>;
  amounts(filters: AnalyticsFilters): Promise<AmountRow[]>;
  /** Contracts matching the filters that share buyer, CPV code and a non-round amount with another one (probable-duplicate candidates). */
  duplicateCandidates(filters: AnalyticsFilters): Promise<Contract[]>;
  /** Current CONCESSIONS matching the filters (their execution data carry the published tariffs). */
  concessions(filters: AnalyticsFilters): Promise<Contract[]>;
  /** The (NAF, CPV group) table of wins over every current contract (services/analytics/docs/naf-cpv-mapping.md). */
  nafCpvWins(): Promise<NafCpvWins[]>;
  /** Every ingest source with its last run (`analytics_source_freshness`), in no particular order. */
  sourceFreshness(): Promise<SourceFreshnessRow[]>;
}
