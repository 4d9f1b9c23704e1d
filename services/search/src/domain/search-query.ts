import { z } from 'zod';
import { SearchCursorInvalidError, SearchQueryInvalidError } from './search.errors';
import { SUPPLIER_CATEGORIES } from './search-document';

/**
 * The query model. User input is validated here (zod) and turned into this typed shape; adapters
 * build their engine queries from it with match/term/range constructs only, never by passing user
 * text as query syntax (no query_string, no raw FTS5 MATCH expression).
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_QUERY_LENGTH = 200;

export const SORT_FIELDS = ['relevance', 'date', 'amount'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

export const FACET_NAMES = [
  'purchaseType',
  'cpvDivision',
  'buyerDepartement',
  'buyerType',
  'supplierCategorie',
  'procedure',
  'year',
] as const;
export type FacetName = (typeof FACET_NAMES)[number];

/** Accepts one value or a list (query strings give either) and yields a non-empty list. */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z
    .union([item, z.array(item).min(1).max(50)])
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]));

const code = (pattern: RegExp, what: string) => z.string().trim().regex(pattern, what);
const label = z.string().trim().min(1).max(200);
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(d)), 'not a calendar date');

const yearSchema = z.number().int('year: an integer such as 2024').min(1900, 'year: 1900 to 2099').max(2099, 'year: 1900 to 2099');

const territorySchema = z
  .strictObject({
    epci: oneOrMany(code(/^\d{9}$/, 'EPCI SIREN: 9 digits')).optional(),
    departement: oneOrMany(code(/^(\d{2,3}|2[AB])$/, 'département code: 2 or 3 characters')).optional(),
    region: oneOrMany(code(/^\d{2}$/, 'région code: 2 digits')).optional(),
    bretagne: z.boolean().optional(),
  })
  .optional();
export type TerritoryFilter = NonNullable<z.output<typeof territorySchema>>;

const rangeOf = <T extends z.ZodType<number | string>>(bound: T) =>
  z
    .strictObject({ min: bound.optional(), max: bound.optional() })
    .refine((r) => r.min === undefined || r.max === undefined || (r.min as number | string) <= (r.max as number | string), {
      message: 'min must not exceed max',
    })
    .optional();

export const SearchFiltersSchema = z.strictObject({
  /** SIRET (14 digits) or SIREN (9 digits) of the buyer. */
  buyer: oneOrMany(code(/^(\d{9}|\d{14})$/, 'buyer: a SIRET (14 digits) or a SIREN (9 digits)')).optional(),
  buyerType: oneOrMany(code(/^[a-z-]{2,40}$/, 'buyer type: lowercase letters and hyphens')).optional(),
  buyerTerritory: territorySchema,
  supplierTerritory: territorySchema,
  /** CPV code prefixes (2 to 8 digits): "45" all works, "4523" road works... */
  cpv: oneOrMany(code(/^\d{2,8}$/, 'CPV prefix: 2 to 8 digits')).optional(),
  purchaseType: oneOrMany(z.enum(['travaux', 'fournitures', 'services'])).optional(),
  nature: oneOrMany(label).optional(),
  procedure: oneOrMany(label).optional(),
  notificationDate: rangeOf(isoDate),
  /** Notification years (the `year` facet's values); a contract without a date matches none. */
  year: oneOrMany(yearSchema).optional(),
  /** Range over usable amounts (EUR); contracts with an unusable amount never match a range. */
  amount: rangeOf(z.number().finite().nonnegative()),
  supplierCategorie: oneOrMany(z.enum(SUPPLIER_CATEGORIES)).optional(),
  considerationSociale: z.boolean().optional(),
  considerationEnvironnementale: z.boolean().optional(),
  innovation: z.boolean().optional(),
  subcontracting: z.boolean().optional(),
  singleBid: z.boolean().optional(),
});
export type SearchFilters = z.output<typeof SearchFiltersSchema>;

