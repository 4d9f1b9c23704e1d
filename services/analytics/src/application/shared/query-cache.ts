/**
 * A small in-memory cache of query results, keyed by the use case and its filters and valid for ONE projection
 * revision: every lookup reads the revision (one indexed single-row query) and drops every entry when it moved,
 * so a consumer batch on any instance invalidates the caches of all instances. Promises are cached, so
 * concurrent identical requests compute once; a failed computation is not kept. Least recently used entries
 * are evicted beyond `maxEntries`.
 */
export class QueryCache {
  private revision: number | null = null;
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(
    private readonly revisionOf: () => Promise<number>,
    private readonly maxEntries = 256,
  ) {}

  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const revision = await this.revisionOf();
    if (revision !== this.revision) {
      this.entries.clear();
      this.revision = revision;
    }
    const hit = this.entries.get(key) as Promise<T> | undefined;
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }
}
