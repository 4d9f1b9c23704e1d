/** What the idempotency rule needs of an event: its id and its aggregate's id and version. */
export interface VersionedEvent {
  eventId: string;
  aggregateId: string;
  aggregateVersion: number;
}

export type SkipReason = 'ALREADY_PROCESSED' | 'DUPLICATE_IN_BATCH' | 'STALE_REVISION';

export interface EventBatchPlan<E extends VersionedEvent> {
  /** At most one event per aggregate: its newest version, newer than the stored one. */
  toApply: E[];
  skipped: { eventId: string; aggregateId: string; reason: SkipReason }[];
  /** Event ids to record as processed (in the same transaction as the effect): every event seen for the first time, applied or stale. */
  toRecord: string[];
}

/**
 * The consumers' idempotency rule (pure, shared by every projection): an event is skipped when this
 * consumer already processed its id, or when its aggregateVersion is ≤ the stored version of its
 * aggregate (or ≤ a newer version of the same aggregate in the same batch). A redelivery changes
 * nothing, and an older revision never overwrites a newer one.
 */
export function planEventBatch<E extends VersionedEvent>(
  events: readonly E[],
  processed: ReadonlySet<string>,
  storedVersions: ReadonlyMap<string, number>,
): EventBatchPlan<E> {
  const skipped: EventBatchPlan<E>['skipped'] = [];
  const toRecord: string[] = [];
  const seen = new Set<string>();
  const newest = new Map<string, E>();
  for (const e of events) {
    const id = e.aggregateId;
    if (processed.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, aggregateId: id, reason: 'ALREADY_PROCESSED' });
      continue;
    }
    if (seen.has(e.eventId)) {
      skipped.push({ eventId: e.eventId, aggregateId: id, reason: 'DUPLICATE_IN_BATCH' });
      continue;
    }
    seen.add(e.eventId);
    toRecord.push(e.eventId);
    const stored = storedVersions.get(id);
    const current = newest.get(id);
    if ((stored !== undefined && e.aggregateVersion <= stored) || (current && current.aggregateVersion >= e.aggregateVersion)) {
      skipped.push({ eventId: e.eventId, aggregateId: id, reason: 'STALE_REVISION' });
      continue;
    }
    if (current) skipped.push({ eventId: current.eventId, aggregateId: id, reason: 'STALE_REVISION' });
    newest.set(id, e);
  }
  return { toApply: [...newest.values()], skipped, toRecord };
}
