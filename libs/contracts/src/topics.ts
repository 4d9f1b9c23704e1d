/**
 * Kafka topics. Keys: contracts by uid, organisations by identifier (SIRET/SIREN),
 * quarantine by file + position, ingest runs by run id, the buyer registry by SIRET (compacted: the
 * latest BuyerRegistered per buyer is the registry).
 * Dead-letter topics: `<topic>.dlq.<consumer group>`.
 */
export const TOPICS = {
  contracts: 'observatoire.contracts.v1',
  organisations: 'observatoire.organisations.v1',
  quarantine: 'observatoire.quarantine.v1',
  ingestRuns: 'observatoire.ingest-runs.v1',
  buyerRegistry: 'observatoire.buyer-registry.v1',
} as const;
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export function deadLetterTopic(topic: string, group: string): string {
  return `${topic}.dlq.${group}`;
}

/** Consumer groups, one per service (and per projection when they must be replayed apart). */
export const CONSUMER_GROUPS = {
  catalog: 'observatoire-catalog',
  search: 'observatoire-search',
  analytics: 'observatoire-analytics',
} as const;

/** Header names carried by every Kafka message next to the envelope. */
export const HEADERS = {
  eventId: 'ce-id',
  type: 'ce-type',
  version: 'ce-specversion-observatoire',
  source: 'ce-source',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  dlqReason: 'x-dlq-reason',
  dlqOriginalTopic: 'x-dlq-original-topic',
  dlqOriginalOffset: 'x-dlq-original-offset',
  dlqAttempts: 'x-dlq-attempts',
  dlqErrorCode: 'x-dlq-error-code',
  dlqErrorStack: 'x-dlq-error-stack',
} as const;
