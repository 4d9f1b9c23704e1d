import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { LedgerLockHolder, LedgerLockOptions, LedgerLockOwner } from '../../application/ingest-files/ledger-lock';
import { LEDGER_NAME, type LockBackend, type LockSession } from './serial-ledger-lock';
import { LOCK_TABLE } from './sqlite-lock.backend';

/** The advisory lock key of a ledger: 64 bits of sha256 of its qualified table name, constant across processes and releases. */
export function ledgerLockKey(schema: string): string {
  const digest = createHash('sha256').update(`observatoire/ingest ledger lock:${schema}.${LEDGER_NAME}`).digest();
  return BigInt.asIntN(64, digest.readBigUInt64BE(0)).toString();
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * PostgreSQL (distributed profile): a session advisory lock (`pg_try_advisory_lock(key)`) held on ONE
 * dedicated connection per run, outside the ORM's pool, named `observatoire-ingest-lock <runId>` in
 * `pg_stat_activity`. PostgreSQL itself releases it when that session ends, so a crashed process never
 * blocks the ledger. The session is checked every `heartbeatMs` (`select 1`, TCP keep-alive on); an
 * error or end of the connection marks the lock lost and the run stops at its next write. The row of
 * `ingest_ledger_lock` only tells waiters who holds the lock (best effort).
 */
export class PostgresLockBackend implements LockBackend {
  private readonly key: string;
  private readonly table: string;

  constructor(
    private readonly connectionString: string,
    schema = 'public',
  ) {
    if (!IDENTIFIER.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    this.key = ledgerLockKey(schema);
    this.table = `"${schema}".${LOCK_TABLE}`;
  }

  async open(owner: LedgerLockOwner, options: LedgerLockOptions): Promise<LockSession> {
    const session = new PgLockSession(this.connectionString, this.key, this.table, owner, options);
    await session.connect();
    return session;
  }
}

class PgLockSession implements LockSession {
  private readonly client: Client;
  private held = false;
  private lost: string | null = null;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    connectionString: string,
    private readonly key: string,
    private readonly table: string,
    private readonly owner: LedgerLockOwner,
    private readonly options: LedgerLockOptions,
  ) {
    this.client = new Client({ connectionString, application_name: `observatoire-ingest-lock ${owner.runId}`.slice(0, 63), keepAlive: true });
    // Without these listeners a dropped connection would crash the process.
    this.client.on('error', (e: Error) => this.lose(`connexion au verrou perdue : ${e.message}`));
    this.client.on('end', () => this.lose('connexion au verrou fermée'));
  }

  get lostReason(): string | null {
    return this.held ? this.lost : null;
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  private lose(reason: string) {
    if (this.closing || this.lost) return;
    this.lost = reason;
    this.stop();
  }

  async tryLock(): Promise<boolean> {
    if (this.lost) throw new Error(this.lost);
    const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [this.key]);
    if (!r.rows[0]?.ok) return false;
    this.held = true;
    const now = Date.now();
    await this.client
      .query(
        `insert into ${this.table} (name, owner_run, owner_trigger, acquired_at, heartbeat_at, expires_at) values ($1, $2, $3, $4, $4, $5)
         on conflict (name) do update set owner_run = excluded.owner_run, owner_trigger = excluded.owner_trigger,
           acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
        [LEDGER_NAME, this.owner.runId, this.owner.trigger, now, now + this.options.leaseMs],
      )
      .catch(() => undefined);
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
    return true;
  }

  private async beat(): Promise<void> {
    try {
      await this.client.query('select 1');
    } catch (e) {
      // A failed query on the lock's own connection: the session (hence the lock) cannot be trusted.
      this.lose(`connexion au verrou en échec : ${(e as Error).message}`);
      await this.client.end().catch(() => undefined);
      return;
    }
    const now = Date.now();
    await this.client
      .query(`update ${this.table} set heartbeat_at = $1, expires_at = $2 where name = $3 and owner_run = $4`, [now, now + this.options.leaseMs, LEDGER_NAME, this.owner.runId])
      .catch(() => undefined);
  }

  async holder(): Promise<LedgerLockHolder | null> {
    try {
      const r = await this.client.query<{ owner_run: string; owner_trigger: string; acquired_at: string }>(
        `select owner_run, owner_trigger, acquired_at from ${this.table} where name = $1`,
        [LEDGER_NAME],
      );
      const row = r.rows[0];
      return row ? { runId: row.owner_run, trigger: row.owner_trigger, since: new Date(Number(row.acquired_at)).toISOString() } : null;
    } catch {
      return null;
    }
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.stop();
    try {
      if (this.held && !this.lost) {
        await this.client.query(`delete from ${this.table} where name = $1 and owner_run = $2`, [LEDGER_NAME, this.owner.runId]).catch(() => undefined);
        await this.client.query('select pg_advisory_unlock($1::bigint)', [this.key]);
      }
    } catch {
      // Ending the session below releases the lock anyway.
    } finally {
      this.held = false;
      await this.client.end().catch(() => undefined);
    }
  }
}
