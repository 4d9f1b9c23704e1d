import { z } from 'zod';
import { envelopeSchema } from '../envelope';

/** What the catalog knows of an organisation (supplier or buyer) after SIRENE resolution. */
export const CATEGORIES_ENTREPRISE = ['PME', 'ETI', 'GE'] as const;
export const RESOLUTION_STATUSES = ['resolved', 'unknown'] as const;
export const UNKNOWN_REASONS = [
  'FOREIGN', // non-French identifier (TVA of another state, HORS_UE...)
  'INVALID_ID', // not a SIRET/SIREN at all, or checksum failure
  'NOT_DIFFUSIBLE', // statutDiffusion = P
  'NOT_FOUND', // valid id absent from the stock and the API
  'OFFLINE', // not in the stock and the live API is disabled
  'API_ERROR',
] as const;

export const OrganisationProfileSchema = z.object({
  /** The identifier as used in contracts (SIRET, else SIREN, else the raw id). */
  id: z.string(),
  siret: z.string().nullable(),
  siren: z.string().nullable(),
  status: z.enum(RESOLUTION_STATUSES),
  unknownReason: z.enum(UNKNOWN_REASONS).nullable(),
  nom: z.string().nullable(),
  categorieEntreprise: z.enum(CATEGORIES_ENTREPRISE).nullable(),
  trancheEffectifs: z.string().nullable(),
  /** True when trancheEffectifs says fewer than 10 employees (TPE proxy); null when unknown. */
  tpe: z.boolean().nullable(),
  categorieJuridique: z.string().nullable(),
  /** Buyer type derived from categorieJuridique (DOMAIN.md §4): etat, commune, epci, departement, region, hopital, epic, syndicat-mixte, autre. */
  typeOrganisation: z.string().nullable(),
  naf: z.string().nullable(),
  communeCode: z.string().nullable(),
  communeNom: z.string().nullable(),
  epciSiren: z.string().nullable(),
  epciNom: z.string().nullable(),
  departementCode: z.string().nullable(),
  regionCode: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  /** Where the facts come from: "sirene-stock", "recherche-entreprises-api", "decp.info", "none". */
  origin: z.string(),
  resolvedAt: z.string(),
});
export type OrganisationProfile = z.infer<typeof OrganisationProfileSchema>;

export const SUPPLIER_RESOLVED = 'SupplierResolved' as const;
export const BUYER_RESOLVED = 'BuyerResolved' as const;
/** FROZEN v1 — see README for the versioning rule. aggregateId = profile.id. */
export const SupplierResolvedV1 = envelopeSchema(SUPPLIER_RESOLVED, 1, OrganisationProfileSchema);
export type SupplierResolvedV1 = z.infer<typeof SupplierResolvedV1>;
export const BuyerResolvedV1 = envelopeSchema(BUYER_RESOLVED, 1, OrganisationProfileSchema);
export type BuyerResolvedV1 = z.infer<typeof BuyerResolvedV1>;
