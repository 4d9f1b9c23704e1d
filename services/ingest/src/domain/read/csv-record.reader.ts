import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { describePosition, fileProblemRecord, truncateRaw, type RawRecord } from '../raw-record';
import type { CsvDelimiter } from '../detect/format-detector';
import type { ReaderContext } from './json-record.reader';

interface CsvRow {
  readonly record: string[];
  readonly raw: string | undefined;
  readonly info: { readonly lines: number };
}

/**
 * Streams a decp.info consolidated CSV: one RawRecord per data row (position = data row number),
 * value = { column: cell } with cells as strings. A row with the wrong number of cells is emitted
 * as an unparseable record; a broken quote that derails the rest of the file is a file-level error.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Buffer>,
  ctx: ReaderContext & { readonly delimiter: CsvDelimiter },
): AsyncGenerator<RawRecord> {
  const parser = Readable.from(chunks).pipe(
    parse({ delimiter: ctx.delimiter, bom: true, relax_column_count: true, relax_quotes: true, raw: true, info: true, skip_empty_lines: true }),
  );
  let header: string[] | null = null;
  let position = 0;
  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      if (!header) {
        header = row.record.map((h) => h.trim());
        continue;
      }
      position++;
      yield rowRecord(row, header, position, ctx);
    }
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? ((error as { lines: number }).lines) : null;
    yield fileProblemRecord(ctx.file, position + 1, ctx.format, 'SYNTAX_ERROR', `CSV syntax error: ${(error as Error).message}`, { line });
  }
}

function rowRecord(row: CsvRow, header: string[], position: number, ctx: ReaderContext): RawRecord {
  const rawText = truncateRaw((row.raw ?? row.record.join(ctx.format === 'decp-info-csv' ? ',' : ';')).replace(/\r?\n$/, ''));
  const base = { file: ctx.file, position, format: ctx.format, schemaVersion: ctx.schemaVersion, kind: 'marche' as const, rawText };
  if (row.record.length !== header.length) {
    return {
      ...base,
      value: null,
      problem: {
        level: 'record',
        code: 'UNPARSEABLE_RECORD',
        message: `CSV row ${position} has ${row.record.length} cells, the header has ${header.length}${describePosition(null, row.info.lines)}`,
        byteOffset: null,
        line: row.info.lines,
      },
    };
  }
  const value: Record<string, string> = {};
  header.forEach((column, i) => {
    value[column] = row.record[i];
  });
  return { ...base, value, problem: null };
}
