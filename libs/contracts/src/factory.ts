import { deterministicUuid } from './envelope';
import type { EventOfType, EventType } from './registry';
import { CURRENT_VERSION } from './registry';

export interface EventMeta {
  source: string;
  aggregateId: string;
  aggregateVersion: number;
  correlationId: string;
  causationId?: string | null;
  occurredAt?: string;
  /** Parts that make the event id deterministic (same parts, same id). Defaults to type+aggregate+version. */
  idParts?: string[];
}

/** Build an envelope with a deterministic event id: re-emitting the same fact yields the same id. */
export function createEvent<T extends EventType>(type: T, data: EventOfType<T>['data'], meta: EventMeta): EventOfType<T> {
  const idParts = meta.idParts ?? [meta.aggregateId, String(meta.aggregateVersion)];
  return {
    eventId: deterministicUuid(type, ...idParts),
    type,
    version: CURRENT_VERSION[type],
    source: meta.source,
    occurredAt: meta.occurredAt ?? new Date().toISOString(),
    aggregateId: meta.aggregateId,
    aggregateVersion: meta.aggregateVersion,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    data,
  } as unknown as EventOfType<T>;
}
