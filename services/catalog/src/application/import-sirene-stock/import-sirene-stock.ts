import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { upsertRows } from '../../infrastructure/orm/bulk-write';
import {
  SireneEtablissementEntity,
  SireneUniteLegaleEntity,
  type SireneEtablissementRecord,
  type SireneUniteLegaleRecord,
} from '../../infrastructure/orm/entities';
import { departementOfCommune, etablissementFromStockRow, uniteLegaleFromStockRow } from './sirene-stock-row';

export interface ImportProgress {
  file: 'etablissements' | 'unitesLegales';
  read: number;
  kept: number;
}

export interface ImportSireneStockOptions {
  orm: MikroORM;
  /** Path of StockUniteLegale_utf8.csv (or an extract with the same header). */
  unitesLegales?: string;
  /** Path of StockEtablissement_utf8.csv (or GeoSirene, which adds longitude/latitude). */
  etablissements?: string;
  /** Keep only establishments located in these départements, and the legal units that own them. */
  departements?: readonly string[];
  batchSize?: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportSireneStockResult {
  etablissements: ImportProgress | null;
  unitesLegales: ImportProgress | null;
}

async function streamInBatches<T>(
  file: string,
  map: (row: Record<string, string>) => T | null,
  batchSize: number,
  write: (rows: T[]) => Promise<void>,
  progress: (read: number, kept: number) => void,
): Promise<{ read: number; kept: number }> {
  const parser = createReadStream(file).pipe(parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }));
  let batch: T[] = [];
  let read = 0;
  let kept = 0;
  for await (const raw of parser as AsyncIterable<Record<string, string>>) {
    read++;
    const row = map(raw);
    if (row) batch.push(row);
    if (batch.length >= batchSize) {
      kept += batch.length;
      await write(batch);
      batch = [];
      progress(read, kept);
    }
  }
  if (batch.length) {
    kept += batch.length;
    await write(batch);
  }
  progress(read, kept);
  return { read, kept };
}

/**
 * Streams the SIRENE stock CSV files into sirene_etablissement / sirene_unite_legale with
 * INSERT … ON CONFLICT DO UPDATE, one transaction per batch (re-runnable: a later stock overwrites).
 * With a département filter, establishments are read first and only the legal units that own a kept
 * establishment are loaded.
 */
export async function importSireneStock(options: ImportSireneStockOptions): Promise<ImportSireneStockResult> {
  const batchSize = options.batchSize ?? 5_000;
  const departements = options.departements?.length ? new Set(options.departements) : null;
  const sirens = departements ? new Set<string>() : null;
  const writer = <T extends object>(schema: Parameters<typeof upsertRows<T>>[1]) => async (rows: T[]) => {
    const em = options.orm.em.fork() as SqlEntityManager;
    await em.transactional((tx) => upsertRows(tx, schema, rows));
  };
  const result: ImportSireneStockResult = { etablissements: null, unitesLegales: null };

  if (options.etablissements) {
    const counts = await streamInBatches<SireneEtablissementRecord>(
      options.etablissements,
      (raw) => {
        const row = etablissementFromStockRow(raw);
        if (!row) return null;
        if (departements && !departements.has(departementOfCommune(row.codeCommune) ?? '')) return null;
        sirens?.add(row.siren);
        return row;
      },
      batchSize,
      writer(SireneEtablissementEntity),
      (read, kept) => options.onProgress?.({ file: 'etablissements', read, kept }),
    );
    result.etablissements = { file: 'etablissements', ...counts };
  }
  if (options.unitesLegales) {
    const counts = await streamInBatches<SireneUniteLegaleRecord>(
      options.unitesLegales,
      (raw) => {
        const row = uniteLegaleFromStockRow(raw);
        if (!row) return null;
        return sirens && !sirens.has(row.siren) ? null : row;
      },
      batchSize,
      writer(SireneUniteLegaleEntity),
      (read, kept) => options.onProgress?.({ file: 'unitesLegales', read, kept }),
    );
    result.unitesLegales = { file: 'unitesLegales', ...counts };
  }
  return result;
}
