import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OrganisationProfile } from '@observatoire/contracts';
import type { OrganisationEnrichment } from '../../domain/catalog-records';
import type { ClassifiedIdentifier } from '../../domain/identifier';
import type { SourceAnswer } from '../../domain/organisation-profile';

export interface ResolutionRequest {
  identifier: ClassifiedIdentifier;
  /** What the contracts' consolidated source already said about this organisation, if anything. */
  enrichment: OrganisationEnrichment | null;
}

/** The port: turns identifiers into profiles (status resolved | unknown with a reason). */
export interface OrganisationResolver {
  resolve(em: SqlEntityManager, requests: readonly ResolutionRequest[], resolvedAt: string): Promise<OrganisationProfile[]>;
}

/** One source of SIRENE facts (the stock tables, the live API…), asked in order by the resolver. */
export interface OrganisationSource {
  readonly origin: string;
  /** One answer per identifier id (SIRET or SIREN identifiers only). */
  lookup(em: SqlEntityManager, identifiers: readonly ClassifiedIdentifier[]): Promise<Map<string, SourceAnswer>>;
}

export const ORGANISATION_RESOLVER = Symbol('ORGANISATION_RESOLVER');
