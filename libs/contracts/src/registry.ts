import { z } from 'zod';
import { BUYER_REGISTERED, BuyerRegisteredV1 } from './events/buyer-registered.v1';
import { CONTRACT_PUBLISHED, ContractPublishedV1 } from './events/contract-published.v1';
import { INGEST_RUN_COMPLETED, IngestRunCompletedV1 } from './events/ingest-run-completed.v1';
import { BUYER_RESOLVED, BuyerResolvedV1, SUPPLIER_RESOLVED, SupplierResolvedV1 } from './events/organisation-resolved.v1';
import { RECORD_QUARANTINED, RecordQuarantinedV1 } from './events/record-quarantined.v1';

/**
 * Every event the pipeline knows, at its current version. Consumers call `parseEvent` at the
 * boundary and `switch (event.type)` exhaustively. Older versions are upcast here before parsing,
 * so handlers only ever see the current version.
 */
export const ObservatoireEvent = z.discriminatedUnion('type', [
  ContractPublishedV1,
  SupplierResolvedV1,
  BuyerResolvedV1,
  RecordQuarantinedV1,
  IngestRunCompletedV1,
  BuyerRegisteredV1,
]);
export type ObservatoireEvent = z.infer<typeof ObservatoireEvent>;
export type EventType = ObservatoireEvent['type'];
export type EventOfType<T extends EventType> = Extract<ObservatoireEvent, { type: T }>;

export const EVENT_TYPES = [CONTRACT_PUBLISHED, SUPPLIER_RESOLVED, BUYER_RESOLVED, RECORD_QUARANTINED, INGEST_RUN_COMPLETED, BUYER_REGISTERED] as const;

/** Current version of each event type. */
export const CURRENT_VERSION: Record<EventType, number> = {
  ContractPublished: 1,
  SupplierResolved: 1,
  BuyerResolved: 1,
  RecordQuarantined: 1,
  IngestRunCompleted: 1,
  BuyerRegistered: 1,
};

type Upcaster = (raw: Record<string, unknown>) => Record<string, unknown>;
/** `UPCASTERS[type][fromVersion]` turns version n into n+1. None yet: every event is at v1. */
const UPCASTERS: Partial<Record<string, Record<number, Upcaster>>> = {};

export class EventContractError extends Error {
  constructor(
    readonly code: 'EVENT_NOT_OBJECT' | 'EVENT_UNKNOWN_TYPE' | 'EVENT_UNKNOWN_VERSION' | 'EVENT_INVALID',
    message: string,
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'EventContractError';
  }
}

export function upcast(raw: Record<string, unknown>): Record<string, unknown> {
  const type = String(raw.type);
  const target = CURRENT_VERSION[type as EventType];
  if (target === undefined) throw new EventContractError('EVENT_UNKNOWN_TYPE', `unknown event type "${type}"`);
  let current = raw;
  let version = Number(current.version);
  while (version < target) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new EventContractError('EVENT_UNKNOWN_VERSION', `no upcaster for ${type} v${version}`);
    current = step(current);
    version = Number(current.version);
  }
  if (version > target) throw new EventContractError('EVENT_UNKNOWN_VERSION', `${type} v${version} is newer than this service knows (v${target})`);
  return current;
}

/** Parse an event from its JSON text or object: upcast, validate, type. Throws EventContractError. */
export function parseEvent(input: string | Buffer | unknown): ObservatoireEvent {
  let raw: unknown = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      raw = JSON.parse(input.toString());
    } catch (e) {
      throw new EventContractError('EVENT_NOT_OBJECT', `event is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new EventContractError('EVENT_NOT_OBJECT', 'event is not a JSON object');
  const upcasted = upcast(raw as Record<string, unknown>);
  const result = ObservatoireEvent.safeParse(upcasted);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new EventContractError('EVENT_INVALID', `invalid ${String(upcasted.type)} event: ${issues.slice(0, 5).join('; ')}`, issues);
  }
  return result.data;
}
