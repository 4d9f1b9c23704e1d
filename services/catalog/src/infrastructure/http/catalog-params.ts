import { z } from 'zod';
import { InvalidParameterError } from '../../domain/catalog.errors';

/** Users read the API's validation messages: zod's own words in French (the codes stay stable). */
const FRENCH = z.locales.fr();

export const UidParam = z.string().trim().min(1).max(255);
export const BuyerIdParam = z.string().trim().regex(/^(\d{9}|\d{14})$/, 'un SIRET (14 chiffres) ou un SIREN (9 chiffres)');
export const SupplierIdParam = z.string().trim().min(1).max(64);

export const ListContractsQuery = z.object({
  acheteur: z.string().trim().regex(/^(\d{9}|\d{14})$/, 'un SIRET (14 chiffres) ou un SIREN (9 chiffres)').optional(),
  titulaire: z.string().trim().min(1).max(64).optional(),
  cpv: z.string().trim().regex(/^\d{2,8}$/, '2 à 8 chiffres (division CPV ou début de code)').optional(),
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
  cursor: z.string().max(600).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const OrganisationsQuery = z.object({
  q: z.string().trim().min(2, 'au moins 2 caractères').max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** Validates one input with zod; a failure becomes CATALOG_INVALID_PARAMETER (HTTP 400). */
export function parseParam<S extends z.ZodTypeAny>(schema: S, value: unknown, name: string): z.infer<S> {
  const result = schema.safeParse(value, { error: FRENCH.localeError });
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${[name, ...i.path.map(String)].join('.')} : ${i.message}`);
  throw new InvalidParameterError('CATALOG_INVALID_PARAMETER', `paramètre ${name} invalide : ${issues.join(' ; ')}`, issues);
}
