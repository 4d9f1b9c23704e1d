/**
 * Errors of the search service, each with a stable machine-readable code.
 * The HTTP edge maps SEARCH_QUERY_INVALID and SEARCH_CURSOR_INVALID to 400, the rest to 5xx.
 */
export type SearchErrorCode =
  | 'SEARCH_QUERY_INVALID'
  | 'SEARCH_CURSOR_INVALID'
  | 'SEARCH_ENGINE_UNAVAILABLE'
  | 'SEARCH_ENGINE_ERROR'
  | 'SEARCH_OVERLOADED'
  | 'SEARCH_CONFIG_INVALID';

export abstract class SearchError extends Error {
  abstract readonly code: SearchErrorCode;
}

export interface QueryIssue {
  /** Dotted path of the offending field, e.g. "filters.amount.min". */
  path: string;
  message: string;
}

export class SearchQueryInvalidError extends SearchError {
  readonly code = 'SEARCH_QUERY_INVALID' as const;
  constructor(readonly issues: QueryIssue[]) {
    super(`Recherche invalide : ${issues.map((i) => `${i.path || '(racine)'} : ${i.message}`).join(' ; ')}`);
    this.name = 'SearchQueryInvalidError';
  }
}

export class SearchCursorInvalidError extends SearchError {
  readonly code = 'SEARCH_CURSOR_INVALID' as const;
  constructor(reason: string) {
    super(`Invalid search cursor: ${reason}`);
    this.name = 'SearchCursorInvalidError';
  }
}

export class SearchEngineError extends SearchError {
  readonly code = 'SEARCH_ENGINE_ERROR' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchEngineError';
  }
}

/** Too many queries waiting for the engine (the embedded readers' bounded queue): refused at once, retry shortly. */
export class SearchOverloadedError extends SearchError {
  readonly code = 'SEARCH_OVERLOADED' as const;
  constructor(message: string) {
    super(`Search overloaded: ${message}`);
    this.name = 'SearchOverloadedError';
  }
}

export class SearchConfigInvalidError extends SearchError {
  readonly code = 'SEARCH_CONFIG_INVALID' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SearchConfigInvalidError';
  }
}
