import type { ContractPublishedV1 } from '@observatoire/contracts';

export type ContractSkipReason = 'ALREADY_PROCESSED' | 'DUPLICATE_IN_BATCH' | 'STALE_REVISION';

export interface ContractBatchPlan {
  /** At most one event per uid: its newest revision, newer than the stored one. */
  toApply: ContractPublishedV1[];
  skipped: { eventId: string; uid: string; reason: ContractSkipReason }[];
  /** Event ids to record as processed: every event seen for the first time, applied or stale. */
  toRecord: string[];
}

/**
 * Idempotency of the contracts projection (pure): an event is skipped when this consumer already processed its id,
 * or when its aggregateVersion is ≤ the stored version of the uid (or ≤ a newer revision of the uid in the
 * same batch). So a redelivery changes nothing and an older revision never overwrites a newer one.
 */
export function planContractBatch(
  events: readonly ContractPublishedV1[],
  processed: ReadonlySet<string>,
  storedVersions: ReadonlyMap<string, number>,
): ContractBatchPlan {
  const skipped: ContractBatchPlan['skipped'] = [];
  const toRecord: string[] = [];
  const seen = new Set<string>();
  const newest = new Map<string, ContractPublishedV1>();
  for (const e of events) {
    const uid = e.data.contract.uid;
    if (processed.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, uid, reason: 'ALREADY_PROCESSED' });
      continue;
    }
    if (seen.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, uid, reason: 'DUPLICATE_IN_BATCH' });
      continue;
    }
    seen.add(e.eventId);
    toRecord.push(e.eventId);
    const stored = storedVersions.get(uid);
    const current = newest.get(uid);
    if ((stored !== undefined && e.aggregateVersion <= stored) || (current && current.aggregateVersion >= e.aggregateVersion)) {
      skipped.push({ eventId: e.eventId, uid, reason: 'STALE_REVISION' });
      continue;
    }
    if (current) skipped.push({ eventId: current.eventId, uid, reason: 'STALE_REVISION' });
    newest.set(uid, e);
  }
  return { toApply: [...newest.values()], skipped, toRecord };
}
