import { z } from 'zod';
import { QualityFlagSchema } from './quality';

/**
 * The canonical contract model: one shape for the five input shapes
 * (DECP 2022 JSON/XML, DECP 2019 JSON/XML, decp.info consolidated CSV).
 * DECP field names are kept as the standard spells them.
 */

export const DECP_FORMATS = ['decp-2022-json', 'decp-2022-xml', 'decp-2019-json', 'decp-2019-xml', 'decp-info-csv', 'tabular-mapped'] as const;
export type DecpFormat = (typeof DECP_FORMATS)[number];

export const CONTRACT_KINDS = ['marche', 'concession'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];

export const PURCHASE_TYPES = ['travaux', 'fournitures', 'services'] as const;
export type PurchaseType = (typeof PURCHASE_TYPES)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'ISO date YYYY-MM-DD');

export const OrganisationRefSchema = z.object({
  /** SIRET (14 digits) when valid; otherwise the identifier as published, trimmed. */
  id: z.string(),
  /** SIRET | SIREN | TVA | HORS_UE | FRWF | UE | TAHITI | RIDET | ONU | ... as published (normalised spelling). */
  typeIdentifiant: z.string().nullable(),
  /** Name when the source carries one (2019 format, decp.info enrichment). 2022 files carry no names. */
  denominationSociale: z.string().nullable().optional(),
  /** True when the id passes the SIRET rule (14 digits, Luhn on the SIREN; La Poste exception). */
  siretValide: z.boolean(),
});
export type OrganisationRef = z.infer<typeof OrganisationRefSchema>;

export const LieuExecutionSchema = z.object({
  code: z.string().nullable(),
  typeCode: z.string().nullable(),
  nom: z.string().nullable().optional(),
});

export const ActeSousTraitanceSchema = z.object({
  id: z.string().nullable(),
  sousTraitant: OrganisationRefSchema.nullable(),
  dureeMois: z.number().nullable(),
  dateNotification: isoDate.nullable(),
  datePublicationDonnees: isoDate.nullable(),
  montant: z.number().nullable(),
  variationPrix: z.string().nullable().optional(),
});
export type ActeSousTraitance = z.infer<typeof ActeSousTraitanceSchema>;

/** Enrichment a consolidated source (decp.info) already carries, kept with its origin. */
export const EnrichmentSchema = z.object({
  origin: z.string(), // e.g. "decp.info"
  acheteur: z
    .object({
      nom: z.string().nullable().optional(),
      departementCode: z.string().nullable().optional(),
      regionCode: z.string().nullable().optional(),
      communeCode: z.string().nullable().optional(),
    })
    .optional(),
  titulaires: z
    .array(
      z.object({
        id: z.string(),
        nom: z.string().nullable().optional(),
        categorie: z.string().nullable().optional(),
        departementCode: z.string().nullable().optional(),
        regionCode: z.string().nullable().optional(),
        communeCode: z.string().nullable().optional(),
        distanceKm: z.number().nullable().optional(),
      }),
    )
    .optional(),
});
export type Enrichment = z.infer<typeof EnrichmentSchema>;

/**
 * One dated state of a contract: seq 0 is the initial award, seq n the n-th modification.
 * A modification carries NEW TOTALS (montant, dureeMois) and/or the FULL new list of titulaires;
 * fields it does not carry are null here and forward-filled in the fold.
 */
export const ContractVersionSchema = z.object({
  seq: z.number().int().nonnegative(),
  kind: z.enum(['initial', 'modification']),
  montant: z.number().nullable(),
  dureeMois: z.number().nullable(),
  titulaires: z.array(OrganisationRefSchema).nullable(),
  dateNotification: isoDate.nullable(),
  datePublicationDonnees: isoDate.nullable(),
  objetModification: z.string().nullable().optional(),
  /** Concessions: valeurGlobale plays the role of montant. */
  valeurGlobale: z.number().nullable().optional(),
});
export type ContractVersion = z.infer<typeof ContractVersionSchema>;

