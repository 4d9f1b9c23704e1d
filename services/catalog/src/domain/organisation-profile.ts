import type { OrganisationProfile } from '@observatoire/contracts';
import { buyerTypeFromCategorieJuridique } from './buyer-type';
import type { OrganisationEnrichment } from './catalog-records';
import type { ClassifiedIdentifier } from './identifier';
import type { Territory } from './territory';
import { categorieEntrepriseOf, tpeFromTranche } from './tranche-effectifs';

/** What a SIRENE source (stock or live API) knows of one legal unit / establishment. */
export interface SireneFacts {
  siren: string;
  siret: string | null;
  nom: string | null;
  categorieEntreprise: string | null;
  trancheEffectifs: string | null;
  categorieJuridique: string | null;
  naf: string | null;
  communeCode: string | null;
  latitude: number | null;
  longitude: number | null;
  /**
   * The territory when the source knows it without a commune: an EPCI from the DGCL reference (its seat commune
   * is not listed there). Ignored when `communeCode` is known.
   */
  intercommunality?: { epciSiren: string; epciNom: string; departementCode: string | null; regionCode: string | null } | null;
}

/** One source's answer for one identifier. */
export type SourceAnswer =
  | { kind: 'found'; facts: SireneFacts }
  | { kind: 'not-diffusible' }
  | { kind: 'not-found' }
  | { kind: 'unavailable'; reason: 'OFFLINE' | 'API_ERROR'; detail: string };

export interface SourceVerdict {
  origin: string;
  answer: SourceAnswer;
}

export type UnknownReason = NonNullable<OrganisationProfile['unknownReason']>;
export type TerritoryLookup = (communeCode: string | null) => Territory | null;

const EMPTY = {
  nom: null,
  categorieEntreprise: null,
  trancheEffectifs: null,
  tpe: null,
  categorieJuridique: null,
  typeOrganisation: null,
  naf: null,
  communeCode: null,
  communeNom: null,
  epciSiren: null,
  epciNom: null,
  departementCode: null,
  regionCode: null,
  latitude: null,
  longitude: null,
} as const;

function place(territory: Territory | null) {
  return {
    communeCode: territory?.commune.code ?? null,
    communeNom: territory?.commune.nom ?? null,
    epciSiren: territory?.epci?.siren ?? null,
    epciNom: territory?.epci?.nom ?? null,
    departementCode: territory?.departement.code ?? null,
    regionCode: territory?.region.code ?? null,
  };
}

export function unknownProfile(
  identifier: ClassifiedIdentifier,
  reason: UnknownReason,
  origin: string,
  resolvedAt: string,
): OrganisationProfile {
  return { id: identifier.id, siret: identifier.siret, siren: identifier.siren, status: 'unknown', unknownReason: reason, ...EMPTY, origin, resolvedAt };
}

export function profileFromFacts(
  identifier: ClassifiedIdentifier,
  facts: SireneFacts,
  origin: string,
  territoryOf: TerritoryLookup,
  resolvedAt: string,
): OrganisationProfile {
  return {
    id: identifier.id,
    siret: identifier.siret ?? facts.siret,
    siren: facts.siren,
    status: 'resolved',
    unknownReason: null,
    nom: facts.nom,
    categorieEntreprise: categorieEntrepriseOf(facts.categorieEntreprise),
    trancheEffectifs: facts.trancheEffectifs,
    tpe: tpeFromTranche(facts.trancheEffectifs),
    categorieJuridique: facts.categorieJuridique,
    typeOrganisation: buyerTypeFromCategorieJuridique(facts.categorieJuridique),
    naf: facts.naf,
    ...(!facts.communeCode && facts.intercommunality
      ? {
          ...place(null),
          epciSiren: facts.intercommunality.epciSiren,
          epciNom: facts.intercommunality.epciNom,
          departementCode: facts.intercommunality.departementCode,
          regionCode: facts.intercommunality.regionCode,
        }
      : place(territoryOf(facts.communeCode))),
    latitude: facts.latitude,
    longitude: facts.longitude,
    origin,
    resolvedAt,
  };
}

export function profileFromEnrichment(
  identifier: ClassifiedIdentifier,
  e: OrganisationEnrichment,
  territoryOf: TerritoryLookup,
  resolvedAt: string,
): OrganisationProfile {
  const territory = territoryOf(e.communeCode);
  return {
    id: identifier.id,
    siret: identifier.siret,
    siren: identifier.siren,
    status: 'resolved',
    unknownReason: null,
    ...EMPTY,
    nom: e.nom,
    categorieEntreprise: categorieEntrepriseOf(e.categorie),
    ...place(territory),
    departementCode: territory?.departement.code ?? e.departementCode,
    regionCode: territory?.region.code ?? e.regionCode,
    origin: e.origin,
    resolvedAt,
  };
}

function enrichmentUsable(e: OrganisationEnrichment | null): e is OrganisationEnrichment {
  return !!e && !!(e.nom || e.categorie || e.communeCode || e.departementCode);
}

/**
 * Resolution order (pure): identifier classification first (foreign / invalid ids are never looked up),
 * then the sources in order (SIRENE stock, live API): the first that finds the organisation wins, a
 * non-diffusible answer stops the search. When nothing better is known, the enrichment the contract
 * carried (decp.info) is used with its origin. Otherwise the profile is unknown with the reason.
 */
export function decideProfile(input: {
  identifier: ClassifiedIdentifier;
  verdicts: readonly SourceVerdict[];
  enrichment: OrganisationEnrichment | null;
  territoryOf: TerritoryLookup;
  resolvedAt: string;
}): OrganisationProfile {
  const { identifier, verdicts, enrichment, territoryOf, resolvedAt } = input;
  if (identifier.kind === 'FOREIGN' || identifier.kind === 'INVALID') {
    const profile = unknownProfile(identifier, identifier.kind === 'FOREIGN' ? 'FOREIGN' : 'INVALID_ID', 'none', resolvedAt);
    // The published name is a fact, not a guess: keep it for display, the status stays unknown.
    return enrichment?.nom ? { ...profile, nom: enrichment.nom, origin: enrichment.origin } : profile;
  }
  for (const v of verdicts) {
    if (v.answer.kind === 'found') return profileFromFacts(identifier, v.answer.facts, v.origin, territoryOf, resolvedAt);
    if (v.answer.kind === 'not-diffusible') return unknownProfile(identifier, 'NOT_DIFFUSIBLE', v.origin, resolvedAt);
  }
  if (enrichmentUsable(enrichment)) return profileFromEnrichment(identifier, enrichment, territoryOf, resolvedAt);
  const failure = verdicts.find((v) => v.answer.kind === 'unavailable' && v.answer.reason === 'API_ERROR')
    ?? verdicts.find((v) => v.answer.kind === 'unavailable');
  if (failure && failure.answer.kind === 'unavailable') return unknownProfile(identifier, failure.answer.reason, 'none', resolvedAt);
  return unknownProfile(identifier, 'NOT_FOUND', 'none', resolvedAt);
}

/** The profile without its timestamp: what the content hash and the event id are computed on. */
export function profileContent(profile: OrganisationProfile): Omit<OrganisationProfile, 'resolvedAt'> {
  const { resolvedAt: _ignored, ...content } = profile;
  return content;
}
