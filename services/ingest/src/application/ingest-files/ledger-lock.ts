import { DomainError } from '@observatoire/platform';

/**
 * The ledger lock: one ingest run at a time folds into and publishes from the ledger
 * (`ingest_contract_state`), whatever started it (CLI, upload, feed pull, seed) and whichever process
 * it runs in. Two runs staging the same contract at once would overwrite each other's staged state and
 * lose (or publish twice) a change. Implementations: `infrastructure/locking/` (PostgreSQL session
 * advisory lock on a dedicated connection; SQLite lease row), behind an in-process FIFO queue.
 */
export interface LedgerLock {
  /**
   * Waits (at most `waitMs`, default the lock's own) until the ledger is free, then holds it for `owner`.
   * Rejects with INGEST_LEDGER_BUSY (409) when the wait runs out.
   */
  acquire(owner: LedgerLockOwner, opts?: { waitMs?: number }): Promise<LedgerLease>;
}

export interface LedgerLockOwner {
  runId: string;
  trigger: string;
}

/** Who holds the ledger, as far as the lock can tell (for the waiting log line and the 409). */
export interface LedgerLockHolder {
  runId: string;
  trigger: string;
  /** ISO date the holder took the lock. */
  since: string;
}

export interface LedgerLease {
  /** Milliseconds spent waiting for the lock. */
  readonly waitedMs: number;
  /** Why the lock was lost while held (connection loss, lease taken over), null while it is held. */
  readonly lostReason: string | null;
  /** Throws INGEST_LEDGER_LOCK_LOST once the lock is known lost: the run stops at its next write. */
  assertHeld(): void;
  /** Releases the lock (idempotent). */
  release(): Promise<void>;
}

export interface LedgerLockOptions {
  /**
   * Longest wait for the lock before INGEST_LEDGER_BUSY (runs of the CLI, the scheduler, the seed). The
   * default, 10 min, keeps a feed pull (download ≤ 2 min + wait) within the 15-min claim of a due feed.
   */
  waitMs: number;
  /** SQLite: a lease not renewed for this long is considered abandoned (crashed holder) and can be taken over. */
  leaseMs: number;
  /** Heartbeat of the held lock: renews the SQLite lease, checks the PostgreSQL lock connection. */
  heartbeatMs: number;
  /** Delay between two attempts while another process holds the lock. */
  pollMs: number;
  /** The "waiting for ingest run X" line is repeated this often while waiting. */
  logEveryMs: number;
  /** Where the waiting and lost-lock lines go (defaults to Nest's Logger; the CLI passes stderr). */
  logger?: LedgerLockLogger;
}

export interface LedgerLockLogger {
  log(message: string): void;
  warn(message: string): void;
}

export const DEFAULT_LEDGER_LOCK: LedgerLockOptions = {
  waitMs: 10 * 60_000,
  leaseMs: 60_000,
  heartbeatMs: 10_000,
  pollMs: 250,
  logEveryMs: 30_000,
};

export function describeHolder(h: LedgerLockHolder | null): string {
  return h ? `${h.runId} (${h.trigger}, since ${h.since})` : '? (holder unknown)';
}

export const ledgerBusy = (owner: LedgerLockOwner, holder: LedgerLockHolder | null, waitedMs: number) =>
  new DomainError(
    'INGEST_LEDGER_BUSY',
    `Une autre intégration occupe le registre des marchés${holder ? ` (exécution ${holder.runId}, ${holder.trigger}, depuis ${holder.since})` : ''} : ` +
      `attente de ${Math.round(waitedMs / 1000)} s dépassée, rien n’a été intégré. Réessayez dans quelques minutes.`,
    409,
    { runId: owner.runId, holder, waitedMs },
  );

export const ledgerLockLost = (runId: string, reason: string) =>
  new DomainError(
    'INGEST_LEDGER_LOCK_LOST',
    `Verrou du registre des marchés perdu pendant l’exécution ${runId} (${reason}) : exécution interrompue, relancez-la.`,
    503,
    { runId, reason },
  );
