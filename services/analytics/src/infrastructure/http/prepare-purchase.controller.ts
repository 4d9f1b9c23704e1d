import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { DEFAULT_BAND, PLANNED_AMOUNT_RANGE, PreparePurchaseHandler } from '../../application/prepare-purchase/prepare-purchase.handler';
import { filterShape, LimitParam, parseQuery, toFilters } from '../../application/shared/analytics-filters';

const montant = z.coerce
  .number({ message: 'montant : un montant en euros' })
  .refine((v) => Number.isFinite(v) && v >= PLANNED_AMOUNT_RANGE.min && v <= PLANNED_AMOUNT_RANGE.max, 'montant : un montant en euros entre 1 et 3 000 000 000');
const factor = (name: string, min: number, max: number) =>
  z.coerce.number({ message: `${name} : un nombre` }).refine((v) => Number.isFinite(v) && v >= min && v <= max, `${name} : un nombre entre ${min} et ${max}`);

/**
 * `cpv`, `montant` and `territoire` are required; `du`/`au` (or `annee`) bound the period; `facteurMin`/`facteurMax`
 * set the amount band (default ×0.3–×3); `limit` suppliers listed per size category. Anything else is refused.
 */
export const PreparePurchaseQuerySchema = z
  .strictObject({
    cpv: filterShape.cpv,
    territoire: filterShape.territoire,
    montant: montant.optional(),
    annee: filterShape.annee,
    du: filterShape.du,
    au: filterShape.au,
    coTraitance: filterShape.coTraitance,
    facteurMin: factor('facteurMin', 0.01, 1).default(DEFAULT_BAND.min),
    facteurMax: factor('facteurMax', 1, 100).default(DEFAULT_BAND.max),
    limit: LimitParam.default(20),
  })
  .superRefine((v, ctx) => {
    if (v.cpv === undefined) ctx.addIssue({ code: 'custom', path: ['cpv'], message: 'cpv : obligatoire, un préfixe de code CPV de 2 à 8 chiffres' });
    if (v.montant === undefined) ctx.addIssue({ code: 'custom', path: ['montant'], message: 'montant : obligatoire, le montant estimé en euros HT' });
    if (v.territoire === undefined) {
      ctx.addIssue({ code: 'custom', path: ['territoire'], message: 'territoire : obligatoire, epci:<SIREN>, departement:<code>, region:<code> ou bretagne' });
    }
    if (v.annee !== undefined && (v.du !== undefined || v.au !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['annee'], message: 'annee ne se combine pas avec du/au : choisissez l’un ou l’autre' });
    }
    if (v.du !== undefined && v.au !== undefined && v.du > v.au) ctx.addIssue({ code: 'custom', path: ['du'], message: 'du doit précéder au' });
  });

/** GET /api/preparer-achat (under the global `/api` prefix). */
@Controller()
export class PreparePurchaseController {
  constructor(@Inject(PreparePurchaseHandler) private readonly handler: PreparePurchaseHandler) {}

  @Get('preparer-achat')
  get(@Query() query: unknown) {
    const q = parseQuery(PreparePurchaseQuerySchema, query);
    const filters = toFilters(q);
    // required by the schema's refinement above
    const cpv = q.cpv as string;
    const territoire = q.territoire!;
    return this.handler.execute({
      filters: { ...filters, cpv, territoire },
      montant: q.montant as number,
      band: { min: q.facteurMin, max: q.facteurMax },
      limit: q.limit,
    });
  }
}
