/**
 * Per-key token buckets (one per client IP): `capacity` requests in a burst, refilled continuously
 * at `refillPerSecond`. Memory is bounded: at most `maxKeys` buckets, least recently used evicted
 * first (an evicted client simply starts again with a full bucket). Pure apart from the clock,
 * which is injected (tests).
 */
export interface TokenBucketOptions {
  capacity: number;
  refillPerSecond: number;
  maxKeys?: number;
  now?: () => number;
}

export interface TakeResult {
  allowed: boolean;
  /** Tokens left after this request (floor). */
  remaining: number;
  /** When refused: whole seconds until one token is available (≥ 1), for `Retry-After`. */
  retryAfterSeconds: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new Error('token bucket: capacity ≥ 1 and refillPerSecond > 0 required');
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 50_000;
  }

  take(key: string): TakeResult {
    const now = this.now();
    const { capacity, refillPerSecond } = this.options;
    const b = this.buckets.get(key);
    let tokens = b ? Math.min(capacity, b.tokens + ((now - b.at) / 1000) * refillPerSecond) : capacity;
    if (b) this.buckets.delete(key); // re-inserted below: Map order = least recently used first
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.buckets.set(key, { tokens, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return {
      allowed,
      remaining: Math.floor(tokens),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / refillPerSecond)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }
}
