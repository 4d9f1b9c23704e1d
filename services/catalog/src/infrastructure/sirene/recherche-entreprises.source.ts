import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OrganisationSource } from '../../application/resolve-organisations/organisation-resolver.port';
import type { ClassifiedIdentifier } from '../../domain/identifier';
import type { SourceAnswer } from '../../domain/organisation-profile';
import { upsertRows } from '../orm/bulk-write';
import { SireneApiCacheEntity, type SireneApiCacheRecord } from '../orm/entities';
import type { RechercheEntreprisesClient } from './recherche-entreprises.client';
import { SearchResponseSchema, type ApiEtablissement, type ApiSearchResponse } from './recherche-entreprises.schema';

export const RECHERCHE_ENTREPRISES_ORIGIN = 'recherche-entreprises-api';

function coordinate(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Pure mapping of one search response to the answer for one identifier. */
export function answerFromSearch(identifier: ClassifiedIdentifier, body: ApiSearchResponse): SourceAnswer {
  const result = body.results.find((r) => r.siren === identifier.siren);
  if (!result) return { kind: 'not-found' };
  if (result.statut_diffusion === 'P' || result.statut_diffusion === 'N' || /NON[- ]DIFFUSIBLE/i.test(result.nom_complet ?? '')) {
    return { kind: 'not-diffusible' };
  }
  let establishment: ApiEtablissement | null | undefined;
  if (identifier.siret) {
    establishment =
      result.matching_etablissements?.find((e) => e.siret === identifier.siret) ?? (result.siege?.siret === identifier.siret ? result.siege : null);
  } else {
    establishment = result.siege;
  }
  return {
    kind: 'found',
    facts: {
      siren: result.siren,
      siret: identifier.siret ?? result.siege?.siret ?? null,
      nom: result.nom_complet ?? result.nom_raison_sociale ?? null,
      categorieEntreprise: result.categorie_entreprise ?? null,
      trancheEffectifs: result.tranche_effectif_salarie ?? null,
      categorieJuridique: result.nature_juridique ?? null,
      naf: result.activite_principale ?? null,
      communeCode: establishment?.commune ?? null,
      latitude: coordinate(establishment?.latitude),
      longitude: coordinate(establishment?.longitude),
    },
  };
}

/** Source (b): the live API, behind an in-DB cache with a TTL. */
export class RechercheEntreprisesSource implements OrganisationSource {
  readonly origin = RECHERCHE_ENTREPRISES_ORIGIN;

  constructor(
    private readonly client: RechercheEntreprisesClient,
    private readonly cacheTtlMs: number = 30 * 24 * 3600 * 1000,
  ) {}

  async lookup(em: SqlEntityManager, identifiers: readonly ClassifiedIdentifier[]): Promise<Map<string, SourceAnswer>> {
    const queries = [...new Set(identifiers.map((i) => i.siret ?? i.siren).filter((q): q is string => !!q))];
    const now = new Date();
    const cached = queries.length
      ? await em.find(SireneApiCacheEntity, { query: { $in: queries }, expiresAt: { $gt: now } }, { disableIdentityMap: true })
      : [];
    const bodies = new Map<string, ApiSearchResponse>();
    for (const row of cached) {
      const parsed = SearchResponseSchema.safeParse(JSON.parse(row.body));
      if (parsed.success) bodies.set(row.query, parsed.data);
    }
    const failures = new Map<string, string>();
    const fresh: SireneApiCacheRecord[] = [];
    for (const q of queries) {
      if (bodies.has(q)) continue;
      const outcome = await this.client.search(q);
      if (!outcome.ok) {
        failures.set(q, outcome.detail);
        continue;
      }
      bodies.set(q, outcome.body);
      fresh.push({ query: q, statusCode: outcome.status, body: outcome.raw, fetchedAt: now, expiresAt: new Date(now.getTime() + this.cacheTtlMs) });
    }
    await upsertRows(em, SireneApiCacheEntity, fresh);

    const answers = new Map<string, SourceAnswer>();
    for (const i of identifiers) {
      const q = i.siret ?? i.siren ?? '';
      const body = bodies.get(q);
      answers.set(i.id, body ? answerFromSearch(i, body) : { kind: 'unavailable', reason: 'API_ERROR', detail: failures.get(q) ?? 'no answer' });
    }
    return answers;
  }
}

/** Source (b) when SIRENE_API_URL is unset: offline, every identifier is unavailable. */
export class OfflineApiSource implements OrganisationSource {
  readonly origin = RECHERCHE_ENTREPRISES_ORIGIN;

  async lookup(_em: SqlEntityManager, identifiers: readonly ClassifiedIdentifier[]): Promise<Map<string, SourceAnswer>> {
    return new Map(identifiers.map((i) => [i.id, { kind: 'unavailable', reason: 'OFFLINE', detail: 'SIRENE_API_URL is not set' } as const]));
  }
}
