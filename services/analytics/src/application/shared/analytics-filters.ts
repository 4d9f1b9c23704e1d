import { PURCHASE_TYPES, type PurchaseType } from '@observatoire/contracts';
import { DomainError } from '@observatoire/platform';
import { z } from 'zod';
import { DIMENSIONS, INDICATOR_KEYS, type CoContractorRule } from '../../domain';

/**
 * The filter vocabulary of the public API (the same words as search): every analytics endpoint accepts it.
 * All territories are the BUYER's. Query values are single strings; a repeated parameter is refused.
 */
export const TERRITORY_LEVELS = ['epci', 'departement', 'region', 'bretagne'] as const;
export type TerritoryLevel = (typeof TERRITORY_LEVELS)[number];

export interface TerritoryFilter {
  level: TerritoryLevel;
  /** EPCI SIREN (or `commune:<code>` for an island without EPCI), département or région code; '53' for bretagne. */
  code: string;
}

/** `partage` = even split between co-contractors (default), `mandataire` = the lead contractor counts for all. */
export const CO_TRAITANCE = { partage: 'even-split', mandataire: 'lead' } as const satisfies Record<string, CoContractorRule>;
export type CoTraitance = keyof typeof CO_TRAITANCE;

export interface AnalyticsFilters {
  /** Buyer SIRET (14 digits: that establishment) or SIREN (9 digits: every establishment of the legal unit). */
  acheteur?: string;
  typeAcheteur?: string;
  territoire?: TerritoryFilter;
  /** CPV code prefix, 2 to 8 digits. */
  cpv?: string;
  /**
   * Any of these CPV prefixes (2 to 8 digits each; empty = no contract): the CPV codes a NAF code was mapped to
   * (`/api/secteur?naf=`). Set by the use case, never read from the query string.
   */
  cpvIn?: readonly string[];
  typeAchat?: PurchaseType;
  /** Year of dateNotification; exclusive with du/au. */
  annee?: number;
  /** Notification date range, inclusive, ISO YYYY-MM-DD. */
  du?: string;
  au?: string;
  coTraitance: CoTraitance;
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ')
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'date inexistante');

const territoire = z
  .string()
  .trim()
  .transform((v, ctx): TerritoryFilter => {
    if (v === 'bretagne') return { level: 'bretagne', code: '53' };
    const m = /^(epci|departement|region):(.+)$/.exec(v);
    const level = m?.[1] as TerritoryLevel | undefined;
    const code = m?.[2] ?? '';
    const ok =
      (level === 'epci' && (/^\d{9}$/.test(code) || /^commune:\d{5}$/.test(code))) ||
      (level === 'departement' && /^(\d{2,3}|2[AB])$/.test(code)) ||
      (level === 'region' && /^\d{2}$/.test(code));
    if (!ok || !level) {
      ctx.addIssue({
        code: 'custom',
        message: 'territoire attendu : epci:<SIREN à 9 chiffres>, departement:<code>, region:<code à 2 chiffres> ou bretagne',
      });
      return z.NEVER;
    }
    return { level, code };
  });

/** The filter fields, as query-string schemas. */
export const filterShape = {
  acheteur: z.string().trim().regex(/^(\d{9}|\d{14})$/, 'acheteur : un SIRET (14 chiffres) ou un SIREN (9 chiffres)').optional(),
  typeAcheteur: z.string().trim().regex(/^[a-z-]{2,40}$/, 'typeAcheteur : lettres minuscules et tirets (commune, epci, departement, region, hopital…)').optional(),
  territoire: territoire.optional(),
  cpv: z.string().trim().regex(/^\d{2,8}$/, 'cpv : un préfixe de code CPV de 2 à 8 chiffres').optional(),
  typeAchat: z.enum(PURCHASE_TYPES, { message: `typeAchat : ${PURCHASE_TYPES.join(', ')}` }).optional(),
  annee: z.coerce.number({ message: 'annee : une année' }).int('annee : une année').min(2000, 'annee : 2000 à 2100').max(2100, 'annee : 2000 à 2100').optional(),
  du: isoDate.optional(),
  au: isoDate.optional(),
  coTraitance: z.enum(['partage', 'mandataire'], { message: 'coTraitance : partage ou mandataire' }).default('partage'),
};

