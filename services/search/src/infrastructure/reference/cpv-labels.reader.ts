import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { cpvKey, type CpvLabels } from '../../domain/cpv-label';

/** services/search/reference/cpv_2008_fr.csv (see reference/PROVENANCE.md). */
export const DEFAULT_CPV_LABELS_FILE = resolve(__dirname, '../../../reference/cpv_2008_fr.csv');

/**
 * Reads the CPV 2008 French list (`CODE;FR`, UTF-8, `;`-separated, quoted labels may hold `;`).
 * Fails loudly on a file that does not look like it: a silent empty map would index every
 * contract without its label.
 */
export function readCpvLabels(file: string = DEFAULT_CPV_LABELS_FILE): CpvLabels {
  const rows = parse(readFileSync(file, 'utf8'), { delimiter: ';', columns: true, skip_empty_lines: true, bom: true, trim: true }) as Record<string, string>[];
  const labels = new Map<string, string>();
  for (const row of rows) {
    const key = cpvKey(row.CODE);
    if (key && row.FR) labels.set(key, row.FR);
  }
  if (labels.size === 0) throw new Error(`no CPV label in ${file}: expected a header "CODE;FR" and rows like "45233140-2;Travaux routiers"`);
  return labels;
}
