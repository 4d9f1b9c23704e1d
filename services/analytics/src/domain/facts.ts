import type { Contract, OrganisationProfile, OrganisationRef, PurchaseType, QualityFlagCode } from '@observatoire/contracts';
import { COMMUNES_WITHOUT_EPCI, departementOfCommune, haversineKm } from './geo';
import { normaliseLabel, sameLabel } from './text';

/**
 * The flat facts of ONE current contract, as the indicators need them.
 *
 * Unknown is always explicit and never folded into "no":
 *  - categorical and yes/no facts use the literal `'unknown'`;
 *  - numbers, dates and codes use `null` for "not known".
 */
export const UNKNOWN = 'unknown' as const;
export type Unknown = typeof UNKNOWN;
export type Tristate = boolean | Unknown;
export type SupplierCategory = 'PME' | 'ETI' | 'GE' | Unknown;

/**
 * How co-contractors (several titulaires on one contract) are counted:
 *  - `even-split` (default): each of n titulaires counts 1/n of the contract and 1/n of its amount;
 *  - `lead`: the first titulaire listed (the mandataire of the groupement) counts for the whole contract,
 *    the others count 0.
 */
export const CO_CONTRACTOR_RULES = ['even-split', 'lead'] as const;
export type CoContractorRule = (typeof CO_CONTRACTOR_RULES)[number];
export const DEFAULT_CO_CONTRACTOR_RULE: CoContractorRule = 'even-split';

/** Amounts outside [1 €, 3 bn €] are unusable (ministry rule), even if the upstream flag missed them. */
export const MIN_USABLE_AMOUNT = 1;
export const MAX_USABLE_AMOUNT = 3_000_000_000;

export interface TerritoryFacts {
  communeCode: string | null;
  epciSiren: string | null;
  /**
   * The intercommunal territory used for "same EPCI": the EPCI SIREN, or `commune:<code>` for a commune
   * that belongs to no EPCI (22016, 29083, 29155, 85113); null when unknown (no commune, or a commune
   * that should have an EPCI but none was resolved).
   */
  epciKey: string | null;
  departementCode: string | null;
  regionCode: string | null;
}

/** How a titulaire identifier looks: a valid SIRET, another legitimate scheme (TVA, HORS_UE, SIREN…), or invalid. */
export type SupplierIdStatus = 'valid-siret' | 'other-scheme' | 'invalid';

export interface SupplierFacts {
  id: string;
  siren: string | null;
  typeIdentifiant: string | null;
  idStatus: SupplierIdStatus;
  /** Identifier used to recognise the same supplier across contracts: SIREN when known, else the raw id. */
  key: string;
  categorie: SupplierCategory;
  /** Fewer than 10 employees (SIRENE trancheEffectifs proxy). */
  tpe: Tristate;
  /** Established abroad (foreign VAT number, HORS_UE, UE, FRWF, or resolved as FOREIGN): known to be non-local. */
  foreign: boolean;
  unknownReason: string | null;
  territory: TerritoryFacts;
  latitude: number | null;
  longitude: number | null;
  /** Buyer–supplier distance (haversine on coordinates, else the consolidated source's own figure); null when missing. */
  distanceKm: number | null;
  /** Weight of this titulaire under the co-contractor rule (shares of one contract sum to 1). */
  share: number;
}

export interface BuyerFacts {
  id: string;
  siren: string | null;
  /** Buyer type (DOMAIN.md §4): etat, commune, epci, departement, region, hopital, epic, syndicat-mixte, autre, or unknown. */
  type: string;
  idValid: boolean;
  territory: TerritoryFacts;
  latitude: number | null;
  longitude: number | null;
}

/** A 2022 considerations list, reduced: 'declared' (some consideration), 'none' ("Pas de…"), 'unknown' (empty, or only unrecognised values), 'contradictory' ("Pas de…" with another value). */
export type ConsiderationStatus = 'declared' | 'none' | 'unknown' | 'contradictory';
export interface ConsiderationFacts {
  status: ConsiderationStatus;
  clause: boolean;
  criterion: boolean;
  /** Marché réservé (social only; the environmental list has no reserved value). */
  reserved: boolean;
}

/**
 * The ten key fields of the publication grade (B): the essential data Éclaireur Public checks,
 * with `lieuExecution` judged on its code (2022 files carry no names).
 */