export const SearchQuerySchema = z
  .strictObject({
    /** Free text, analysed as French (elision, folding, stemming); every word must match. */
    q: z
      .string()
      .max(MAX_QUERY_LENGTH, `q: at most ${MAX_QUERY_LENGTH} characters`)
      .transform((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim())
      .optional(),
    filters: SearchFiltersSchema.default({}),
    sort: z
      .strictObject({ field: z.enum(SORT_FIELDS).default('relevance'), order: z.enum(SORT_ORDERS).default('desc') })
      .default({ field: 'relevance', order: 'desc' }),
    size: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z
      .string()
      .max(4000)
      .regex(/^[A-Za-z0-9_-]+$/, 'cursor: opaque value returned as nextCursor')
      .optional(),
    /** Facets to compute; all by default, [] for none. */
    facets: z.array(z.enum(FACET_NAMES)).max(FACET_NAMES.length).default([...FACET_NAMES]),
    highlight: z.boolean().default(true),
  })
  .transform((q) => ({ ...q, q: q.q ? q.q : undefined }));

export type SearchQueryInput = z.input<typeof SearchQuerySchema>;
export type SearchQuery = z.output<typeof SearchQuerySchema>;

/** Validate untrusted input; throws SearchQueryInvalidError listing every issue with its path. */
export function parseSearchQuery(input: unknown): SearchQuery {
  const result = SearchQuerySchema.safeParse(input ?? {});
  if (!result.success) {
    throw new SearchQueryInvalidError(
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  return result.data;
}

/**
 * The effective order. Relevance without a text query has nothing to rank by: it falls back to
 * the most recent first (both engines do the same, so pages are stable).
 */
export function effectiveSort(q: SearchQuery): { field: SortField; order: SortOrder } {
  if (q.sort.field === 'relevance' && !q.q) return { field: 'date', order: 'desc' };
  if (q.sort.field === 'relevance') return { field: 'relevance', order: 'desc' };
  return q.sort;
}

/** A cursor carries the sort it belongs to and the engine's position after the last item. */
interface CursorPayload {
  s: string; // sort signature, e.g. "date:desc"
  e: string; // engine: "es" | "sqlite"
  v: unknown[]; // position (search_after values / keyset values)
}

export function encodeCursor(engine: string, sort: { field: SortField; order: SortOrder }, values: unknown[]): string {
  const payload: CursorPayload = { s: `${sort.field}:${sort.order}`, e: engine, v: values };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

export function decodeCursor(engine: string, sort: { field: SortField; order: SortOrder }, cursor: string): unknown[] {
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw new SearchCursorInvalidError('curseur invalide : il ne vient pas de cette recherche');
  }
  if (!payload || typeof payload !== 'object' || !Array.isArray(payload.v) || typeof payload.s !== 'string') {
    throw new SearchCursorInvalidError('curseur invalide : il ne vient pas de cette recherche');
  }
  if (payload.e !== engine) throw new SearchCursorInvalidError('curseur invalide : il vient d’un autre moteur de recherche');
  if (payload.s !== `${sort.field}:${sort.order}`) {
    throw new SearchCursorInvalidError(`curseur invalide : il suit le tri ${payload.s}, pas ${sort.field}:${sort.order}`);
  }
  return payload.v;
}

export const SuggestQuerySchema = z.strictObject({
  prefix: z
    .string()
    .trim()
    .min(1, 'prefix: at least one character')
    .max(100, 'prefix: at most 100 characters')
    .refine((s) => /[\p{L}\p{N}]/u.test(s), 'prefix: needs a letter or a digit'),
  limit: z.number().int().min(1).max(50).default(10),
});
export type SuggestQuery = z.output<typeof SuggestQuerySchema>;

export function parseSuggestQuery(prefix: unknown, limit?: unknown): SuggestQuery {
  const result = SuggestQuerySchema.safeParse({ prefix, limit });
  if (!result.success) {
    throw new SearchQueryInvalidError(
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }
  return result.data;
}
