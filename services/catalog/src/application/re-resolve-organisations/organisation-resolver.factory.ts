import { defaultTerritoryReference } from '../../infrastructure/territory/territory-reference';
import { RechercheEntreprisesClient, type RechercheEntreprisesClientOptions } from '../../infrastructure/sirene/recherche-entreprises.client';
import { OfflineApiSource, RechercheEntreprisesSource } from '../../infrastructure/sirene/recherche-entreprises.source';
import { SireneStockSource } from '../../infrastructure/sirene/sirene-stock.source';
import { CollectivitiesReferenceSource } from '../../infrastructure/territory/collectivities-reference.source';
import type { TerritoryReference } from '../../domain/territory';
import type { OrganisationResolver } from '../resolve-organisations/organisation-resolver.port';
import { SourcesInOrderResolver } from '../resolve-organisations/sources-in-order.resolver';

export interface OrganisationResolverOptions {
  /** Base URL of the "recherche d'entreprises" API (SIRENE_API_URL); unset = offline. */
  sireneApiUrl?: string | null;
  sireneApi?: Omit<RechercheEntreprisesClientOptions, 'baseUrl'> & { cacheTtlMs?: number };
  territory?: TerritoryReference;
}

/**
 * The resolver of the catalog (module and CLI): the SIRENE stock tables, then the API (or offline), then the DGCL
 * reference of communes and EPCI.
 */
export function createOrganisationResolver(options: OrganisationResolverOptions = {}): OrganisationResolver {
  const api = options.sireneApiUrl
    ? new RechercheEntreprisesSource(new RechercheEntreprisesClient({ ...options.sireneApi, baseUrl: options.sireneApiUrl }), options.sireneApi?.cacheTtlMs)
    : new OfflineApiSource();
  return new SourcesInOrderResolver([new SireneStockSource(), api, new CollectivitiesReferenceSource()], options.territory ?? defaultTerritoryReference());
}
