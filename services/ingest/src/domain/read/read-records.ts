import { detectFormat, SNIFF_BYTES } from '../detect/format-detector';
import { fileProblemRecord, type FileInput, type RawRecord } from '../raw-record';
import { openDecompressed } from './byte-source';
import { readCsvRecords } from './csv-record.reader';
import { readJsonRecords } from './json-record.reader';
import { readXmlRecords } from './xml-record.reader';
import { matchMapping } from '../mappings/tabular-mapping';
import { readTabularRecords } from './tabular-record.reader';

/**
 * Detects the shape of a file from its content and streams its records. Never throws on content:
 * an unknown format, a syntax error or a truncated file arrive as a RawRecord whose
 * `problem.level === 'file'` (after the records already read).
 */
export async function* readRecords(input: FileInput): AsyncGenerator<RawRecord> {
  let bytes;
  try {
    bytes = await openDecompressed(input.open, SNIFF_BYTES);
  } catch (error) {
    yield fileProblemRecord(input.name, 1, null, 'IO_ERROR', `cannot open or decompress: ${(error as Error).message}`);
    return;
  }
  // A tabular export with a mapping kept in the repository (its header has the mapping's signature).
  const mapping = matchMapping(bytes.head);
  if (mapping) {
    yield* readTabularRecords(bytes.chunks, { file: input.name, mapping });
    return;
  }
  const detection = detectFormat(bytes.head, input.name);
  if (!detection.ok) {
    yield fileProblemRecord(input.name, 1, null, 'UNKNOWN_FORMAT', detection.message.replace(`${input.name}: `, ''), { rawText: bytes.head.subarray(0, 512).toString('utf8') });
    return;
  }
  const ctx = { file: input.name, format: detection.format, schemaVersion: detection.schemaVersion };
  switch (detection.format) {
    case 'decp-2019-json':
    case 'decp-2022-json':
      yield* readJsonRecords(bytes.chunks, ctx);
      return;
    case 'decp-2019-xml':
    case 'decp-2022-xml':
      yield* readXmlRecords(bytes.chunks, ctx);
      return;
    case 'decp-info-csv':
      yield* readCsvRecords(bytes.chunks, { ...ctx, delimiter: detection.csvDelimiter ?? ',' });
      return;
  }
}
