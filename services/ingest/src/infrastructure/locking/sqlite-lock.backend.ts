import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { LedgerLockHolder, LedgerLockOptions, LedgerLockOwner } from '../../application/ingest-files/ledger-lock';
import { LEDGER_NAME, type LockBackend, type LockSession } from './serial-ledger-lock';

export const LOCK_TABLE = 'ingest_ledger_lock';

/**
 * SQLite (embedded profile): the lock is the row `ingest_ledger_lock(name = 'ingest_contract_state')`,
 * a lease with owner and expiry. It is taken by ONE conditional upsert (insert, or take over a row whose
 * lease has expired): a single statement holds SQLite's write lock, as `BEGIN IMMEDIATE` would, so two
 * processes on the same file cannot both win. The holder renews the lease every `heartbeatMs`; a holder
 * that crashed stops renewing and its row is taken over `leaseMs` later. A holder that finds its row gone
 * or taken over, or could not renew within `leaseMs`, has lost the lock.
 */
export class SqliteLockBackend implements LockBackend {
  constructor(private readonly orm: MikroORM) {}

  async open(owner: LedgerLockOwner, options: LedgerLockOptions): Promise<LockSession> {
    return new SqliteLockSession(this.orm, owner, options);
  }
}

class SqliteLockSession implements LockSession {
  private held = false;
  private lost: string | null = null;
  private renewedAt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly orm: MikroORM,
    private readonly owner: LedgerLockOwner,
    private readonly options: LedgerLockOptions,
  ) {}

  private knex() {
    return (this.orm.em.fork() as unknown as SqlEntityManager).getKnex();
  }

  get lostReason(): string | null {
    if (!this.held) return null;
    if (!this.lost && Date.now() - this.renewedAt > this.options.leaseMs) {
      this.lost = `bail non renouvelé depuis plus de ${Math.round(this.options.leaseMs / 1000)} s`;
    }
    return this.lost;
  }

  async tryLock(): Promise<boolean> {
    const now = Date.now();
    await this.knex().raw(
      `insert into ${LOCK_TABLE} (name, owner_run, owner_trigger, acquired_at, heartbeat_at, expires_at) values (?, ?, ?, ?, ?, ?)
       on conflict (name) do update set owner_run = excluded.owner_run, owner_trigger = excluded.owner_trigger,
         acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
       where ${LOCK_TABLE}.expires_at < excluded.acquired_at`,
      [LEDGER_NAME, this.owner.runId, this.owner.trigger, now, now, now + this.options.leaseMs],
    );
    const row = (await this.knex().select('owner_run').from(LOCK_TABLE).where('name', LEDGER_NAME).first()) as { owner_run?: string } | undefined;
    if (row?.owner_run !== this.owner.runId) return false;
    this.held = true;
    this.renewedAt = now;
    this.timer = setInterval(() => void this.renew(), this.options.heartbeatMs);
    this.timer.unref();
    return true;
  }

  private async renew(): Promise<void> {
    if (this.lostReason) return this.stop();
    const now = Date.now();
    try {
      const n = await this.knex()
        .table(LOCK_TABLE)
        .where({ name: LEDGER_NAME, owner_run: this.owner.runId })
        .update({ heartbeat_at: now, expires_at: now + this.options.leaseMs });
      if (n === 0) {
        this.lost = 'bail repris par une autre exécution';
        this.stop();
      } else this.renewedAt = now;
    } catch {
      // Not renewed this time; lostReason turns true once the lease is older than leaseMs.
    }
  }

  async holder(): Promise<LedgerLockHolder | null> {
    const row = (await this.knex().select('owner_run', 'owner_trigger', 'acquired_at', 'expires_at').from(LOCK_TABLE).where('name', LEDGER_NAME).first()) as
      | { owner_run: string; owner_trigger: string; acquired_at: number | string; expires_at: number | string }
      | undefined;
    if (!row || Number(row.expires_at) < Date.now()) return null;
    return { runId: row.owner_run, trigger: row.owner_trigger, since: new Date(Number(row.acquired_at)).toISOString() };
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.stop();
    if (!this.held) return;
    this.held = false;
    try {
      await this.knex().table(LOCK_TABLE).where({ name: LEDGER_NAME, owner_run: this.owner.runId }).delete();
    } catch {
      // The lease expires by itself.
    }
  }
}
