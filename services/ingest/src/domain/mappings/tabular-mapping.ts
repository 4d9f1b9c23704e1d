import { z } from 'zod';
import region2019 from './region-bretagne-2019.json';
import region2021 from './region-bretagne-2021.json';

/**
 * Declarative column mappings for tabular exports that are not DECP (a buyer's own CSV): which columns say
 * what, in which encoding and number / date spelling. A mapped row becomes a record of the DECP 2019 JSON
 * shape, then goes through the same normalisation, flags, quarantine, identity and fold as any DECP record.
 * Mappings live beside this file, one JSON per source format (services/ingest/docs/mappings.md).
 */

/** Fields a mapping may fill (DECP 2019 names; `titulaire.*` is the row's titulaire, one per row). */
export const MAPPED_FIELDS = [
  'id', 'acheteur.id', 'acheteur.nom', 'nature', 'objet', 'codeCPV', 'procedure',
  'lieuExecution.code', 'lieuExecution.typeCode', 'lieuExecution.nom', 'dureeMois', 'dateNotification',
  'datePublicationDonnees', 'montant', 'formePrix', 'titulaire.id', 'titulaire.typeIdentifiant', 'titulaire.denominationSociale',
] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];

const FieldSpec = z.union([
  z.strictObject({
    /** A column, or columns tried in order (the first non-empty cell wins). */
    from: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** text (default, trimmed); number-fr: « 14 700,00 »; date-dmy: 30/01/2019; identifier: spaces removed; cpv: 45300000-0 (the declared check digit dropped). */
    type: z.enum(['text', 'number-fr', 'date-dmy', 'identifier', 'cpv']).default('text'),
    /** Published spellings → DECP values (null: no value), applied before the type. */
    values: z.record(z.string(), z.string().nullable()).optional(),
  }),
  z.strictObject({ value: z.string() }),
]);

export const TabularMappingSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/, 'id: lower-case letters, digits and dashes'),
  description: z.string().min(1),
  encoding: z.enum(['utf8', 'latin1']),
  delimiter: z.enum([';', ',', '|', '\t']),
  /** Header columns (trimmed) that together identify the format: a file matches when it has all of them. */
  signature: z.array(z.string().min(1)).min(3),
  fields: z
    .partialRecord(z.enum(MAPPED_FIELDS), FieldSpec)
    .refine((f) => 'id' in f && 'acheteur.id' in f, { message: 'id and acheteur.id are required' }),
});
export type TabularMapping = z.output<typeof TabularMappingSchema>;

/** Validates a mapping; the error names the mapping and every problem. */
export function parseTabularMapping(input: unknown, name: string): TabularMapping {
  const r = TabularMappingSchema.safeParse(input);
  if (!r.success) throw new Error(`mapping ${name} is invalid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The mappings kept in the repository. */
export const TABULAR_MAPPINGS: readonly TabularMapping[] = [
  parseTabularMapping(region2019, 'region-bretagne-2019.json'),
  parseTabularMapping(region2021, 'region-bretagne-2021.json'),
];

/** The mapping whose signature the header line has (columns trimmed), if any. */
export function matchMapping(head: Buffer, mappings: readonly TabularMapping[] = TABULAR_MAPPINGS): TabularMapping | null {
  for (const m of mappings) {
    const text = head.toString(m.encoding).replace(/^\uFEFF/, '');
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    const columns = new Set(firstLine.split(m.delimiter).map((c) => c.trim()));
    if (m.signature.every((c) => columns.has(c))) return m;
  }
  return null;
}

function cell(row: Record<string, string>, from: string | string[]): string | null {
  for (const c of [from].flat()) {
    const v = row[c];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return null;
}

/** « 14 700,00 » → 14700; anything else is kept as text (the normaliser flags it). */
function frenchNumber(text: string): number | string {
  const compact = text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  return /^-?\d+(\.\d+)?$/.test(compact) ? Number(compact) : text;
}

/** 30/01/2019 → 2019-01-30; anything else is kept as text (the normaliser repairs or flags it). */
function dmyDate(text: string): string {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  return m ? `${m[3]}-${m[2]}-${m[1]}` : text;
}

/** One row (column → cell) → a record of the DECP 2019 JSON shape. */
export function mapRow(mapping: TabularMapping, row: Record<string, string>): Record<string, unknown> {
  const flat: Partial<Record<MappedField, unknown>> = {};
  for (const [field, spec] of Object.entries(mapping.fields) as [MappedField, z.output<typeof FieldSpec>][]) {
    if ('value' in spec) {
      flat[field] = spec.value;
      continue;
    }
    let v: string | null = cell(row, spec.from);
    if (v !== null && spec.values && v in spec.values) v = spec.values[v];
    if (v === null) continue;
    flat[field] =
      spec.type === 'number-fr' ? frenchNumber(v)
      : spec.type === 'date-dmy' ? dmyDate(v)
      : spec.type === 'identifier' ? v.replace(/[\s.]/g, '')
      : spec.type === 'cpv' ? v.replace(/^(\d{8})-\d$/, '$1')
      : v;
  }
  const out: Record<string, unknown> = {};
  const nested = (key: 'acheteur' | 'lieuExecution' | 'titulaire') => {
    const o: Record<string, unknown> = {};
    for (const [f, v] of Object.entries(flat)) if (f.startsWith(`${key}.`)) o[f.slice(key.length + 1)] = v;
    return Object.keys(o).length ? o : null;
  };
  for (const [f, v] of Object.entries(flat)) if (!f.includes('.')) out[f] = v;
  const acheteur = nested('acheteur');
  if (acheteur) out.acheteur = acheteur;
  const lieu = nested('lieuExecution');
  if (lieu) out.lieuExecution = lieu;
  const titulaire = nested('titulaire');
  out.titulaires = titulaire && titulaire.id !== undefined ? [titulaire] : [];
  return out;
}
