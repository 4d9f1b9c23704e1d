import type { ContractKind, DecpFormat } from '@observatoire/contracts';
import { describePosition, fileProblemRecord, truncateRaw, type RawRecord } from '../raw-record';
import { JsonItemScanner, type ScanEvent } from './json-item-scanner';
import { parseJsonLenient } from './json-repair';
import { kindOfRecord } from './record-kind';

export interface ReaderContext {
  readonly file: string;
  readonly format: DecpFormat;
  readonly schemaVersion: string | null;
}

function kindFromArrayPath(arrayPath: string, value: unknown): ContractKind | null {
  if (arrayPath === 'marches.marche') return 'marche';
  if (arrayPath === 'marches.contrat-concession') return 'concession';
  return kindOfRecord(value);
}

/** Streams the records of a DECP JSON file (2019 or 2022) — one RawRecord per array item. */
export async function* readJsonRecords(chunks: AsyncIterable<Buffer>, ctx: ReaderContext): AsyncGenerator<RawRecord> {
  const scanner = new JsonItemScanner();
  let position = 0;
  const toRecords = function* (events: ScanEvent[]): Generator<RawRecord> {
    for (const event of events) {
      if (event.type === 'error') {
        const rawText = event.partial ? event.partial.toString('utf8') : '';
        yield fileProblemRecord(ctx.file, position + 1, ctx.format, event.code, event.message, { ...event, rawText });
        continue;
      }
      position++;
      yield itemRecord(event.bytes.toString('utf8'), position, event.arrayPath, event.byteOffset, event.line, ctx);
    }
  };
  try {
    for await (const chunk of chunks) yield* toRecords(scanner.feed(chunk));
  } catch (error) {
    yield fileProblemRecord(ctx.file, position + 1, ctx.format, 'IO_ERROR', `reading failed: ${(error as Error).message}`);
    return;
  }
  yield* toRecords(scanner.end());
}

function itemRecord(text: string, position: number, arrayPath: string, byteOffset: number, line: number, ctx: ReaderContext): RawRecord {
  const parsed = parseJsonLenient(text);
  const base = { file: ctx.file, position, format: ctx.format, schemaVersion: ctx.schemaVersion, rawText: truncateRaw(text) };
  if (!parsed.ok) {
    return {
      ...base,
      kind: kindFromArrayPath(arrayPath, null),
      value: null,
      problem: {
        level: 'record',
        code: 'UNPARSEABLE_RECORD',
        message: `record ${position} is not valid JSON: ${parsed.error}${describePosition(byteOffset, line)}`,
        byteOffset,
        line,
      },
    };
  }
  return { ...base, kind: kindFromArrayPath(arrayPath, parsed.value), value: parsed.value, problem: null };
}
