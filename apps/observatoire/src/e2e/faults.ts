import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { generateDecp } from '@observatoire/ingest';
import Database from 'better-sqlite3';
import { Client } from 'pg';

/**
 * Fault injection for the outage tests (outage.e2e.spec.ts). Nothing here touches the shared engines
 * other tests use at the same time: PostgreSQL and Kafka are dedicated instances started through
 * deploy/local/stack.mjs in their own directories and ports, the search engine is reached through a TCP
 * proxy that the test closes (connections refused and cut, as when the engine stops), and the SQLite
 * file is locked by another process.
 */

/** A generated DECP 2022 JSON file of `contracts` contracts (deterministic for a seed). */
export async function generatedFile(contracts: number, seed = 20): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'obs-fault-')), `decp-${contracts}.json`);
  const through = new PassThrough();
  const done = pipeline(through, createWriteStream(file));
  await generateDecp({ contracts, seed, shape: 'decp-2022-json' }, through);
  through.end();
  await done;
  return file;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

let stackCalls: Promise<unknown> = Promise.resolve();

type Stack = { up(names: string[], opts?: object): Promise<Record<string, { url?: string }>>; down(names: string[], opts?: object): Promise<unknown> };

/**
 * An engine of its own (own directory and ports), started and stopped with the project's stack script
 * (deploy/local/stack.mjs): PostgreSQL (initdb + start: a few seconds) or Kafka (KRaft, one broker: ~15 s).
 */
export class DedicatedEngine {
  private constructor(
    readonly name: 'postgres' | 'kafka',
    private readonly stackDir: string,
    private readonly ports: Record<string, number>,
  ) {}

  static async start(name: 'postgres' | 'kafka'): Promise<DedicatedEngine> {
    const ports: Record<string, number> = name === 'postgres' ? { PG_PORT: await freePort() } : { KAFKA_PORT: await freePort(), KAFKA_CONTROLLER_PORT: await freePort() };
    const engine = new DedicatedEngine(name, mkdtempSync(join(tmpdir(), `obs-fault-${name}-`)), ports);
    await engine.up();
    return engine;
  }

  /** PostgreSQL: the `postgres` database of the instance. */
  get url(): string {
    return `postgres://observatoire:observatoire@127.0.0.1:${this.ports.PG_PORT}/postgres`;
  }

  /** Kafka: the broker's address. */
  get brokers(): string[] {
    return [`127.0.0.1:${this.ports.KAFKA_PORT}`];
  }

  /**
   * stack.mjs reads its directory and ports from the environment (also later in a call, when it writes
   * its stack.json): they are set for the whole call, calls one at a time, and restored afterwards.
   */
  private async withEnv<T>(run: (stack: Stack) => Promise<T>): Promise<T> {
    const stack = (await import(resolve(__dirname, '../../../../deploy/local/stack.mjs'))) as Stack;
    const vars = { OBSERVATOIRE_STACK_DIR: this.stackDir, ...Object.fromEntries(Object.entries(this.ports).map(([k, v]) => [k, String(v)])) };
    const call = stackCalls.then(async () => {
      const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
      Object.assign(process.env, vars);
      try {
        return await run(stack);
      } finally {
        for (const [k, v] of Object.entries(saved)) restore(k, v);
      }
    });
    stackCalls = call.catch(() => undefined);
    return call;
  }

  up(): Promise<unknown> {
    return this.withEnv((s) => s.up([this.name], { quiet: true, log: false }));
  }

  /** PostgreSQL: fast shutdown (open sessions get 57P01, new connections refused). Kafka: SIGTERM, the broker stops. */
  down(): Promise<unknown> {
    return this.withEnv((s) => s.down([this.name], { quiet: true, log: false }));
  }

