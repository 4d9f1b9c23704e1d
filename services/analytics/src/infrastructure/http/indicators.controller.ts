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
import {
  DimensionParam,
  IndicatorKeyParam,
  LimitParam,
  parseQuery,
  querySchema,
  toFilters,
} from '../../application/shared/analytics-filters';
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
const SectorQuery = querySchema({ limit: LimitParam.default(10) });
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
    return this.sector.execute(toFilters(q), q.limit);
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
