import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { newCorrelationId } from '@observatoire/contracts';
import { rethrowOutsideHttp } from '@observatoire/platform';
import type { Observable } from 'rxjs';
import type { Request, Response } from 'express';
import { CatalogError } from '../../domain/catalog.errors';

export const CORRELATION_HEADER = 'x-correlation-id';

export interface CatalogErrorBody {
  code: string;
  message: string;
  correlationId: string;
  details?: string[];
}

export function httpStatusOf(error: CatalogError): number {
  return error.code.endsWith('_NOT_FOUND') ? 404 : 400;
}

/** Translates errors to `{ code, message, correlationId }` at the edge (catalog controllers only). */
@Catch()
export class CatalogExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    // HTTP only: an event handler's error goes back to the bus transport as it is.
    const outside = rethrowOutsideHttp(exception, host);
    if (outside) return outside;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const header = request.headers[CORRELATION_HEADER];
    const correlationId = (Array.isArray(header) ? header[0] : header) || newCorrelationId();
    let status = 500;
    let body: CatalogErrorBody = { code: 'CATALOG_INTERNAL_ERROR', message: 'internal error', correlationId };
    if (exception instanceof CatalogError) {
      status = httpStatusOf(exception);
      body = { code: exception.code, message: exception.message, correlationId, ...(exception.details.length ? { details: exception.details } : {}) };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      // 401/403 of AdminAuthGuard keep the codes of the rest of the API (ApiExceptionFilter).
      const code = status === 404 ? 'CATALOG_ROUTE_NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : 'CATALOG_HTTP_ERROR';
      body = { code, message: exception.message, correlationId };
    } else {
      console.error(JSON.stringify({ level: 'error', msg: 'catalog request failed', correlationId, error: (exception as Error)?.stack ?? String(exception) }));
    }
    response.status(status).setHeader(CORRELATION_HEADER, correlationId).json(body);
  }
}
