import type { Contract, OrganisationProfile, OrganisationRef } from '@observatoire/contracts';

/**
 * The search document: one per contract (uid), the contract's current state denormalised with
 * what the catalog knows of its buyer and titulaires. Built by a pure function; the index stores
 * it as is (Elasticsearch `_source`, SQLite JSON column) and derives its indexed fields from it.
 */

export const SUPPLIER_CATEGORIES = ['PME', 'ETI', 'GE', 'unknown'] as const;
export type SupplierCategory = (typeof SUPPLIER_CATEGORIES)[number];

export const BRETON_REGION = '53';
export const BRETON_DEPARTEMENTS = ['22', '29', '35', '56'] as const;

export interface Territory {
  communeCode: string | null;
  communeNom: string | null;
  epci: string | null;
  epciNom: string | null;
  departement: string | null;
  region: string | null;
  /** Région 53 (or one of départements 22, 29, 35, 56 when the region is not known). */
  bretagne: boolean;
}

export interface SearchBuyer extends Territory {
  /** The identifier as used in the contract (SIRET when valid). Key for organisation updates. */
  id: string;
  siret: string | null;
  siren: string | null;
  nom: string | null;
  /** DOMAIN.md §4: etat, commune, epci, departement, region, hopital, epic, syndicat-mixte, autre. */
  type: string | null;
}

export interface SearchTitulaire extends Territory {
  id: string;
  siret: string | null;
  siren: string | null;
  nom: string | null;
  categorie: SupplierCategory;
}

export interface ContractSearchDocument {
  uid: string;
  id: string;
  kind: Contract['kind'];
  objet: string | null;
  codeCPV: string | null;
  cpvLabel: string | null;
  cpvDivision: string | null;
  purchaseType: Contract['purchaseType'];
  nature: string | null;
  procedure: string | null;
  techniques: string[];
  /** Current montant as published (may be unusable). */
  montant: number | null;
  montantInitial: number | null;
  montantUtilisable: boolean;
  /** montant when usable, else null: the value summed in facets, filtered by amount range and sorted on. */
  amount: number | null;
  dateNotification: string | null;
  year: number | null;
  dureeMois: number | null;
  /** At least one social consideration other than "Pas de considération sociale". */
  considerationSociale: boolean;
  considerationEnvironnementale: boolean;
  considerationsSociales: string[];
  considerationsEnvironnementales: string[];
  marcheInnovant: boolean | null;
  sousTraitanceDeclaree: boolean | null;
  offresRecues: number | null;
  /** offresRecues === 1; null when the number of bids is not published (kept apart as unknown). */
  singleBid: boolean | null;
  flags: string[];
  buyer: SearchBuyer;
  titulaires: SearchTitulaire[];
  /** The ContractPublished event's aggregateVersion: the external version of the document. */
  version: number;
}

const SIRET = /^\d{14}$/;
const SIREN = /^\d{9}$/;

function siretOf(ref: { id: string }, profile?: OrganisationProfile): string | null {
  return profile?.siret ?? (SIRET.test(ref.id) ? ref.id : null);
}

function sirenOf(ref: { id: string }, profile?: OrganisationProfile): string | null {
  if (profile?.siren) return profile.siren;
  if (SIRET.test(ref.id)) return ref.id.slice(0, 9);
  return SIREN.test(ref.id) ? ref.id : null;
}

export function isBreton(region: string | null, departement: string | null): boolean {
  if (region) return region === BRETON_REGION;
  return departement !== null && (BRETON_DEPARTEMENTS as readonly string[]).includes(departement);
}

function territory(
  profile: OrganisationProfile | undefined,
  fallback?: { communeCode?: string | null; departementCode?: string | null; regionCode?: string | null } | null,
): Territory {
  const communeCode = profile?.communeCode ?? fallback?.communeCode ?? null;
  const departement = profile?.departementCode ?? fallback?.departementCode ?? null;
  const region = profile?.regionCode ?? fallback?.regionCode ?? null;
  return {
    communeCode,
    communeNom: profile?.communeNom ?? null,
    epci: profile?.epciSiren ?? null,
    epciNom: profile?.epciNom ?? null,
    departement,
    region,
    bretagne: isBreton(region, departement),
  };
}

function hasRealConsideration(values: string[]): boolean {
  return values.some((v) => !/^pas de consid/i.test(v.trim()));
}

function buildBuyer(contract: Contract, profile: OrganisationProfile | undefined): SearchBuyer {
  const ref = contract.acheteur;
  const enriched = contract.enrichment?.acheteur;
  return {
    id: ref.id,
    siret: siretOf(ref, profile),
    siren: sirenOf(ref, profile),
    nom: profile?.nom ?? enriched?.nom ?? ref.denominationSociale ?? null,
    type: profile?.typeOrganisation ?? null,
    ...territory(profile, enriched),
  };
}

function buildTitulaire(contract: Contract, ref: OrganisationRef, profile: OrganisationProfile | undefined): SearchTitulaire {
  const enriched = contract.enrichment?.titulaires?.find((t) => t.id === ref.id);
  const categorie = profile?.categorieEntreprise ?? enrichedCategory(enriched?.categorie);
  return {
    id: ref.id,
    siret: siretOf(ref, profile),
    siren: sirenOf(ref, profile),
    nom: profile?.nom ?? enriched?.nom ?? ref.denominationSociale ?? null,
    categorie: categorie ?? 'unknown',
    ...territory(profile, enriched),
  };
}

