import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Cell, CellKind, Table } from '../../application/export-indicators/indicator-table';

/**
 * CSV the way French spreadsheet users open it with a double click: UTF-8 with a byte-order mark (without it,
 * Excel reads the file as Windows-1252 and breaks every accent), `;` as separator (the comma is the decimal
 * separator in French), decimal comma in numbers, no thousands separator, CRLF line ends, "oui"/"non" booleans.
 * Shares are written as percentages (59,9 for 0.599). Fields holding `;`, quotes or line breaks are quoted
 * (RFC 4180 with `;`); a text starting with = + - @ gets a leading apostrophe so that no cell runs as a formula.
 */
export const CSV_BOM = '\uFEFF';
const SEPARATOR = ';';
const EOL = '\r\n';
const FLUSH_BYTES = 64 * 1024;

function number(n: number, maxDecimals: number): string {
  if (!Number.isFinite(n)) return '';
  const fixed = Number(n.toFixed(maxDecimals));
  return String(fixed).replace('.', ',');
}

export function csvCell(value: Cell, kind: CellKind): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (typeof value === 'number') {
    switch (kind) {
      case 'share':
        return number(value * 100, 4);
      case 'euro':
        return number(value, 2);
      case 'integer':
        return number(value, 0);
      default:
        return number(value, 6);
    }
  }
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Write the table row by row, waiting for `drain` when the destination is full (constant memory). */
export async function writeCsv(table: Table, out: Writable): Promise<void> {
  let buffer = CSV_BOM + table.columns.map((c) => csvCell(c.header, 'text')).join(SEPARATOR) + EOL;
  for (const row of table.rows) {
    buffer += row.map((v, i) => csvCell(v, table.columns[i].kind)).join(SEPARATOR) + EOL;
    if (buffer.length >= FLUSH_BYTES) {
      const ok = out.write(buffer);
      buffer = '';
      if (!ok) await once(out, 'drain');
    }
  }
  if (buffer) out.write(buffer);
}
