import { HttpException, type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { type Observable, throwError } from 'rxjs';
import { ZodError } from 'zod';

/** An error with a stable code, translated to HTTP only at the edge. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function correlationIdOf(req: Request): string {
  const h = req.headers['x-correlation-id'];
  return (Array.isArray(h) ? h[0] : h) ?? (req as Request & { id?: string }).id ?? 'none';
}

/**
 * Outside HTTP (an event handler of the bus transport, when the microservice is connected with
 * `inheritAppConfig: true`) an HTTP filter must not touch the error: there is no request (reading
 * `getRequest().headers` threw `TypeError: Cannot read properties of undefined (reading
 * 'x-correlation-id')`, which replaced every handler's error) and no response. The handler's own error
 * goes back to the transport unchanged, so the error policy classifies it and a dead letter names it.
 */
export function rethrowOutsideHttp(exception: unknown, host: ArgumentsHost): Observable<never> | null {
  return host.getType() === 'http' ? null : throwError(() => exception);
}

/** `{ code, message, correlationId, details? }` for every error response (HTTP only: see rethrowOutsideHttp). */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): Observable<never> | void {
    const outside = rethrowOutsideHttp(exception, host);
    if (outside) return outside;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const correlationId = correlationIdOf(req);
    if (exception instanceof DomainError) {
      res.status(exception.httpStatus).json({ code: exception.code, message: exception.message, correlationId, details: exception.details });
      return;
    }
    if (exception instanceof ZodError) {
      res.status(400).json({
        code: 'INVALID_PARAMETER',
        message: exception.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '),
        correlationId,
      });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: string }).message ?? exception.message);
      res.status(status).json({ code: status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : status === 429 ? 'RATE_LIMITED' : 'HTTP_ERROR', message, correlationId });
      return;
    }
    console.error(JSON.stringify({ level: 'error', msg: 'unhandled error', correlationId, err: String((exception as Error)?.stack ?? exception) }));
    res.status(500).json({ code: 'INTERNAL_ERROR', message: 'Erreur interne', correlationId });
  }
}
