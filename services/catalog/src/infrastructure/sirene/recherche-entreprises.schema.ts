import { z } from 'zod';

/**
 * The subset of the "recherche d'entreprises" API (api.gouv.fr, `GET /search?q=`) the catalog reads.
 * Coordinates come as strings; `commune` is the INSEE commune code.
 */
const coordinate = z.union([z.string(), z.number()]).nullable().optional();
const nullableString = z.string().nullable().optional();

export const EtablissementSchema = z.object({
  siret: z.string(),
  commune: nullableString,
  code_postal: nullableString,
  libelle_commune: nullableString,
  latitude: coordinate,
  longitude: coordinate,
  activite_principale: nullableString,
  etat_administratif: nullableString,
});
export type ApiEtablissement = z.infer<typeof EtablissementSchema>;

export const ResultSchema = z.object({
  siren: z.string(),
  nom_complet: nullableString,
  nom_raison_sociale: nullableString,
  categorie_entreprise: nullableString,
  tranche_effectif_salarie: nullableString,
  nature_juridique: nullableString,
  activite_principale: nullableString,
  statut_diffusion: nullableString,
  siege: EtablissementSchema.nullable().optional(),
  matching_etablissements: z.array(EtablissementSchema).nullable().optional(),
});
export type ApiResult = z.infer<typeof ResultSchema>;

export const SearchResponseSchema = z.object({
  results: z.array(ResultSchema),
  total_results: z.number().optional(),
});
export type ApiSearchResponse = z.infer<typeof SearchResponseSchema>;
