import { z } from 'zod';
import { InvalidParameterError } from '../../domain/catalog.errors';

export const UidParam = z.string().trim().min(1).max(255);
export const BuyerIdParam = z.string().trim().regex(/^(\d{9}|\d{14})$/, 'a SIRET (14 digits) or a SIREN (9 digits)');
export const SupplierIdParam = z.string().trim().min(1).max(64);

export const ListContractsQuery = z.object({
  acheteur: z.string().trim().regex(/^(\d{9}|\d{14})$/, 'a SIRET (14 digits) or a SIREN (9 digits)').optional(),
  titulaire: z.string().trim().min(1).max(64).optional(),
  cpv: z.string().trim().regex(/^\d{2,8}$/, '2 to 8 digits (CPV division or code prefix)').optional(),
  annee: z.coerce.number().int().min(2000).max(2100).optional(),
  cursor: z.string().max(600).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const OrganisationsQuery = z.object({
  q: z.string().trim().min(2, 'at least 2 characters').max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** Validates one input with zod; a failure becomes CATALOG_INVALID_PARAMETER (HTTP 400). */
export function parseParam<S extends z.ZodTypeAny>(schema: S, value: unknown, name: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${[name, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new InvalidParameterError('CATALOG_INVALID_PARAMETER', `invalid ${name}: ${issues.join('; ')}`, issues);
}
