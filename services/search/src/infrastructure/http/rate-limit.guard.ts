import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@observatoire/platform';
import type { Request, Response } from 'express';
import { SEARCH_RATE_LIMITER } from '../../search.tokens';
import type { TokenBuckets } from './token-bucket';

export interface SearchRateLimitOptions {
  /** Requests a client may send in a burst (default 60). */
  capacity?: number;
  /** Sustained requests per second per client (default 10). */
  refillPerSecond?: number;
  /** Clients remembered at once (default 50,000; least recently seen forgotten first). */
  maxClients?: number;
}

export const DEFAULT_SEARCH_RATE_LIMIT = { capacity: 60, refillPerSecond: 10, maxClients: 50_000 } as const;

/**
 * Public search endpoints: one token bucket per client IP. The IP is `req.ip`, so behind a reverse
 * proxy the application must set Express's `trust proxy` (else every client shares the proxy's bucket).
 * Refused: 429, `Retry-After: <seconds>`, body `{ code: 'RATE_LIMITED', message, correlationId }`.
 */
@Injectable()
export class SearchRateLimitGuard implements CanActivate {
  constructor(@Inject(SEARCH_RATE_LIMITER) private readonly buckets: TokenBuckets | null) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.buckets) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const r = this.buckets.take(client);
    if (r.allowed) return true;
    res.setHeader('Retry-After', String(r.retryAfterSeconds));
    res.setHeader('Cache-Control', 'no-store');
    throw new DomainError('RATE_LIMITED', `Trop de requêtes : réessayez dans ${r.retryAfterSeconds} s`, 429);
  }
}
