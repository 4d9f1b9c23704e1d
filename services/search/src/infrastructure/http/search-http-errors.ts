import { Logger } from '@nestjs/common';
import { DomainError } from '@observatoire/platform';
import { SearchCursorInvalidError, SearchEngineError, SearchOverloadedError, SearchQueryInvalidError } from '../../domain/search.errors';

const logger = new Logger('search-http');

/**
 * Search errors → errors with stable codes the global ApiExceptionFilter renders as
 * `{ code, message, correlationId, details? }`:
 *  - SEARCH_QUERY_INVALID (400), details.issues = [{ path: <query parameter>, message }];
 *  - SEARCH_CURSOR_INVALID (400);
 *  - SEARCH_OVERLOADED (503): too many queries queued for the engine, retry in a second;
 *  - SEARCH_ENGINE_UNAVAILABLE (503): the engine's detail is logged, not shown.
 */
export function toHttpError(err: unknown, correlationId: string): unknown {
  if (err instanceof SearchQueryInvalidError) return new DomainError(err.code, err.message, 400, { issues: err.issues });
  if (err instanceof SearchCursorInvalidError) return new DomainError(err.code, err.message, 400);
  if (err instanceof SearchOverloadedError) return new DomainError(err.code, 'Le moteur de recherche est surchargé ; réessayez dans une seconde', 503);
  if (err instanceof SearchEngineError) {
    logger.error(JSON.stringify({ msg: 'search engine error', correlationId, err: err.message }));
    return new DomainError('SEARCH_ENGINE_UNAVAILABLE', 'Le moteur de recherche ne répond pas ; réessayez dans un instant', 503);
  }
  return err;
}
