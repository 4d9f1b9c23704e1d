import { z } from 'zod';
import { ContractSchema } from '../contract.model';
import { envelopeSchema } from '../envelope';

/**
 * ContractPublished v1 — the current state of one contract with all its versions.
 * Emitted by ingest once per real change of a uid (content hash). `aggregateVersion`
 * is the revision of that uid in the ingest ledger (1, 2, ...).
 * FROZEN: add optional fields only; a breaking change is a v2 beside this file plus an upcaster.
 */
export const CONTRACT_PUBLISHED = 'ContractPublished' as const;
export const ContractPublishedDataV1 = z.object({
  contract: ContractSchema,
  contentHash: z.string(),
  /** True when this revision replaces an earlier one (a modification, another source, a repair). */
  supersedes: z.number().int().nonnegative().nullable(),
});
export const ContractPublishedV1 = envelopeSchema(CONTRACT_PUBLISHED, 1, ContractPublishedDataV1);
export type ContractPublishedV1 = z.infer<typeof ContractPublishedV1>;