export const KEY_FIELDS = [
  'montant',
  'dateNotification',
  'codeCPV',
  'lieuExecution',
  'formePrix',
  'objet',
  'nature',
  'dureeMois',
  'procedure',
  'titulaires',
] as const;
export type KeyField = (typeof KEY_FIELDS)[number];

export type AmountStatus = 'usable' | 'unusable' | 'missing';

export interface ContractFacts {
  uid: string;
  kind: Contract['kind'];
  buyer: BuyerFacts;
  /** Year of dateNotification; null when the date is unknown. */
  year: number | null;
  cpvDivision: string | null;
  purchaseType: PurchaseType | Unknown;
  procedure: string | null;
  /** Current montant (the latest version's total, never a sum of modifications), as published. */
  montant: number | null;
  /** The current montant when usable, else null. Amount indicators only ever read this one. */
  amount: number | null;
  amountStatus: AmountStatus;
  techniques: string[];
  /** techniques contains "Accord-cadre": the montant is a maximum, not a spend. */
  frameworkAgreement: boolean;
  offresRecues: number | null;
  attributionAvance: Tristate;
  /** Fraction (0.3 = 30 %); null when unknown. 0 with attributionAvance = true means "rate unknown" (schema 2.0) and is stored as null. */
  tauxAvance: number | null;
  considerationsSociales: ConsiderationFacts;
  considerationsEnvironnementales: ConsiderationFacts;
  sousTraitanceDeclaree: Tristate;
  marcheInnovant: Tristate;
  dateNotification: string | null;
  datePublication: string | null;
  keyFields: Record<KeyField, boolean>;
  flags: QualityFlagCode[];
  /** Distinct provenance sources the contract was read from (several = duplicate across sources). */
  sources: string[];
  /**
   * Part of a group of probable duplicates among the contracts loaded with it (the same award published under two
   * ids, domain/probable-duplicates.ts). Set by the loader, which sees the other copies; false from `toFacts`.
   */
  probableDuplicate: boolean;
  coContractorRule: CoContractorRule;
  titulaires: SupplierFacts[];
}

/** An accord-cadre: its montant is a maximum, not a spend (technique `Accord-cadre`, any spelling). */
export function isFrameworkAgreement(contract: Pick<Contract, 'techniques'>): boolean {
  return contract.techniques.some((t) => sameLabel(t, 'Accord-cadre'));
}

export type ProfileLookup = (id: string) => OrganisationProfile | undefined;

export interface ToFactsOptions {
  coContractorRule?: CoContractorRule;
}

/** Co-contractor weights for n titulaires under a rule. */
export function coContractorShares(n: number, rule: CoContractorRule): number[] {
  if (n <= 0) return [];
  if (rule === 'lead') return Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0));
  return Array.from({ length: n }, () => 1 / n);
}

/** The same facts with the titulaires' shares recomputed under another co-contractor rule (pure). */
export function withCoContractorRule(facts: ContractFacts, rule: CoContractorRule): ContractFacts {
  if (facts.coContractorRule === rule) return facts;
  const shares = coContractorShares(facts.titulaires.length, rule);
  return { ...facts, coContractorRule: rule, titulaires: facts.titulaires.map((t, i) => ({ ...t, share: shares[i] })) };
}

/** Buyer type from SIRENE categorieJuridiqueUniteLegale (DOMAIN.md §4), when the profile has no type yet. */
export function buyerTypeOfCategorieJuridique(cj: string | null | undefined): string {
  if (!cj || !/^\d{4}$/.test(cj)) return UNKNOWN;
  if (cj.startsWith('71')) return 'etat';
  if (['4110', '4120', '4140'].includes(cj)) return 'epic';
  if (cj === '7210' || cj === '7312') return 'commune';
  if (cj.startsWith('734')) return 'epci';
  if (cj === '7354' || cj === '7355') return 'syndicat-mixte';
  if (cj === '7220') return 'departement';
  if (cj === '7230') return 'region';
  if (cj === '7364') return 'hopital';
  return 'autre';
}

/** The buyer type of a profile: its `typeOrganisation`, else derived from `categorieJuridique`, else unknown. */
export function buyerTypeOfProfile(profile: OrganisationProfile | undefined): string {
  return profile?.typeOrganisation || buyerTypeOfCategorieJuridique(profile?.categorieJuridique);
}

