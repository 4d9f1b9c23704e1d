import { z } from 'zod';
import { envelopeSchema } from '../envelope';

export const FileSummarySchema = z.object({
  file: z.string(),
  source: z.string(),
  format: z.string().nullable(),
  records: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  flagged: z.number().int().nonnegative(),
  quarantined: z.number().int().nonnegative(),
  /** Records that brought nothing new (same contract already known, from this or another source). */
  duplicates: z.number().int().nonnegative(),
  errors: z.array(z.string()),
});
export type FileSummary = z.infer<typeof FileSummarySchema>;

/** One ingestion run (CLI, upload or feed pull) finished. aggregateId = runId. Feeds freshness and quality views. */
export const INGEST_RUN_COMPLETED = 'IngestRunCompleted' as const;
export const IngestRunCompletedDataV1 = z.object({
  runId: z.string(),
  trigger: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  files: z.array(FileSummarySchema),
  /** Contracts published by the run: publication happens once per run, after every file is folded. */
  published: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
});
export const IngestRunCompletedV1 = envelopeSchema(INGEST_RUN_COMPLETED, 1, IngestRunCompletedDataV1);
export type IngestRunCompletedV1 = z.infer<typeof IngestRunCompletedV1>;
