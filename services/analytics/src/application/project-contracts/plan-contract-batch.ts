import type { ContractPublishedV1 } from '@observatoire/contracts';
import { planEventBatch, type SkipReason } from '@observatoire/platform';

export type ContractSkipReason = SkipReason;

export interface ContractBatchPlan {
  /** At most one event per uid: its newest revision, newer than the stored one. */
  toApply: ContractPublishedV1[];
  skipped: { eventId: string; uid: string; reason: ContractSkipReason }[];
  /** Event ids to record as processed: every event seen for the first time, applied or stale. */
  toRecord: string[];
}

/**
 * Idempotency of the contracts projection: the shared rule (`planEventBatch`, libs/platform) applied
 * to ContractPublished, whose aggregateId is the contract uid. A redelivery changes nothing and an
 * older revision never overwrites a newer one.
 */
export function planContractBatch(events: readonly ContractPublishedV1[], processed: ReadonlySet<string>, storedVersions: ReadonlyMap<string, number>): ContractBatchPlan {
  const plan = planEventBatch(events, processed, storedVersions);
  return { toApply: plan.toApply, toRecord: plan.toRecord, skipped: plan.skipped.map((s) => ({ eventId: s.eventId, uid: s.aggregateId, reason: s.reason })) };
}