function enrichedCategory(value: string | null | undefined): SupplierCategory | null {
  const v = value?.trim().toUpperCase();
  return v === 'PME' || v === 'ETI' || v === 'GE' ? v : null;
}

/** Looks a profile up by the identifier used in the contract, then by SIRET. */
function profileFor(orgs: Map<string, OrganisationProfile>, ref: OrganisationRef): OrganisationProfile | undefined {
  return orgs.get(ref.id) ?? orgs.get(ref.id.trim());
}

/**
 * Build the search document of a contract's current state. Pure: same inputs, same document.
 * `orgs` holds the profiles known so far (keyed by the identifier used in contracts); a missing
 * profile leaves names/territory from the contract's own data and the supplier size "unknown",
 * until `applyOrganisationProfile` brings it.
 */
export function toSearchDocument(
  contract: Contract,
  orgs: Map<string, OrganisationProfile>,
  cpvLabel?: string,
  version = 0,
): ContractSearchDocument {
  const usable = contract.montantUtilisable && contract.montant !== null;
  const year = contract.dateNotification ? Number(contract.dateNotification.slice(0, 4)) : null;
  const seen = new Set<string>();
  const titulaires: SearchTitulaire[] = [];
  for (const ref of contract.titulaires) {
    if (seen.has(ref.id)) continue; // SUPPLIER_DUPLICATED: one titulaire counts once
    seen.add(ref.id);
    titulaires.push(buildTitulaire(contract, ref, profileFor(orgs, ref)));
  }
  return {
    uid: contract.uid,
    id: contract.id,
    kind: contract.kind,
    objet: contract.objet,
    codeCPV: contract.codeCPV,
    cpvLabel: cpvLabel ?? null,
    cpvDivision: contract.cpvDivision,
    purchaseType: contract.purchaseType,
    nature: contract.nature,
    procedure: contract.procedure,
    techniques: [...contract.techniques],
    montant: contract.montant,
    montantInitial: contract.montantInitial,
    montantUtilisable: contract.montantUtilisable,
    amount: usable ? contract.montant : null,
    dateNotification: contract.dateNotification,
    year,
    dureeMois: contract.dureeMois,
    considerationSociale: hasRealConsideration(contract.considerationsSociales),
    considerationEnvironnementale: hasRealConsideration(contract.considerationsEnvironnementales),
    considerationsSociales: [...contract.considerationsSociales],
    considerationsEnvironnementales: [...contract.considerationsEnvironnementales],
    marcheInnovant: contract.marcheInnovant,
    sousTraitanceDeclaree: contract.sousTraitanceDeclaree,
    offresRecues: contract.offresRecues,
    singleBid: contract.offresRecues === null ? null : contract.offresRecues === 1,
    flags: [...new Set(contract.flags.map((f) => f.code))],
    buyer: buildBuyer(contract, profileFor(orgs, contract.acheteur)),
    titulaires,
    version,
  };
}

/** True when the document names the organisation (as buyer or titulaire). */
export function referencesOrganisation(doc: ContractSearchDocument, profileId: string): boolean {
  return doc.buyer.id === profileId || doc.titulaires.some((t) => t.id === profileId);
}

/**
 * Re-denormalise one organisation into a document (a profile that arrived after the contract).
 * Pure; returns the same object when the document does not reference the organisation.
 * A profile only adds or refreshes facts: what it leaves null keeps the contract's own data.
 */
export function applyOrganisationProfile(doc: ContractSearchDocument, profile: OrganisationProfile): ContractSearchDocument {
  if (!referencesOrganisation(doc, profile.id)) return doc;
  const merge = <T extends SearchBuyer | SearchTitulaire>(org: T): T => {
    const t = territory(profile, {
      communeCode: org.communeCode,
      departementCode: org.departement,
      regionCode: org.region,
    });
    return {
      ...org,
      siret: profile.siret ?? org.siret,
      siren: profile.siren ?? org.siren,
      nom: profile.nom ?? org.nom,
      ...t,
      communeNom: t.communeNom ?? org.communeNom,
      epci: t.epci ?? org.epci,
      epciNom: t.epciNom ?? org.epciNom,
    };
  };
  return {
    ...doc,
    buyer: doc.buyer.id === profile.id ? { ...merge(doc.buyer), type: profile.typeOrganisation ?? doc.buyer.type } : doc.buyer,
    titulaires: doc.titulaires.map((t) =>
      t.id === profile.id ? { ...merge(t), categorie: profile.categorieEntreprise ?? t.categorie } : t,
    ),
  };
}

/**
 * Every profile of the map that the document names (buyer or titulaire), applied in turn with
 * `applyOrganisationProfile`. The set-based re-denormalisation of both engines uses it.
 */
export function applyOrganisationProfiles(doc: ContractSearchDocument, profiles: ReadonlyMap<string, OrganisationProfile>): ContractSearchDocument {
  let out = doc;
  const seen = new Set<string>();
  for (const id of [doc.buyer.id, ...doc.titulaires.map((t) => t.id)]) {
    if (seen.has(id)) continue;
    seen.add(id);
    const p = profiles.get(id);
    if (p) out = applyOrganisationProfile(out, p);
  }
  return out;
}
