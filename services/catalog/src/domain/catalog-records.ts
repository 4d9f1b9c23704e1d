import type { Contract, ContractVersion, OrganisationProfile } from '@observatoire/contracts';

/**
 * The catalog's stored shapes, as plain records. The ORM maps each one to a table
 * (infrastructure/orm/entities); the domain builds them with pure functions.
 */
export interface ContractRecord {
  uid: string;
  id: string;
  kind: Contract['kind'];
  acheteurId: string;
  /** SIREN of the buyer when its id is a valid SIRET or SIREN (buyers are recognised by SIREN). */
  acheteurSiren: string | null;
  objet: string | null;
  codeCpv: string | null;
  cpvDivision: string | null;
  purchaseType: string | null;
  nature: string | null;
  procedure: string | null;
  montant: number | null;
  montantUtilisable: boolean;
  dureeMois: number | null;
  dateNotification: string | null;
  /** Year of dateNotification. */
  annee: number | null;
  /** dateNotification, or '0000-00-00' when unknown: the non-null key of the listing order. */
  sortDate: string;
  datePublication: string | null;
  dateDerniereModification: string | null;
  titulairesCount: number;
  offresRecues: number | null;
  attributionAvance: boolean | null;
  sousTraitanceDeclaree: boolean | null;
  /** The ingest revision of this uid (event aggregateVersion): an older revision never overwrites a newer one. */
  aggregateVersion: number;
  contentHash: string;
  lastEventId: string;
  updatedAt: Date;
  /** The full canonical contract. */
  data: Contract;
}

export interface ContractVersionRecord {
  contractUid: string;
  seq: number;
  kind: ContractVersion['kind'];
  montant: number | null;
  dureeMois: number | null;
  dateNotification: string | null;
  datePublication: string | null;
  objetModification: string | null;
  titulaires: ContractVersion['titulaires'];
}

export const TITULAIRE_ROLES = ['titulaire', 'mandataire', 'cotraitant'] as const;
export type TitulaireRole = (typeof TITULAIRE_ROLES)[number];

export interface ContractTitulaireRecord {
  contractUid: string;
  /** Position in the current list of titulaires (0-based). */
  ordinal: number;
  titulaireId: string;
  titulaireSiren: string | null;
  typeIdentifiant: string | null;
  denominationSociale: string | null;
  /** Alone: titulaire. Co-contractors: the first listed is the mandataire (lead), the others cotraitants. */
  role: TitulaireRole;
}

export interface SubcontractingActRecord {
  contractUid: string;
  ordinal: number;
  actId: string | null;
  sousTraitantId: string | null;
  sousTraitantTypeIdentifiant: string | null;
  montant: number | null;
  dureeMois: number | null;
  dateNotification: string | null;
  datePublication: string | null;
  variationPrix: string | null;
}

export interface ContractProvenanceRecord {
  contractUid: string;
  ordinal: number;
  source: string;
  file: string;
  position: number;
  format: string;
  schemaVersion: string | null;
}

export const ORGANISATION_ROLES = ['buyer', 'supplier'] as const;
export type OrganisationRole = (typeof ORGANISATION_ROLES)[number];

/** One enrichment a consolidated source (decp.info) carried for an organisation. */
export interface OrganisationEnrichment {
  origin: string;
  nom: string | null;
  categorie: string | null;
  communeCode: string | null;
  departementCode: string | null;
  regionCode: string | null;
}

/** An organisation as used in contracts (buyer and/or supplier), keyed by the identifier contracts use. */
export interface OrganisationRecord {
  id: string;
  typeIdentifiant: string | null;
  siret: string | null;
  siren: string | null;
  isBuyer: boolean;
  isSupplier: boolean;
  /** pending until the first resolution, then resolved | unknown. */
  status: 'pending' | OrganisationProfile['status'];
  unknownReason: string | null;
  nom: string | null;
  /** Lower-cased, accent-free name for prefix lookup. */
  nomRecherche: string | null;
  categorieEntreprise: string | null;
  tpe: boolean | null;
  typeOrganisation: string | null;
  communeCode: string | null;
  epciSiren: string | null;
  departementCode: string | null;
  regionCode: string | null;
  origin: string | null;
  enrichment: OrganisationEnrichment | null;
  profile: OrganisationProfile | null;
  profileHash: string | null;
  /** Incremented when the profile content changes: aggregateVersion of the Resolved events. */
  profileVersion: number;
  resolvedAt: Date | null;
  firstSeenAt: Date;
}

/** Legal unit (SIREN) facts the catalog resolved, whatever the source. */
export interface LegalUnitRecord {
  siren: string;
  nom: string | null;
  categorieEntreprise: string | null;
  trancheEffectifs: string | null;
  categorieJuridique: string | null;
  naf: string | null;
  origin: string;
  updatedAt: Date;
}

/** Establishment (SIRET) facts the catalog resolved, whatever the source. */
export interface EstablishmentRecord {
  siret: string;
  siren: string;
  communeCode: string | null;
  latitude: number | null;
  longitude: number | null;
  origin: string;
  updatedAt: Date;
}

export interface ProcessedEventRecord {
  consumer: string;
  eventId: string;
  processedAt: Date;
}

export interface ResolutionAttemptRecord {
  attemptId?: number;
  /** The organisation identifier. */
  id: string;
  status: OrganisationProfile['status'];
  reason: string | null;
  origin: string;
  at: Date;
}

export function normaliseForSearch(text: string | null | undefined): string | null {
  if (!text) return null;
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
