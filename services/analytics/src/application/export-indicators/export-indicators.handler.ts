import type { Dimension, IndicatorKey } from '../../domain';
import type { GetIndicatorBreakdownHandler } from '../get-indicator-breakdown/get-indicator-breakdown.handler';
import type { GetIndicatorSeriesHandler } from '../get-indicator-series/get-indicator-series.handler';
import type { GetIndicatorsHandler } from '../get-indicators/get-indicators.handler';
import { InvalidParameterError, type AnalyticsFilters } from '../shared/analytics-filters';
import type { IndicatorSummary } from '../shared/indicator-summary';
import type { Cell, Table, TableColumn } from './indicator-table';

export const EXPORT_TABLES = ['indicators', 'series', 'breakdown'] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export interface ExportRequest {
  table: ExportTable;
  filters: AnalyticsFilters;
  /** series / breakdown: one indicator only (all by default). */
  indicator?: IndicatorKey;
  /** breakdown: required. */
  dimension?: Dimension;
}

const UNITS: Record<string, string> = { share: 'part', count: 'part de groupes' };

/** The columns of one indicator value, the same in every table. */
const VALUE_COLUMNS: TableColumn[] = [
  { header: 'Indicateur', kind: 'text' },
  { header: 'Clé', kind: 'text' },
  { header: 'Unité', kind: 'text' },
  { header: 'Valeur en nombre (%)', kind: 'share' },
  { header: 'Numérateur (nombre)', kind: 'decimal' },
  { header: 'Dénominateur (nombre)', kind: 'decimal' },
  { header: 'Inconnus (nombre)', kind: 'decimal' },
  { header: 'Part des inconnus en nombre (%)', kind: 'share' },
  { header: 'Valeur en montant (%)', kind: 'share' },
  { header: 'Numérateur (montant, €)', kind: 'euro' },
  { header: 'Dénominateur (montant, €)', kind: 'euro' },
  { header: 'Inconnus (montant, €)', kind: 'euro' },
  { header: 'Contrats exclus (montant inexploitable)', kind: 'integer' },
  { header: 'Cible (%)', kind: 'share' },
  { header: 'Cible atteinte', kind: 'boolean' },
];

function valueCells(v: IndicatorSummary): Cell[] {
  return [
    v.label,
    v.key,
    UNITS[v.unit] ?? v.unit,
    v.byCount.value,
    v.byCount.numerator,
    v.byCount.denominator,
    v.byCount.unknown,
    v.byCount.unknownShare,
    v.byAmount?.value ?? null,
    v.byAmount?.numerator ?? null,
    v.byAmount?.denominator ?? null,
    v.byAmount?.unknown ?? null,
    v.excludedUnusableAmounts,
    v.target ?? null,
    v.targetMet ?? null,
  ];
}

/**
 * GET /api/indicators/export.{csv,xlsx}: the indicators, series or breakdown of the filters as a table.
 * The rows are generated lazily and written as they come; there is no row cap.
 */
export class ExportIndicatorsHandler {
  constructor(
    private readonly indicators: GetIndicatorsHandler,
    private readonly series: GetIndicatorSeriesHandler,
    private readonly breakdown: GetIndicatorBreakdownHandler,
  ) {}

  async execute(req: ExportRequest): Promise<Table> {
    switch (req.table) {
      case 'indicators': {
        const r = await this.indicators.execute(req.filters);
        return {
          name: 'indicateurs',
          columns: VALUE_COLUMNS,
          rows: (function* () {
            for (const v of r.indicators) yield valueCells(v);
          })(),
        };
      }
      case 'series': {
        const r = await this.series.execute(req.filters, req.indicator);
        return {
          name: 'series',
          columns: [{ header: 'Année de notification', kind: 'text' }, { header: 'Contrats', kind: 'integer' }, ...VALUE_COLUMNS],
          rows: (function* () {
            for (const s of r.series) for (const p of s.points) yield [p.year == null ? 'inconnue' : String(p.year), p.contracts, ...valueCells(p.value)];
          })(),
        };
      }
      case 'breakdown': {
        if (!req.dimension) throw new InvalidParameterError('dimension : obligatoire pour table=breakdown');
        const r = await this.breakdown.execute(req.filters, req.dimension, req.indicator);
        const dimension = req.dimension;
        return {
          name: `repartition-${dimension}`,
          columns: [
            { header: 'Dimension', kind: 'text' },
            { header: 'Groupe', kind: 'text' },
            { header: 'Libellé du groupe', kind: 'text' },
            { header: 'Contrats', kind: 'integer' },
            ...VALUE_COLUMNS,
          ],
          rows: (function* () {
            for (const g of r.groups) for (const v of g.indicators) yield [dimension, g.key, g.label, g.contracts, ...valueCells(v)];
          })(),
        };
      }
    }
  }
}
