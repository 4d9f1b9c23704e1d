import type { ContractKind, DecpFormat } from '@observatoire/contracts';

/** Where the bytes of one DECP file come from: a file, a URL, an upload. Opened lazily, read once. */
export interface FileInput {
  readonly name: string;
  readonly open: () => NodeJS.ReadableStream;
}

/** Stable codes for problems found while reading a file (before normalisation). */
export const READ_PROBLEM_CODES = [
  'UNKNOWN_FORMAT', // nothing in the first bytes says DECP JSON / XML / decp.info CSV
  'SYNTAX_ERROR', // the file structure is broken at a byte / line position
  'TRUNCATED', // the file ends inside a record or an open container
  'IO_ERROR', // the byte stream failed (network, gunzip, …)
  'UNPARSEABLE_RECORD', // one record is broken but the stream goes on (CSV row, JSON item, XML element)
] as const;
export type ReadProblemCode = (typeof READ_PROBLEM_CODES)[number];

/** A problem met while reading. `level: 'file'` stops trusting the rest of the file; `'record'` only the record. */
export interface ReadProblem {
  readonly level: 'file' | 'record';
  readonly code: ReadProblemCode;
  readonly message: string;
  /** 0-based byte offset in the (decompressed) content, when known. */
  readonly byteOffset: number | null;
  /** 1-based line, when known. */
  readonly line: number | null;
}

/**
 * One record as read from a file, before normalisation. Readers never throw on bad content:
 * a broken record or a broken file arrives as a RawRecord carrying a `problem`, so that every
 * record (and every file) is accounted for downstream.
 */
export interface RawRecord {
  readonly file: string;
  /** 1-based record index in the file; for CSV the data row number. */
  readonly position: number;
  readonly format: DecpFormat | null;
  readonly schemaVersion: string | null;
  readonly kind: ContractKind | null;
  /** Plain JS value (object for a sound record), null when unparseable. */
  readonly value: unknown;
  /** The record text as read, truncated to 8 KiB, for quarantine. */
  readonly rawText: string;
  readonly problem: ReadProblem | null;
}

export const RAW_TEXT_LIMIT = 8 * 1024;

export function truncateRaw(text: string): string {
  return text.length > RAW_TEXT_LIMIT ? text.slice(0, RAW_TEXT_LIMIT) : text;
}

/** The file-level error type: what the application layer records for a file that could not be (fully) read. */
export class DecpFileError extends Error {
  override readonly name = 'DecpFileError';
  constructor(
    readonly code: ReadProblemCode,
    readonly file: string,
    message: string,
    readonly byteOffset: number | null = null,
    readonly line: number | null = null,
  ) {
    super(message);
  }
}

export function isFileError(raw: RawRecord): boolean {
  return raw.problem?.level === 'file';
}

/** Turns a file-level problem record into the error type (for callers that want to throw or log it). */
export function toFileError(raw: RawRecord): DecpFileError | null {
  if (!raw.problem || raw.problem.level !== 'file') return null;
  return new DecpFileError(raw.problem.code, raw.file, raw.problem.message, raw.problem.byteOffset, raw.problem.line);
}

export function fileProblemRecord(
  file: string,
  position: number,
  format: DecpFormat | null,
  code: ReadProblemCode,
  message: string,
  where: { byteOffset?: number | null; line?: number | null; rawText?: string } = {},
): RawRecord {
  const at = describePosition(where.byteOffset ?? null, where.line ?? null);
  return {
    file,
    position,
    format,
    schemaVersion: null,
    kind: null,
    value: null,
    rawText: truncateRaw(where.rawText ?? ''),
    problem: {
      level: 'file',
      code,
      message: `${file}: ${message}${at}`,
      byteOffset: where.byteOffset ?? null,
      line: where.line ?? null,
    },
  };
}

export function describePosition(byteOffset: number | null, line: number | null): string {
  const parts: string[] = [];
  if (line !== null) parts.push(`line ${line}`);
  if (byteOffset !== null) parts.push(`byte ${byteOffset}`);
  return parts.length ? ` (at ${parts.join(', ')})` : '';
}
