import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell, CellKind, Table } from '../../application/export-indicators/indicator-table';

/** Cell formats: shares as percentages, euros with the € sign, weighted counts with up to 3 decimals. */
const NUM_FMT: Record<CellKind, string | undefined> = {
  text: undefined,
  integer: '0',
  decimal: '0.###',
  share: '0.0%',
  euro: '#,##0.00 "€"',
  boolean: undefined,
};

function xlsxCell(value: Cell): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  return value;
}

/**
 * XLSX through exceljs' streaming WorkbookWriter: each row is committed (serialised and released) as soon as
 * it is added, and the zip is piped to `out`; the workbook is never held whole in memory.
 */
export async function writeXlsx(table: Table, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Observatoire de la commande publique bretonne';
  const sheet = workbook.addWorksheet(table.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = table.columns.map((c, i) => ({
    key: `c${i}`,
    width: c.kind === 'text' ? 40 : 18,
    style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {},
  }));
  const header = sheet.addRow(table.columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  for (const row of table.rows) sheet.addRow(row.map(xlsxCell)).commit();
  sheet.commit();
  await workbook.commit();
}
