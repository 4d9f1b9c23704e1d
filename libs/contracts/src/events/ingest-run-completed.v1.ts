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
  duplicates: z.number().int().nonnegative(),
  published: z.number().int().nonnegative(),
  error: z.string().nullable(),
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
});
export const IngestRunCompletedV1 = envelopeSchema(INGEST_RUN_COMPLETED, 1, IngestRunCompletedDataV1);
export type IngestRunCompletedV1 = z.infer<typeof IngestRunCompletedV1>;
