import { Readable, Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { mapRow, type TabularMapping } from '../mappings/tabular-mapping';
import { describePosition, fileProblemRecord, truncateRaw, type RawRecord } from '../raw-record';

interface CsvRow {
  readonly record: string[];
  readonly raw: string | undefined;
  readonly info: { readonly lines: number };
}

/**
 * Streams a tabular export through its declarative mapping: one RawRecord per data row (format
 * `tabular-mapped`, schemaVersion = the mapping id), value = the row mapped to the DECP 2019 JSON shape.
 * A row with the wrong number of cells is an unparseable record naming the row; a quote error that derails
 * the parser is a file-level SYNTAX_ERROR with its line.
 */
export async function* readTabularRecords(chunks: AsyncIterable<Buffer>, ctx: { readonly file: string; readonly mapping: TabularMapping }): AsyncGenerator<RawRecord> {
  const decoder = new StringDecoder(ctx.mapping.encoding);
  const decode = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, decoder.write(chunk));
    },
    flush(cb) {
      cb(null, decoder.end());
    },
  });
  const parser = Readable.from(chunks).pipe(decode).pipe(
    parse({ delimiter: ctx.mapping.delimiter, bom: true, relax_column_count: true, relax_quotes: true, raw: true, info: true, skip_empty_lines: true }),
  );
  let header: string[] | null = null;
  let position = 0;
  const base = () => ({ file: ctx.file, position, format: 'tabular-mapped' as const, schemaVersion: ctx.mapping.id, kind: 'marche' as const });
  try {
    for await (const row of parser as AsyncIterable<CsvRow>) {
      if (!header) {
        header = row.record.map((h) => h.replace(/^\uFEFF/, '').trim());
        continue;
      }
      position++;
      const rawText = truncateRaw((row.raw ?? row.record.join(ctx.mapping.delimiter)).replace(/\r?\n$/, ''));
      if (row.record.length !== header.length) {
        yield {
          ...base(),
          rawText,
          value: null,
          problem: { level: 'record', code: 'UNPARSEABLE_RECORD', message: `CSV row ${position} has ${row.record.length} cells, the header has ${header.length}${describePosition(null, row.info.lines)}`, byteOffset: null, line: row.info.lines },
        };
        continue;
      }
      const cells: Record<string, string> = {};
      header.forEach((column, i) => {
        cells[column] = row.record[i];
      });
      yield { ...base(), rawText, value: mapRow(ctx.mapping, cells), problem: null };
    }
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : null;
    yield fileProblemRecord(ctx.file, position + 1, 'tabular-mapped', 'SYNTAX_ERROR', `CSV syntax error: ${(error as Error).message}`, { line });
  }
}
