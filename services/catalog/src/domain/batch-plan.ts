import type { ContractPublishedV1 } from '@observatoire/contracts';
import { planEventBatch, type SkipReason } from '@observatoire/platform';

export type { SkipReason };

export interface BatchPlan {
  /** At most one event per uid: the newest revision, newer than the stored one. */
  toApply: ContractPublishedV1[];
  skipped: { eventId: string; uid: string; reason: SkipReason }[];
  /** Event ids to record as processed (everything not already recorded, applied or stale). */
  toRecord: string[];
}

/**
 * The shared idempotency rule (`planEventBatch`, libs/platform) applied to ContractPublished, whose
 * aggregateId is the contract uid.
 */
export function planBatch(events: readonly ContractPublishedV1[], processed: ReadonlySet<string>, storedVersions: ReadonlyMap<string, number>): BatchPlan {
  const plan = planEventBatch(events, processed, storedVersions);
  return { toApply: plan.toApply, toRecord: plan.toRecord, skipped: plan.skipped.map((s) => ({ eventId: s.eventId, uid: s.aggregateId, reason: s.reason })) };
}