  async createDatabase(name: string): Promise<string> {
    const c = new Client({ connectionString: this.url });
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
    return this.url.replace(/\/postgres$/, `/${name}`);
  }
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** A TCP proxy to a service: `stop()` refuses new connections and cuts open ones, `start()` serves again on the same port. */
export class FaultProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
  ) {}

  static async to(url: string): Promise<FaultProxy> {
    const u = new URL(url);
    const proxy = new FaultProxy({ host: u.hostname, port: Number(u.port) }, await freePort());
    await proxy.start();
    return proxy;
  }

  url(scheme = 'http'): string {
    return `${scheme}://127.0.0.1:${this.port}`;
  }

  start(): Promise<void> {
    return new Promise((res, rej) => {
      const server = createServer((client) => {
        const upstream = connect(this.target.port, this.target.host);
        this.sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          this.sockets.delete(client);
          this.sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.once('error', rej);
      server.listen(this.port, '127.0.0.1', () => {
        this.server = server;
        res();
      });
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}

/** Another process holding an exclusive lock on a SQLite file (writers get SQLITE_BUSY) until `release()`. */
export class SqliteLocker {
  private constructor(private readonly child: ChildProcess) {}

  static async lock(file: string): Promise<SqliteLocker> {
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1], { timeout: 30000 });
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      process.stdin.on('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
    `;
    const child = spawn(process.execPath, ['-e', script, file], { cwd: resolve(__dirname, '../../../..'), stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((res, rej) => {
      child.once('exit', (code) => rej(new Error(`SQLite locker exited with ${code} before locking ${file}`)));
      child.stdout!.once('data', () => res());
    });
    child.removeAllListeners('exit');
    return new SqliteLocker(child);
  }

  async release(): Promise<void> {
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.stdin!.write('release\n');
    await exited;
  }
}

/** Counts and a digest of a store: `SELECT`s that read the same on PostgreSQL and SQLite. */
export interface StoreDigest {
  counts: Record<string, number>;
  digest: string;
}

const CATALOG_QUERIES = {
  contract: 'SELECT uid, montant FROM contract ORDER BY uid',
  contract_version: 'SELECT count(*) AS n FROM contract_version',
  contract_titulaire: 'SELECT count(*) AS n FROM contract_titulaire',
  organisation: 'SELECT id FROM organisation ORDER BY id',
};

const ANALYTICS_QUERIES = {
  analytics_contract: 'SELECT uid, aggregate_version, montant FROM analytics_contract ORDER BY uid',
  analytics_organisation: 'SELECT count(*) AS n FROM analytics_organisation',
};

export type StoreName = 'catalog' | 'analytics';

function digestOf(results: Record<string, unknown[]>): StoreDigest {
  const counts: Record<string, number> = {};
  const h = createHash('sha256');
  for (const [name, rows] of Object.entries(results)) {
    const first = rows[0] as { n?: unknown } | undefined;
    counts[name] = rows.length === 1 && first && 'n' in first && Object.keys(first).length === 1 ? Number(first.n) : rows.length;
    h.update(name).update(JSON.stringify(rows.map((r) => Object.values(r as object).map((v) => (typeof v === 'number' || typeof v === 'string' ? String(v) : v)))));
  }
  return { counts, digest: h.digest('hex').slice(0, 16) };
}

/** The digest of a catalog or analytics store from its database URL (`postgres://…` or `sqlite:<file>`). */
export async function storeDigest(store: StoreName, url: string): Promise<StoreDigest> {
  const queries = store === 'catalog' ? CATALOG_QUERIES : ANALYTICS_QUERIES;
  const results: Record<string, unknown[]> = {};
  if (url.startsWith('sqlite:')) {
    const db = new Database(url.slice('sqlite:'.length), { readonly: true });
    try {
      for (const [name, sql] of Object.entries(queries)) results[name] = db.prepare(sql).all();
    } finally {
      db.close();
    }
    return digestOf(results);
  }
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    for (const [name, sql] of Object.entries(queries)) results[name] = (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
  return digestOf(results);
}
