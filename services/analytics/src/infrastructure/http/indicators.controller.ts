import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { EXPORT_TABLES, ExportIndicatorsHandler } from '../../application/export-indicators/export-indicators.handler';
import type { Table } from '../../application/export-indicators/indicator-table';
import { GetIndicatorBreakdownHandler } from '../../application/get-indicator-breakdown/get-indicator-breakdown.handler';
import { GetIndicatorSeriesHandler } from '../../application/get-indicator-series/get-indicator-series.handler';
import { GetIndicatorsHandler } from '../../application/get-indicators/get-indicators.handler';
import { GetPriceDistributionHandler } from '../../application/get-price-distribution/get-price-distribution.handler';
import { GetSectorOverviewHandler } from '../../application/get-sector-overview/get-sector-overview.handler';
import { MapNafToCpvHandler } from '../../application/map-naf-to-cpv/map-naf-to-cpv.handler';
import {
  DimensionParam,
  IndicatorKeyParam,
  LimitParam,
  parseQuery,
  querySchema,
  toFilters,
} from '../../application/shared/analytics-filters';
import { parseNaf, type NafCpvRule, type NafQuery } from '../../domain';
import { writeCsv } from './csv-table.writer';
import { writeXlsx } from './xlsx-table.writer';

const IndicatorsQuery = querySchema({});
const SeriesQuery = querySchema({ indicator: IndicatorKeyParam });
const BreakdownQuery = querySchema({ dimension: DimensionParam, indicator: IndicatorKeyParam.optional() });
const ExportQuery = querySchema({
  table: z.enum(EXPORT_TABLES, { message: `table : ${EXPORT_TABLES.join(', ')}` }),
  indicator: IndicatorKeyParam.optional(),
  dimension: DimensionParam.optional(),
});
const NAF_EXPECTED = 'un code NAF comme 43.21A (point facultatif), ou un début de code : division 43, groupe 43.2, classe 43.21';
const NafParam = z
  .string()
  .trim()
  .transform((v, ctx): NafQuery => {
    const naf = parseNaf(v);
    if (naf) return naf;
    ctx.addIssue({ code: 'custom', message: `naf : ${NAF_EXPECTED}` });
    return z.NEVER;
  });
/** `cpv` or `naf` (the company's NAF code, mapped to the CPV codes its firms usually win), never both. */
const SectorQuery = querySchema({
  limit: LimitParam.default(10),
  naf: NafParam.optional(),
  couverture: z.coerce.number({ message: 'couverture : une part entre 0.5 et 1' }).min(0.5, 'couverture : une part entre 0.5 et 1').max(1, 'couverture : une part entre 0.5 et 1').optional(),
  niveauCpv: z.enum(['groupe', 'division'], { message: 'niveauCpv : groupe ou division' }).optional(),
}).superRefine((q, ctx) => {
  if (q.naf && q.cpv !== undefined) ctx.addIssue({ code: 'custom', path: ['naf'], message: 'cpv et naf s’excluent : choisissez le secteur par code CPV ou par code NAF, pas les deux' });
  for (const k of ['couverture', 'niveauCpv'] as const) {
    if (q[k] !== undefined && !q.naf) ctx.addIssue({ code: 'custom', path: [k], message: `${k} : seulement avec naf (la correspondance NAF → CPV)` });
  }
});
const NafCodesQuery = z.strictObject({
  q: z
    .string()
    .trim()
    .transform((v, ctx): NafQuery | null => {
      if (v === '') return null;
      const naf = parseNaf(v);
      if (naf) return naf;
      ctx.addIssue({ code: 'custom', message: `q : ${NAF_EXPECTED}` });
      return z.NEVER;
    })
    .optional(),
  limit: LimitParam.default(20),
});
const PriceQuery = querySchema({});

/** Public, read-only analytics endpoints (under the global `/api` prefix). */
@Controller()
export class IndicatorsController {
  constructor(
    @Inject(GetIndicatorsHandler) private readonly indicators: GetIndicatorsHandler,
    @Inject(GetIndicatorSeriesHandler) private readonly series: GetIndicatorSeriesHandler,
    @Inject(GetIndicatorBreakdownHandler) private readonly breakdown: GetIndicatorBreakdownHandler,
    @Inject(ExportIndicatorsHandler) private readonly exporter: ExportIndicatorsHandler,
    @Inject(GetSectorOverviewHandler) private readonly sector: GetSectorOverviewHandler,
    @Inject(MapNafToCpvHandler) private readonly nafMapping: MapNafToCpvHandler,
    @Inject(GetPriceDistributionHandler) private readonly prices: GetPriceDistributionHandler,
  ) {}

  @Get('indicators')
  getIndicators(@Query() query: unknown) {
    return this.indicators.execute(toFilters(parseQuery(IndicatorsQuery, query)));
  }

  @Get('indicators/series')
  async getSeries(@Query() query: unknown) {
    const q = parseQuery(SeriesQuery, query);
    const r = await this.series.execute(toFilters(q), q.indicator);
    return { filters: r.filters, indicator: r.series[0] };
  }

  @Get('indicators/breakdown')
  getBreakdown(@Query() query: unknown) {
    const q = parseQuery(BreakdownQuery, query);
    return this.breakdown.execute(toFilters(q), q.dimension, q.indicator);
  }

  @Get('indicators/export.csv')
  async exportCsv(@Query() query: unknown, @Res() res: Response) {
    const table = await this.table(query);
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${table.name}.csv"`);
    await stream(res, () => writeCsv(table, res));
  }

  @Get('indicators/export.xlsx')
  async exportXlsx(@Query() query: unknown, @Res() res: Response) {
    const table = await this.table(query);
    res.status(200);
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', `attachment; filename="${table.name}.xlsx"`);
    await stream(res, () => writeXlsx(table, res));
  }

  @Get('secteur')
  getSector(@Query() query: unknown) {
    const q = parseQuery(SectorQuery, query);
    const rule: Partial<NafCpvRule> = {};
    if (q.couverture !== undefined) rule.coverage = q.couverture;
    if (q.niveauCpv) rule.level = q.niveauCpv === 'groupe' ? 'group' : 'division';
    return this.sector.execute(toFilters(q), q.limit, q.naf ? { naf: q.naf, rule } : undefined);
  }

  /** NAF codes present in the data (suppliers' SIRENE profiles with at least one win), for the page's autocomplete. */
  @Get('secteur/naf')
  async getSectorNafCodes(@Query() query: unknown) {
    const q = parseQuery(NafCodesQuery, query);
    const r = await this.nafMapping.nafCodes(q.q ?? null, q.limit);
    return { q: q.q?.code ?? null, total: r.total, items: r.items.map((i) => ({ code: i.code, contrats: i.contracts })) };
  }

  @Get('prix')
  getPrices(@Query() query: unknown) {
    return this.prices.execute(toFilters(parseQuery(PriceQuery, query)));
  }

  /** Validation and computation happen before the first byte, so errors still get a JSON body and a status. */
  private table(query: unknown): Promise<Table> {
    const q = parseQuery(ExportQuery, query);
    return this.exporter.execute({ table: q.table, filters: toFilters(q), indicator: q.indicator, dimension: q.dimension });
  }
}

/** Once streaming has started the status is sent: a failure can only abort the connection. */
async function stream(res: Response, write: () => Promise<void>): Promise<void> {
  try {
    await write();
    if (!res.writableEnded) res.end();
  } catch (err) {
    res.destroy(err as Error);
  }
}
