import { z } from 'zod';
import { DECP_FORMATS } from '../contract.model';
import { envelopeSchema } from '../envelope';
import { QuarantineReasonSchema } from '../quality';

/** A record that could not become a contract: kept with its reasons, never lost. aggregateId = file#position. */
export const RECORD_QUARANTINED = 'RecordQuarantined' as const;
export const RecordQuarantinedDataV1 = z.object({
  source: z.string(),
  file: z.string(),
  position: z.number().int().positive(),
  format: z.enum(DECP_FORMATS).nullable(),
  recordId: z.string().nullable(),
  acheteurId: z.string().nullable(),
  reasons: z.array(QuarantineReasonSchema).min(1),
  /** The raw record, truncated to 8 KiB, for the data-quality view. */
  raw: z.string(),
});
export const RecordQuarantinedV1 = envelopeSchema(RECORD_QUARANTINED, 1, RecordQuarantinedDataV1);
export type RecordQuarantinedV1 = z.infer<typeof RecordQuarantinedV1>;
