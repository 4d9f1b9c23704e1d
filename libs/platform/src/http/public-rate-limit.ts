import type { NextFunction, Request, Response } from 'express';
import { correlationIdOf } from '../nest/error-codes';
import { TokenBuckets } from './token-bucket';

export interface PublicRateLimitOptions {
  capacity: number;
  refillPerSecond: number;
  /** Path prefixes (under the mount point) left to their own limiter or never limited. */
  exempt: string[];
}

/**
 * Rate limit of the public read-only API, per client IP (token bucket): 429 with `Retry-After` and a
 * stable code. Behind a reverse proxy, set Express's `trust proxy` so `req.ip` is the client's.
 */
export function publicRateLimit(options: PublicRateLimitOptions) {
  const buckets = new TokenBuckets({ capacity: options.capacity, refillPerSecond: options.refillPerSecond });
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || options.exempt.some((p) => req.path === p || req.path.startsWith(`${p}/`))) return next();
    const r = buckets.take(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (r.allowed) return next();
    res.setHeader('Retry-After', String(r.retryAfterSeconds));
    res.setHeader('Cache-Control', 'no-store');
    res.status(429).json({ code: 'RATE_LIMITED', message: `Trop de requêtes : réessayez dans ${r.retryAfterSeconds} s`, correlationId: correlationIdOf(req) });
  };
}
