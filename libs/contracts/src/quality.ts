import { z } from 'zod';

/**
 * Stable, machine-readable codes for data-quality findings.
 * A *flag* keeps the record (accepted with quality flags); a *quarantine reason* rejects it.
 * Codes are part of the public contract: never rename one, only add.
 */
export const QUALITY_FLAG_CODES = [
  'AMOUNT_UNUSABLE', // montant absent, "NC", < 1 EUR, > 3 bn EUR, or a known absurd pattern
  'AMOUNT_REPAIRED', // montant given as a string or with a comma decimal separator
  'AMOUNT_MISSING',
  'DURATION_OUT_OF_RANGE', // dureeMois outside 1..180
  'DURATION_REPAIRED', // dureeMois given as a string
  'DATE_REPAIRED', // date parsed from a non ISO spelling or with a timezone suffix
  'DATE_INVALID', // date outside 2010..2039, in the future, or unparseable (field nulled)
  'PUBLICATION_BEFORE_NOTIFICATION',
  'SUPPLIER_ID_INVALID', // titulaire id is not a valid SIRET (checksum on SIREN, 14 digits)
  'SUPPLIER_ID_NOT_SIRET', // SIREN, VAT number, foreign id: kept, resolved as unknown downstream
  'SUPPLIER_ID_REPAIRED', // spaces stripped, etc.
  'SUPPLIER_DUPLICATED', // the same titulaire listed twice in one version
  'SUPPLIER_IS_BUYER',
  'BUYER_ID_INVALID',
  'CPV_REPAIRED', // 7 digits padded, check digit removed
  'CPV_INVALID',
  'LEGACY_SPELLING_REPAIRED', // 1.4 procedure names, upper case enums, straight/curly apostrophes
  'ENUM_UNKNOWN', // an enum value outside the schema, kept as is
  'NC_VALUE', // "NC" (non communiqué) replaced by null
  'CONSIDERATION_CONTRADICTORY', // "Pas de considération ..." combined with another value
  'SCHEMA_DEVIATION', // extra fields or wrappers the strict official schema rejects
  'VERSION_CONFLICT', // two versions with the same sequence number and different content
  'ID_REUSED', // the same uid seen with incompatible contract identity (other objet/CPV/dateNotification)
  'SEQUENCE_ID_MODIFICATION', // 2019 republication as new contract with id suffix 01, 02...
] as const;
export type QualityFlagCode = (typeof QUALITY_FLAG_CODES)[number];

export const QUARANTINE_REASON_CODES = [
  'NOT_AN_OBJECT', // the item is not a JSON object / XML element with children
  'MISSING_ID', // no contract id
  'MISSING_BUYER', // no acheteur / autoriteConcedante id
  'BUYER_ID_UNUSABLE', // acheteur id empty or not an identifier at all
  'MISSING_OBJET_AND_CPV', // nothing says what was bought
  'UNKNOWN_KIND', // neither a marché nor a contrat de concession
  'UNPARSEABLE_RECORD', // malformed JSON/XML/CSV inside the record
  'EXACT_DUPLICATE', // never used for quarantine: duplicates are counted apart (kept for compatibility)
] as const;
export type QuarantineReasonCode = (typeof QUARANTINE_REASON_CODES)[number];

export const QualityFlagSchema = z.object({
  code: z.enum(QUALITY_FLAG_CODES),
  field: z.string().nullable(),
  message: z.string(),
  /** The original value, as text, when the flag repaired or discarded it. */
  original: z.string().nullable().optional(),
});
export type QualityFlag = z.infer<typeof QualityFlagSchema>;

export const QuarantineReasonSchema = z.object({
  code: z.enum(QUARANTINE_REASON_CODES),
  field: z.string().nullable(),
  message: z.string(),
});
export type QuarantineReason = z.infer<typeof QuarantineReasonSchema>;