/** The territory of an organisation from its profile (commune, EPCI key, département, région). */
export function territoryOfProfile(profile: OrganisationProfile): TerritoryFacts {
  return territoryOf(profile.communeCode, profile.epciSiren, profile.departementCode, profile.regionCode);
}

function tristate(value: boolean | null | undefined): Tristate {
  return value === true || value === false ? value : UNKNOWN;
}

function territoryOf(
  communeCode: string | null | undefined,
  epciSiren: string | null | undefined,
  departementCode: string | null | undefined,
  regionCode: string | null | undefined,
): TerritoryFacts {
  const commune = communeCode?.trim() || null;
  const epci = epciSiren?.trim() || null;
  const epciKey = epci ?? (commune && COMMUNES_WITHOUT_EPCI.has(commune) ? `commune:${commune}` : null);
  return {
    communeCode: commune,
    epciSiren: epci,
    epciKey,
    departementCode: departementCode?.trim() || departementOfCommune(commune),
    regionCode: regionCode?.trim() || null,
  };
}

const FOREIGN_SCHEMES = new Set(['hors_ue', 'hors-ue', 'horsue', 'ue', 'frwf']);

function isForeign(ref: OrganisationRef, profile: OrganisationProfile | undefined): boolean {
  if (profile?.unknownReason === 'FOREIGN') return true;
  const scheme = normaliseLabel(ref.typeIdentifiant);
  if (FOREIGN_SCHEMES.has(scheme)) return true;
  if (scheme.startsWith('tva') && !/^FR/i.test(ref.id.trim())) return true;
  return false;
}

function idStatusOf(ref: OrganisationRef): SupplierIdStatus {
  if (ref.siretValide) return 'valid-siret';
  const scheme = normaliseLabel(ref.typeIdentifiant);
  if (scheme && scheme !== 'siret') return 'other-scheme';
  return 'invalid';
}

function categoryOf(value: string | null | undefined): SupplierCategory {
  const v = (value ?? '').trim().toUpperCase();
  return v === 'PME' || v === 'ETI' || v === 'GE' ? v : UNKNOWN;
}

function considerationsOf(values: readonly string[], kind: 'social' | 'environmental'): ConsiderationFacts {
  const labels = values.map(normaliseLabel);
  const none = labels.includes(normaliseLabel(kind === 'social' ? 'Pas de considération sociale' : 'Pas de considération environnementale'));
  const clause = labels.includes(normaliseLabel(kind === 'social' ? 'Clause sociale' : 'Clause environnementale'));
  const criterion = labels.includes(normaliseLabel(kind === 'social' ? 'Critère social' : 'Critère environnemental'));
  const reserved = kind === 'social' && labels.includes(normaliseLabel('Marché réservé'));
  const some = clause || criterion || reserved;
  const status: ConsiderationStatus = none && some ? 'contradictory' : some ? 'declared' : none ? 'none' : 'unknown';
  return { status, clause, criterion, reserved };
}

function amountOf(contract: Contract): { montant: number | null; amount: number | null; status: AmountStatus } {
  const montant = contract.montant ?? (contract.kind === 'concession' ? (contract.concession?.valeurGlobale ?? null) : null);
  if (montant == null) return { montant, amount: null, status: 'missing' };
  const usable =
    contract.montantUtilisable && Number.isFinite(montant) && montant >= MIN_USABLE_AMOUNT && montant <= MAX_USABLE_AMOUNT;
  return { montant, amount: usable ? montant : null, status: usable ? 'usable' : 'unusable' };
}

function yearOf(date: string | null): number | null {
  const m = date ? /^(\d{4})-\d{2}-\d{2}$/.exec(date) : null;
  return m ? Number(m[1]) : null;
}

const filled = (v: string | null | undefined): boolean => v != null && v.trim() !== '';

/**
 * Flatten one CURRENT contract (the fold of its versions) and the SIRENE profiles of its buyer and
 * titulaires into the facts the indicators read. Pure: `profiles` is a lookup, not a service.
 *
 * - Amount: the contract's current montant (a modification carries the new total; versions are never summed),
 *   usable only when the contract says so and it lies in [1 €, 3 bn €].
 * - Titulaires: the current list; each gets its share under the co-contractor rule (default even split).
 * - Supplier size/location: from the supplier's profile, else from the consolidated source's enrichment
 *   (decp.info), else unknown. A foreign supplier has an unknown size but a known, non-local location.
 */
