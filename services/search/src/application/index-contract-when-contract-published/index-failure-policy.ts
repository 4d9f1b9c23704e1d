import type { UpsertFailure } from '../../domain/search-index.port';

/**
 * Is a document the engine refused worth retrying? Pure, from the adapters' failure reasons:
 *  - Elasticsearch/OpenSearch bulk items: `<status> <error type>: <reason>`. 429 (rejected
 *    execution, read-only index on a full disk) and 5xx (unavailable shards, timeouts) are the
 *    cluster's state, not the document's: transient. Other 4xx (mapper_parsing_exception,
 *    document_parsing_exception, illegal_argument_exception…) come from the document: permanent.
 *  - Embedded SQLite: SQLITE_BUSY / SQLITE_LOCKED / "database is locked" / I/O errors / full disk
 *    are transient; a constraint or a malformed value is permanent.
 * Unknown shapes count as permanent: a bounded number of retries happens anyway (see the consumer),
 * and the dead-letter topic keeps the event with the reason.
 */
export function isTransientIndexFailure(reason: string): boolean {
  const status = /^(\d{3})\b/.exec(reason.trim());
  if (status) {
    const code = Number(status[1]);
    return code === 429 || code >= 500;
  }
  return /SQLITE_(BUSY|LOCKED|IOERR|FULL)|database is locked|disk I\/O error|database or disk is full/i.test(reason);
}

export interface ClassifiedFailure extends UpsertFailure {
  aggregateVersion: number;
  transient: boolean;
}

/**
 * Some documents of a ContractPublished batch were refused by the engine. Thrown by the consumer,
 * so that the event bus retries the batch (bounded, with backoff), then retries its events one by
 * one and dead-letters those that still fail, with this message (naming their uids) as the reason.
 */
export class ContractIndexingFailedError extends Error {
  readonly code = 'SEARCH_INDEXING_FAILED' as const;
  /** True when at least one failure is transient (the retries may succeed). */
  readonly transient: boolean;

  constructor(readonly failures: ClassifiedFailure[]) {
    const transient = failures.some((f) => f.transient);
    super(
      `${failures.length} contract(s) refused by the search engine (${transient ? 'transient: will be retried' : 'permanent: will be dead-lettered'}): ` +
        failures
          .slice(0, 20)
          .map((f) => `${f.uid}@${f.aggregateVersion} [${f.transient ? 'transient' : 'permanent'}] ${f.reason}`)
          .join('; ') +
        (failures.length > 20 ? `; … ${failures.length - 20} more` : ''),
    );
    this.name = 'ContractIndexingFailedError';
    this.transient = transient;
  }
}
