import { StringDecoder } from 'node:string_decoder';
import type { ContractKind } from '@observatoire/contracts';
import { SaxesParser } from 'saxes';
import { describePosition, fileProblemRecord, truncateRaw, RAW_TEXT_LIMIT, type RawRecord } from '../raw-record';
import type { ReaderContext } from './json-record.reader';
import { xmlRecordToJson, type XmlNode, type XmlVersion } from './xml-to-json';

const RECORD_ELEMENTS: Readonly<Record<string, ContractKind>> = { marche: 'marche', 'contrat-concession': 'concession' };
/** XML 1.0 forbids these characters; real files carry them (decp-processing strips them the same way). */
const XML_INVALID_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const MAX_FILE_ERRORS = 20;

/** Drops the BOM, leading blanks and the XML declaration — even a broken one (`<?xml … >`, not at the start). */
export function stripXmlProlog(text: string): string {
  const trimmed = text.replace(/^[\uFEFF\s]+/, '');
  if (!trimmed.startsWith('<?xml')) return trimmed;
  const end = trimmed.indexOf('>');
  return end < 0 ? '' : trimmed.slice(end + 1);
}

interface OpenRecord {
  readonly kind: ContractKind;
  readonly startChar: number;
  readonly line: number;
  readonly stack: XmlNode[];
  rawParts: string[];
  rawLength: number;
  broken: string | null;
}

/** Streams `<marche>` / `<contrat-concession>` elements (root or under `<marches>`) as small objects. */
export async function* readXmlRecords(chunks: AsyncIterable<Buffer>, ctx: ReaderContext): AsyncGenerator<RawRecord> {
  const version: XmlVersion = ctx.format === 'decp-2019-xml' ? '2019' : '2022';
  const parser = new SaxesParser({ position: true });
  const decoder = new StringDecoder('utf8');
  const out: RawRecord[] = [];
  let position = 0;
  let depth = 0;
  let record: OpenRecord | null = null;
  let chunkText = '';
  let chunkStart = 0;
  let fileErrors = 0;
  let first = true;

  const textSince = (from: number, to: number): string => {
    const r = record as OpenRecord;
    const local = chunkText.slice(Math.max(0, from - chunkStart), Math.max(0, to - chunkStart));
    return from >= chunkStart ? local : r.rawParts.join('') + local;
  };

  const emit = (r: OpenRecord, raw: string): void => {
    position++;
    const rawText = truncateRaw(raw);
    if (r.broken) {
      out.push({
        file: ctx.file, position, format: ctx.format, schemaVersion: ctx.schemaVersion, kind: r.kind, value: null, rawText,
        problem: { level: 'record', code: 'UNPARSEABLE_RECORD', message: `record ${position} (<${r.stack[0].name}>) is not well-formed XML: ${r.broken}${describePosition(null, r.line)}`, byteOffset: null, line: r.line },
      });
      return;
    }
    const value = xmlRecordToJson(r.stack[0], version);
    out.push({ file: ctx.file, position, format: ctx.format, schemaVersion: ctx.schemaVersion, kind: r.kind, value, rawText, problem: null });
  };

  parser.on('opentagstart', (tag) => {
    depth++;
    if (!record && depth <= 2 && tag.name in RECORD_ELEMENTS) {
      const startChar = parser.position - tag.name.length - 1;
      record = { kind: RECORD_ELEMENTS[tag.name], startChar, line: parser.line, stack: [], rawParts: [], rawLength: 0, broken: null };
    }
  });
  parser.on('opentag', (tag) => {
    if (!record) return;
    const node: XmlNode = { name: tag.name, children: [], text: '' };
    const parent = record.stack[record.stack.length - 1];
    if (parent) parent.children.push(node);
    record.stack.push(node);
  });
  parser.on('text', (text) => {
    if (!record) return;
    const top = record.stack[record.stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('cdata', (text) => {
    if (!record) return;
    const top = record.stack[record.stack.length - 1];
    if (top) top.text += text;
  });
  parser.on('closetag', (tag) => {
    depth--;
    if (!record) return;
    const r: OpenRecord = record;
    const idx = r.stack.map((n) => n.name).lastIndexOf(tag.name);
    const closed = idx >= 0 ? r.stack.splice(idx) : [];
    for (const node of closed) {
      if (node.children.length > 0 && node.text.trim() !== '' && !r.broken) {
        r.broken = `element <${node.name}> mixes text ${JSON.stringify(node.text.trim().slice(0, 40))} with child elements`;
      }
    }
    if (idx === 0) {
      r.stack.push(closed[0]);
      emit(r, textSince(r.startChar, parser.position));
      record = null;
    }
  });
  parser.on('error', (err) => {
    if (record) {
      record.broken ??= err.message;
      return;
    }
    fileErrors++;
    if (fileErrors <= MAX_FILE_ERRORS) {
      out.push(fileProblemRecord(ctx.file, position + 1, ctx.format, 'SYNTAX_ERROR', `XML syntax error: ${err.message}`, { line: parser.line }));
    }
  });

  const write = (text: string): void => {
    chunkText = text.replace(XML_INVALID_CHARS, '');
    if (first) {
      chunkText = stripXmlProlog(chunkText);
      first = false;
    }
    parser.write(chunkText);
    if (record) {
      const r: OpenRecord = record;
      const tail = chunkText.slice(Math.max(0, r.startChar - chunkStart));
      if (r.rawLength < RAW_TEXT_LIMIT) {
        r.rawParts.push(tail);
        r.rawLength += tail.length;
      }
    }
    chunkStart += chunkText.length;
  };

  try {
    for await (const chunk of chunks) {
      write(decoder.write(chunk));
      yield* out.splice(0);
    }
    write(decoder.end());
    parser.close();
  } catch (error) {
    out.push(fileProblemRecord(ctx.file, position + 1, ctx.format, 'IO_ERROR', `reading failed: ${(error as Error).message}`, { line: parser.line }));
  }
  if (record) {
    const r: OpenRecord = record;
    out.push(fileProblemRecord(ctx.file, position + 1, ctx.format, 'TRUNCATED', `unexpected end of file inside <${r.stack[0]?.name ?? 'record'}>`, { line: parser.line, rawText: r.rawParts.join('') }));
  }
  yield* out.splice(0);
}