type FilterFields = { [K in keyof typeof filterShape]?: z.output<(typeof filterShape)[K]> } & { coTraitance: CoTraitance };

export function toFilters(f: FilterFields): AnalyticsFilters {
  const out: AnalyticsFilters = { coTraitance: f.coTraitance };
  for (const k of ['acheteur', 'typeAcheteur', 'territoire', 'cpv', 'typeAchat', 'annee', 'du', 'au'] as const) {
    if (f[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = f[k];
  }
  return out;
}

/** A query schema made of the filters plus endpoint-specific parameters; unknown parameters are refused. */
export function querySchema<E extends z.ZodRawShape>(extra: E) {
  return z.strictObject({ ...filterShape, ...extra }).superRefine((value, ctx) => {
    const f = value as { annee?: number; du?: string; au?: string };
    if (f.annee !== undefined && (f.du !== undefined || f.au !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['annee'], message: 'annee ne se combine pas avec du/au : choisissez l’un ou l’autre' });
    }
    if (f.du !== undefined && f.au !== undefined && f.du > f.au) {
      ctx.addIssue({ code: 'custom', path: ['du'], message: 'du doit précéder au' });
    }
  });
}

export const FiltersQuery = querySchema({});
export const IndicatorKeyParam = z.enum(INDICATOR_KEYS, { message: `indicator : une des clés ${INDICATOR_KEYS.join(', ')}` });
export const DimensionParam = z.enum(DIMENSIONS, { message: `dimension : ${DIMENSIONS.join(', ')}` });
export const LimitParam = z.coerce.number({ message: 'limit : un entier' }).int('limit : un entier').min(1, 'limit : 1 à 100').max(100, 'limit : 1 à 100');

export class InvalidParameterError extends DomainError {
  constructor(message: string) {
    super('INVALID_PARAMETER', message, 400);
  }
}

/** Validate a query string with a schema; any problem → 400 INVALID_PARAMETER listing every issue. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.output<S> {
  const r = schema.safeParse(query ?? {});
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `paramètre(s) inconnu(s) : ${i.keys.join(', ')}`;
    const path = i.path.map(String).join('.');
    if (i.code === 'invalid_type' && i.message.includes('array')) return `${path} : une seule valeur attendue`;
    return i.message.startsWith(path) || !path ? i.message : `${path} : ${i.message}`;
  });
  throw new InvalidParameterError(issues.join(' ; '));
}

export function coContractorRuleOf(f: AnalyticsFilters): CoContractorRule {
  return CO_TRAITANCE[f.coTraitance];
}

/** A stable text for cache keys and responses. */
export function filtersKey(f: AnalyticsFilters): string {
  return JSON.stringify(Object.fromEntries(Object.entries(f).sort(([a], [b]) => a.localeCompare(b))));
}

/** The filters as echoed in responses: the query words, territory as written. */
export function describeFilters(f: AnalyticsFilters): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (f.acheteur) out.acheteur = f.acheteur;
  if (f.typeAcheteur) out.typeAcheteur = f.typeAcheteur;
  if (f.territoire) out.territoire = f.territoire.level === 'bretagne' ? 'bretagne' : `${f.territoire.level}:${f.territoire.code}`;
  if (f.cpv) out.cpv = f.cpv;
  if (f.typeAchat) out.typeAchat = f.typeAchat;
  if (f.annee !== undefined) out.annee = f.annee;
  if (f.du) out.du = f.du;
  if (f.au) out.au = f.au;
  out.coTraitance = f.coTraitance;
  return out;
}
