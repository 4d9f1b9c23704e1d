import type { FileSummary } from '@observatoire/contracts';

/** What `observatoire ingest --json` prints: the counts of a run add up (records = accepted + flagged + quarantined). */
export interface IngestSummary {
  runId: string;
  files: number;
  records: number;
  accepted: number;
  flagged: number;
  quarantined: number;
  /** Accepted or flagged records that brought nothing new (already known from this or another file/source). */
  duplicates: number;
  /** ContractPublished events emitted (one per contract that really changed). */
  published: number;
  /** Contracts touched by the run whose content did not change. */
  unchanged: number;
  errors: { file: string; code: string; message: string }[];
  perFile: FileSummary[];
  durationMs: number;
}

export function emptyFileSummary(file: string, source: string): FileSummary {
  return { file, source, format: null, records: 0, accepted: 0, flagged: 0, quarantined: 0, duplicates: 0, errors: [] };
}
