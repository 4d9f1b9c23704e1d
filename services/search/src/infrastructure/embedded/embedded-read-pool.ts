import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SearchQueryInput } from '../../domain/search-query';
import type { OrganisationSuggestion, SearchResult } from '../../domain/search-result';
import { SearchCursorInvalidError, SearchEngineError, SearchOverloadedError, SearchQueryInvalidError, type QueryIssue } from '../../domain/search.errors';

export interface EmbeddedReadPoolOptions {
  /** The SQLite file the readers open read-only (WAL: they read while the writer writes). */
  file: string;
  /** Worker threads, one read-only connection each. */
  readers: number;
  /** Queries waiting or running at once, all readers together; beyond it a query is refused (SearchOverloadedError). */
  maxQueue: number;
}

/** What a reader thread is asked to do. */
export type ReadRequest =
  | { id: number; op: 'search'; input: SearchQueryInput }
  | { id: number; op: 'suggest'; prefix: string; limit?: number }
  | { id: number; op: 'close' };

/** What it answers: the result, or the error rebuilt on this side with its class. */
export type ReadResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { name: string; message: string; issues?: QueryIssue[] } };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Runs the worker module in a thread. The sources are TypeScript: when this module is itself a .ts
 * file (SWC register in production, vitest in tests), the thread registers SWC before loading it.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.register) require(workerData.register);
require(workerData.script);
`;

function workerScript(): { script: string; register: string | null } {
  const ts = __filename.endsWith('.ts');
  // SWC's native binding is loaded once in this thread too: a napi addon first loaded by a worker is
  // unloaded when that worker exits, and loading it again in the next one crashes the process.
  if (ts) createRequire(__filename)('@swc/core');
  return {
    script: __filename.replace(/embedded-read-pool\.(ts|js)$/, `embedded-read-worker.${ts ? 'ts' : 'js'}`),
    register: ts ? require.resolve('@swc-node/register') : null,
  };
}

export function rebuildError(e: { name: string; message: string; issues?: QueryIssue[] }): Error {
  switch (e.name) {
    case 'SearchQueryInvalidError':
      return new SearchQueryInvalidError(e.issues ?? []);
    case 'SearchCursorInvalidError':
      return new SearchCursorInvalidError(e.message.replace(/^Invalid search cursor: /, ''));
    default:
      return new SearchEngineError(e.message);
  }
}

/**
 * Read-only SQLite connections in worker threads, so that queries run in parallel (one per reader)
 * and never block the event loop of the process that serves HTTP. Each query goes to the reader with
 * the fewest queries in flight; the queue is bounded (`maxQueue`) so an overload is refused at once
 * (503) instead of growing latency without limit. A reader that dies fails its queries and is
 * replaced. Writes stay on the owner's connection: WAL lets readers see every committed batch.
 */
export class EmbeddedReadPool {
  private readonly readers: Reader[] = [];
  private nextId = 1;
  private inFlight = 0;
  private closed = false;

  constructor(private readonly options: EmbeddedReadPoolOptions) {
    for (let i = 0; i < options.readers; i++) this.readers.push(this.spawn());
  }

  get queued(): number {
    return this.inFlight;
  }

  search(input: SearchQueryInput): Promise<SearchResult> {
    return this.request({ op: 'search', input }) as Promise<SearchResult>;
  }

  suggestOrganisations(prefix: string, limit?: number): Promise<OrganisationSuggestion[]> {
    return this.request({ op: 'suggest', prefix, limit }) as Promise<OrganisationSuggestion[]>;
  }

  /**
   * Each reader closes its connection and leaves by itself (terminating a thread that holds an open
   * better-sqlite3 connection can bring the process down); one that does not within 2 s is terminated.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.readers.map(
        (r) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void r.worker.terminate().then(() => resolve()), 2000);
            r.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            r.worker.postMessage({ id: 0, op: 'close' } satisfies ReadRequest);
          }),
      ),
    );
    this.readers.length = 0;
  }

  private request(body: { op: 'search'; input: SearchQueryInput } | { op: 'suggest'; prefix: string; limit?: number }): Promise<unknown> {
    if (this.closed) return Promise.reject(new SearchEngineError('embedded search readers are closed'));
    if (this.inFlight >= this.options.maxQueue) {
      return Promise.reject(new SearchOverloadedError(`${this.inFlight} queries in flight on ${this.readers.length} readers (limit ${this.options.maxQueue})`));
    }
    const reader = this.pickReader(body);
    const id = this.nextId++;
    this.inFlight++;
    return new Promise((resolve, reject) => {
      reader.pending.set(id, {
        resolve: (v) => {
          this.inFlight--;
          resolve(v);
        },
        reject: (e) => {
          this.inFlight--;
          reject(e);
        },
      });
      reader.worker.postMessage({ id, ...body } satisfies ReadRequest);
    });
  }

  /**
   * The same search (text, filters, facets: the key of a reader's counts cache) goes to the same
   * reader, so the readers' caches hold different searches instead of the same popular ones twice;
   * when that reader has more than 2 queries more in flight than the least busy one, the least busy
   * one takes it (a hot search never piles up on one thread).
   */
  private pickReader(body: { op: 'search'; input: SearchQueryInput } | { op: 'suggest'; prefix: string; limit?: number }): Reader {
    const least = this.readers.reduce((best, r) => (r.pending.size < best.pending.size ? r : best));
    const key = body.op === 'search' ? JSON.stringify([body.input.q ?? '', body.input.filters ?? {}, body.input.facets ?? null]) : body.prefix;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
    const home = this.readers[Math.abs(h) % this.readers.length];
    return home.pending.size - least.pending.size > 2 ? least : home;
  }

  private spawn(): Reader {
    const { script, register } = workerScript();
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { script, register, file: this.options.file } });
    worker.unref(); // an idle reader never keeps the process alive
    const reader: Reader = { worker, pending: new Map() };
    worker.on('message', (m: ReadResponse) => {
      const p = reader.pending.get(m.id);
      if (!p) return;
      reader.pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(rebuildError(m.error));
    });
    const fail = (err: Error) => {
      for (const p of reader.pending.values()) p.reject(new SearchEngineError(`embedded search reader failed: ${err.message}`, { cause: err }));
      reader.pending.clear();
      const i = this.readers.indexOf(reader);
      if (i >= 0 && !this.closed) this.readers[i] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exited with code ${code}`));
    });
    return reader;
  }
}