export function toFacts(contract: Contract, profiles: ProfileLookup, options: ToFactsOptions = {}): ContractFacts {
  const rule = options.coContractorRule ?? DEFAULT_CO_CONTRACTOR_RULE;
  const buyerProfile = profiles(contract.acheteur.id);
  const buyerEnrichment = contract.enrichment?.acheteur;
  const buyer: BuyerFacts = {
    id: contract.acheteur.id,
    siren: buyerProfile?.siren ?? (contract.acheteur.siretValide ? contract.acheteur.id.slice(0, 9) : null),
    type: buyerTypeOfProfile(buyerProfile),
    idValid: contract.acheteur.siretValide && !contract.flags.some((f) => f.code === 'BUYER_ID_INVALID'),
    territory: buyerProfile
      ? territoryOfProfile(buyerProfile)
      : territoryOf(buyerEnrichment?.communeCode, null, buyerEnrichment?.departementCode, buyerEnrichment?.regionCode),
    latitude: buyerProfile?.latitude ?? null,
    longitude: buyerProfile?.longitude ?? null,
  };

  const shares = coContractorShares(contract.titulaires.length, rule);
  const titulaires: SupplierFacts[] = contract.titulaires.map((ref, i) => {
    const profile = profiles(ref.id);
    const enrichment = contract.enrichment?.titulaires?.find((t) => t.id === ref.id);
    const foreign = isForeign(ref, profile);
    const siren = profile?.siren ?? (ref.siretValide ? ref.id.slice(0, 9) : null);
    const territory = foreign
      ? territoryOf(null, null, null, null)
      : profile
        ? territoryOf(profile.communeCode, profile.epciSiren, profile.departementCode, profile.regionCode)
        : territoryOf(enrichment?.communeCode, null, enrichment?.departementCode, enrichment?.regionCode);
    const latitude = profile?.latitude ?? null;
    const longitude = profile?.longitude ?? null;
    return {
      id: ref.id,
      siren,
      typeIdentifiant: ref.typeIdentifiant,
      idStatus: idStatusOf(ref),
      key: siren ?? ref.id.trim(),
      categorie: categoryOf(profile ? profile.categorieEntreprise : enrichment?.categorie),
      tpe: tristate(profile?.tpe),
      foreign,
      unknownReason: profile?.unknownReason ?? null,
      territory,
      latitude,
      longitude,
      distanceKm: haversineKm(buyer, { latitude, longitude }) ?? enrichment?.distanceKm ?? null,
      share: shares[i],
    };
  });

  const { montant, amount, status } = amountOf(contract);
  const taux = contract.tauxAvance;
  const dateNotification = contract.dateNotification;
  const datePublication = contract.datePublicationDonnees;

  return {
    uid: contract.uid,
    kind: contract.kind,
    buyer,
    year: yearOf(dateNotification),
    cpvDivision: contract.cpvDivision,
    purchaseType: contract.purchaseType ?? UNKNOWN,
    procedure: contract.procedure,
    montant,
    amount,
    amountStatus: status,
    techniques: [...contract.techniques],
    frameworkAgreement: isFrameworkAgreement(contract),
    offresRecues: contract.offresRecues,
    attributionAvance: tristate(contract.attributionAvance),
    tauxAvance: taux != null && taux > 0 && taux <= 1 ? taux : null,
    considerationsSociales: considerationsOf(contract.considerationsSociales, 'social'),
    considerationsEnvironnementales: considerationsOf(contract.considerationsEnvironnementales, 'environmental'),
    sousTraitanceDeclaree: tristate(contract.sousTraitanceDeclaree),
    marcheInnovant: tristate(contract.marcheInnovant),
    dateNotification,
    datePublication,
    keyFields: {
      montant: status === 'usable',
      dateNotification: dateNotification != null,
      codeCPV: contract.cpvDivision != null,
      lieuExecution: filled(contract.lieuExecution?.code) || filled(contract.lieuExecution?.nom),
      formePrix: filled(contract.formePrix),
      objet: filled(contract.objet),
      nature: filled(contract.nature),
      dureeMois: contract.dureeMois != null && contract.dureeMois > 0,
      procedure: filled(contract.procedure),
      titulaires: contract.titulaires.length > 0,
    },
    flags: [...new Set(contract.flags.map((f) => f.code))],
    sources: [...new Set(contract.provenance.map((p) => p.source))],
    probableDuplicate: false,
    coContractorRule: rule,
    titulaires,
  };
}