export const ProvenanceSchema = z.object({
  /** Logical source, e.g. "megalis", "pes-dgfip", "decp.info", "upload", or a feed id. */
  source: z.string(),
  /** File name or URL the record was read from. */
  file: z.string(),
  /** 1-based record position inside the file (row number for CSV). */
  position: z.number().int().positive(),
  format: z.enum(DECP_FORMATS),
  /** Schema version detected or declared (e.g. "2.0.3", "1.5.0"). */
  schemaVersion: z.string().nullable(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

export const ContractSchema = z.object({
  /** acheteur.id (SIRET) + id — concessions: autoriteConcedante.id + id. */
  uid: z.string().min(1),
  id: z.string().min(1),
  kind: z.enum(CONTRACT_KINDS),
  acheteur: OrganisationRefSchema,
  objet: z.string().nullable(),
  codeCPV: z.string().nullable(),
  /** First two digits of the CPV code. */
  cpvDivision: z.string().nullable(),
  purchaseType: z.enum(PURCHASE_TYPES).nullable(),
  /** 2022 spelling: "Marché" | "Marché de partenariat" | "Marché de défense ou de sécurité"; 2019 "Accord-cadre"/"Marché subséquent" mapped to techniques/modalitesExecution. */
  nature: z.string().nullable(),
  procedure: z.string().nullable(),
  techniques: z.array(z.string()),
  modalitesExecution: z.array(z.string()),
  lieuExecution: LieuExecutionSchema.nullable(),
  formePrix: z.string().nullable(),
  typesPrix: z.array(z.string()),
  /** Current state (fold of the versions). */
  montant: z.number().nullable(),
  montantInitial: z.number().nullable(),
  /** False when the current montant is unusable (flag AMOUNT_UNUSABLE): indicators exclude it. */
  montantUtilisable: z.boolean(),
  dureeMois: z.number().nullable(),
  dureeMoisInitiale: z.number().nullable(),
  dateNotification: isoDate.nullable(),
  datePublicationDonnees: isoDate.nullable(),
  /** Date of the latest version (initial or modification). */
  dateDerniereModification: isoDate.nullable(),
  titulaires: z.array(OrganisationRefSchema),
  offresRecues: z.number().nullable(),
  attributionAvance: z.boolean().nullable(),
  tauxAvance: z.number().nullable(),
  marcheInnovant: z.boolean().nullable(),
  ccag: z.string().nullable(),
  sousTraitanceDeclaree: z.boolean().nullable(),
  typeGroupementOperateurs: z.string().nullable(),
  origineUE: z.number().nullable(),
  origineFrance: z.number().nullable(),
  idAccordCadre: z.string().nullable(),
  considerationsSociales: z.array(z.string()),
  considerationsEnvironnementales: z.array(z.string()),
  actesSousTraitance: z.array(ActeSousTraitanceSchema),
  /** Concessions only. */
  concession: z
    .object({
      valeurGlobale: z.number().nullable(),
      montantSubventionPublique: z.number().nullable(),
      dateDebutExecution: isoDate.nullable(),
      donneesExecution: z.array(z.record(z.string(), z.unknown())),
    })
    .nullable(),
  versions: z.array(ContractVersionSchema).min(1),
  flags: z.array(QualityFlagSchema),
  provenance: z.array(ProvenanceSchema).min(1),
  enrichment: EnrichmentSchema.nullable(),
});
export type Contract = z.infer<typeof ContractSchema>;

export function cpvDivisionOf(codeCPV: string | null): string | null {
  return codeCPV && /^\d{8}$/.test(codeCPV) ? codeCPV.slice(0, 2) : null;
}

/** CPV division 45 = works; 01–44 and 48 = supplies; 50–98 = services. */
export function purchaseTypeOf(codeCPV: string | null): PurchaseType | null {
  const div = cpvDivisionOf(codeCPV);
  if (!div) return null;
  const n = Number(div);
  if (n === 45) return 'travaux';
  if ((n >= 1 && n <= 44) || n === 48) return 'fournitures';
  if (n >= 50 && n <= 98) return 'services';
  return null;
}
