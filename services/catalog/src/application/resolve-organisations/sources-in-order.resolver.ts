import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OrganisationProfile } from '@observatoire/contracts';
import { decideProfile, type SourceVerdict } from '../../domain/organisation-profile';
import { territoryOf, type TerritoryReference } from '../../domain/territory';
import type { OrganisationResolver, OrganisationSource, ResolutionRequest } from './organisation-resolver.port';

/**
 * Asks the sources in order (stock, then live API) for the identifiers still unanswered, then decides
 * each profile with the pure `decideProfile` (enrichment fallback, unknown reasons).
 */
export class SourcesInOrderResolver implements OrganisationResolver {
  constructor(
    private readonly sources: readonly OrganisationSource[],
    private readonly territory: TerritoryReference,
  ) {}

  async resolve(em: SqlEntityManager, requests: readonly ResolutionRequest[], resolvedAt: string): Promise<OrganisationProfile[]> {
    const verdicts = new Map<string, SourceVerdict[]>();
    let pending = requests.map((r) => r.identifier).filter((i) => i.kind === 'SIRET' || i.kind === 'SIREN');
    for (const source of this.sources) {
      if (pending.length === 0) break;
      const answers = await source.lookup(em, pending);
      for (const identifier of pending) {
        const answer = answers.get(identifier.id) ?? { kind: 'not-found' as const };
        verdicts.set(identifier.id, [...(verdicts.get(identifier.id) ?? []), { origin: source.origin, answer }]);
      }
      pending = pending.filter((i) => {
        const kind = answers.get(i.id)?.kind;
        return kind !== 'found' && kind !== 'not-diffusible';
      });
    }
    const lookup = (code: string | null) => territoryOf(code, this.territory);
    return requests.map((r) =>
      decideProfile({
        identifier: r.identifier,
        verdicts: verdicts.get(r.identifier.id) ?? [],
        enrichment: r.enrichment,
        territoryOf: lookup,
        resolvedAt,
      }),
    );
  }
}
