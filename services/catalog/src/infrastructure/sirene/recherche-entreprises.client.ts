import { SearchResponseSchema, type ApiSearchResponse } from './recherche-entreprises.schema';
import { TokenBucket } from './token-bucket';

export interface RechercheEntreprisesClientOptions {
  /** e.g. https://recherche-entreprises.api.gouv.fr */
  baseUrl: string;
  /** The API allows 7 requests per second per IP. */
  ratePerSecond?: number;
  /** Attempts per query (first try included) on 429, 5xx and network errors. */
  maxAttempts?: number;
  /** First backoff delay; doubles at each retry; Retry-After wins when given. */
  backoffMs?: number;
  maxBackoffMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type SearchOutcome =
  | { ok: true; status: number; body: ApiSearchResponse; raw: string }
  | { ok: false; status: number | null; detail: string };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `GET /search?q=` with a token-bucket rate limit and bounded retries with backoff. */
export class RechercheEntreprisesClient {
  private readonly bucket: TokenBucket;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: RechercheEntreprisesClientOptions) {
    this.sleep = options.sleep ?? defaultSleep;
    this.bucket = new TokenBucket(options.ratePerSecond ?? 7, options.ratePerSecond ?? 7, undefined, this.sleep);
  }

  async search(q: string): Promise<SearchOutcome> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    const url = new URL('/search', this.options.baseUrl);
    url.searchParams.set('q', q);
    url.searchParams.set('per_page', '5');
    let last: SearchOutcome = { ok: false, status: null, detail: 'not attempted' };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      await this.bucket.take();
      let retryAfterMs: number | null = null;
      try {
        const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
        const raw = await response.text();
        if (response.ok) {
          const parsed = SearchResponseSchema.safeParse(JSON.parse(raw));
          if (!parsed.success) return { ok: false, status: response.status, detail: `unexpected response shape: ${parsed.error.issues[0]?.message}` };
          return { ok: true, status: response.status, body: parsed.data, raw };
        }
        last = { ok: false, status: response.status, detail: `HTTP ${response.status}` };
        if (response.status !== 429 && response.status < 500) return last;
        const header = Number(response.headers.get('retry-after'));
        if (Number.isFinite(header) && header > 0) retryAfterMs = header * 1000;
      } catch (e) {
        last = { ok: false, status: null, detail: (e as Error).message };
      }
      if (attempt < maxAttempts) {
        const backoff = Math.min((this.options.backoffMs ?? 250) * 2 ** (attempt - 1), this.options.maxBackoffMs ?? 5_000);
        await this.sleep(Math.min(retryAfterMs ?? backoff, this.options.maxBackoffMs ?? 5_000));
      }
    }
    return last;
  }
}
