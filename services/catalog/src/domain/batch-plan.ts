import type { ContractPublishedV1 } from '@observatoire/contracts';

export type SkipReason = 'ALREADY_PROCESSED' | 'DUPLICATE_IN_BATCH' | 'STALE_REVISION';

export interface BatchPlan {
  /** At most one event per uid: the newest revision, newer than the stored one. */
  toApply: ContractPublishedV1[];
  skipped: { eventId: string; uid: string; reason: SkipReason }[];
  /** Event ids to record as processed (everything not already recorded, applied or stale). */
  toRecord: string[];
}

/**
 * Idempotency rule (pure): an event is skipped when its id was already processed by this consumer,
 * or when its aggregateVersion is ≤ the stored contract's version (or ≤ a newer revision of the same
 * uid in the same batch). An older revision never overwrites a newer one.
 */
export function planBatch(
  events: readonly ContractPublishedV1[],
  processed: ReadonlySet<string>,
  storedVersions: ReadonlyMap<string, number>,
): BatchPlan {
  const skipped: BatchPlan['skipped'] = [];
  const toRecord: string[] = [];
  const seenIds = new Set<string>();
  const newest = new Map<string, ContractPublishedV1>();
  for (const e of events) {
    const uid = e.data.contract.uid;
    if (processed.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, uid, reason: 'ALREADY_PROCESSED' });
      continue;
    }
    if (seenIds.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, uid, reason: 'DUPLICATE_IN_BATCH' });
      continue;
    }
    seenIds.add(e.eventId);
    toRecord.push(e.eventId);
    const stored = storedVersions.get(uid);
    if (stored !== undefined && e.aggregateVersion <= stored) {
      skipped.push({ eventId: e.eventId, uid, reason: 'STALE_REVISION' });
      continue;
    }
    const current = newest.get(uid);
    if (current && current.aggregateVersion >= e.aggregateVersion) {
      skipped.push({ eventId: e.eventId, uid, reason: 'STALE_REVISION' });
      continue;
    }
    if (current) skipped.push({ eventId: current.eventId, uid, reason: 'STALE_REVISION' });
    newest.set(uid, e);
  }
  return { toApply: [...newest.values()], skipped, toRecord };
}
