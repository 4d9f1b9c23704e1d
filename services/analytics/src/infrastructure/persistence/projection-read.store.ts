import type { MikroORM } from '@mikro-orm/core';
import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import type { AnalyticsFilters } from '../../application/shared/analytics-filters';
import type { NafCpvWins } from '../../domain';
import type { RegisteredBuyer } from '../../application/shared/expected-buyer-years';
import type { AmountRow, ProjectionReadPort, SectorBuyer, SectorContract, SectorTotals, SectorYear, SourceFreshnessRow } from '../../application/shared/projection-read.port';
import { ContractProjectionRepository } from './contract-projection.repository';
import { FactsIndicatorsQuery, type StoreIndicatorOptions, type StoreIndicators } from './facts-indicators.query';
import { ExpectedBuyerRepository } from './expected-buyer.repository';
import { IngestRunProjectionRepository } from './ingest-run-projection.repository';
import { NafCpvRepository } from './naf-cpv.repository';
import { OrganisationProjectionRepository } from './organisation-projection.repository';
import { ProjectionRevisionRepository } from './projection-revision.repository';

/** The read side of the projection store, one ORM context per call (never the global one). */
export class ProjectionReadStore implements ProjectionReadPort {
  constructor(private readonly orm: MikroORM) {}

  private contractsRepo() {
    return new ContractProjectionRepository(this.orm.em.fork());
  }

  revision(): Promise<number> {
    return new ProjectionRevisionRepository(this.orm.em.fork()).current();
  }
  position(): Promise<{ revision: number; changedAt: string | null }> {
    return new ProjectionRevisionRepository(this.orm.em.fork()).position();
  }
  indicators(filters: AnalyticsFilters, options?: StoreIndicatorOptions): Promise<StoreIndicators> {
    return new FactsIndicatorsQuery(this.orm.em.fork()).compute(filters, options);
  }
  indicatorYears(filters: AnalyticsFilters): Promise<(number | null)[]> {
    return new FactsIndicatorsQuery(this.orm.em.fork()).years(filters);
  }
  concessions(filters: AnalyticsFilters): Promise<Contract[]> {
    return this.contractsRepo().concessions(filters);
  }

  contracts(filters: AnalyticsFilters): Promise<Contract[]> {
    return this.contractsRepo().contracts(filters);
  }
  history(buyers: readonly string[] | null, from: string, toExclusive: string, exclude?: ReadonlySet<string>): Promise<Contract[]> {
    return this.contractsRepo().history(buyers, from, toExclusive, exclude);
  }
  profiles(ids: readonly string[]): Promise<Map<string, OrganisationProfile>> {
    return new OrganisationProjectionRepository(this.orm.em.fork()).find(ids);
  }
  profilesBySiren(sirens: readonly string[]): Promise<Map<string, OrganisationProfile>> {
    return new OrganisationProjectionRepository(this.orm.em.fork()).findBySiren(sirens);
  }
  registeredBuyers(): Promise<RegisteredBuyer[]> {
    return new ExpectedBuyerRepository(this.orm.em.fork()).all();
  }
  notificationYears(): Promise<number[]> {
    return this.contractsRepo().notificationYears();
  }
  earliestNotificationDate(): Promise<string | null> {
    return this.contractsRepo().earliestNotificationDate();
  }
  sectorTotals(filters: AnalyticsFilters): Promise<SectorTotals> {
    return this.contractsRepo().sectorTotals(filters);
  }
  sectorByYear(filters: AnalyticsFilters): Promise<SectorYear[]> {
    return this.contractsRepo().sectorByYear(filters);
  }
  topBuyers(filters: AnalyticsFilters, limit: number): Promise<SectorBuyer[]> {
    return this.contractsRepo().topBuyers(filters, limit);
  }
  latestContracts(filters: AnalyticsFilters, limit: number): Promise<SectorContract[]> {
    return this.contractsRepo().latestContracts(filters, limit);
  }
  duplicateCandidates(filters: AnalyticsFilters): Promise<Contract[]> {
    return this.contractsRepo().duplicateCandidates(filters);
  }
  amounts(filters: AnalyticsFilters): Promise<AmountRow[]> {
    return this.contractsRepo().amounts(filters);
  }
  nafCpvWins(): Promise<NafCpvWins[]> {
    return new NafCpvRepository(this.orm.em.fork()).wins();
  }
  async sourceFreshness(): Promise<SourceFreshnessRow[]> {
    return [...(await new IngestRunProjectionRepository(this.orm.em.fork()).freshness()).values()];
  }
}
