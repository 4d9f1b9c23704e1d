import { Logger } from '@nestjs/common';
import {
  DEFAULT_LEDGER_LOCK,
  describeHolder,
  ledgerBusy,
  ledgerLockLost,
  type LedgerLease,
  type LedgerLock,
  type LedgerLockHolder,
  type LedgerLockLogger,
  type LedgerLockOptions,
  type LedgerLockOwner,
} from '../../application/ingest-files/ledger-lock';
import { FifoMutex } from './fifo-mutex';

/** The ledger's name in lock keys and in `ingest_ledger_lock`. */
export const LEDGER_NAME = 'ingest_contract_state';

/** One attempt-and-hold of the cross-process lock, for one run (PostgreSQL: one dedicated connection). */
export interface LockSession {
  /** One attempt; true when the lock is now held by this session. */
  tryLock(): Promise<boolean>;
  /** Who holds the lock now, if known. */
  holder(): Promise<LedgerLockHolder | null>;
  /** Why the held lock was lost, null while held (or not held yet). */
  readonly lostReason: string | null;
  /** Releases the lock if held and frees the session's resources (idempotent, never throws). */
  close(): Promise<void>;
}

export interface LockBackend {
  open(owner: LedgerLockOwner, options: LedgerLockOptions): Promise<LockSession>;
}

const MAX_TIMER_MS = 2_147_483_647;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs of this process queue in arrival order (FifoMutex); the head of the queue then takes the
 * cross-process lock of the backend, polling every `pollMs` while another process holds it, until
 * `waitMs` is spent. While waiting it logs "ingest run Y (trigger) waiting for ingest run X (…)".
 */
export class SerialLedgerLock implements LedgerLock {
  private readonly local = new FifoMutex<{ runId: string; trigger: string; since: string }>();
  private readonly options: LedgerLockOptions;
  private readonly logger: LedgerLockLogger;

  constructor(
    private readonly backend: LockBackend,
    options: Partial<LedgerLockOptions> = {},
  ) {
    this.options = { ...DEFAULT_LEDGER_LOCK, ...options };
    this.logger = options.logger ?? new Logger('IngestLedgerLock');
  }

  async acquire(owner: LedgerLockOwner, opts: { waitMs?: number } = {}): Promise<LedgerLease> {
    const waitMs = Math.min(Math.max(0, opts.waitMs ?? this.options.waitMs), MAX_TIMER_MS);
    const started = Date.now();
    const deadline = started + waitMs;
    const me = { ...owner, since: new Date().toISOString() };

    const inProcess = this.local.holder;
    if (inProcess) this.logWaiting(owner, inProcess);
    await this.local.acquire(me, waitMs, () => ledgerBusy(owner, this.local.holder, Date.now() - started));
    me.since = new Date().toISOString();

    let session: LockSession | null = null;
    try {
      session = await this.backend.open(owner, this.options);
      let lastLog = 0;
      while (!(await session.tryLock())) {
        const holder = await session.holder();
        const now = Date.now();
        if (now >= deadline) throw ledgerBusy(owner, holder, now - started);
        if (now - lastLog >= this.options.logEveryMs) {
          this.logWaiting(owner, holder);
          lastLog = now;
        }
        await sleep(Math.min(this.options.pollMs, deadline - now));
      }
    } catch (e) {
      await session?.close();
      this.local.release();
      throw e;
    }
    me.since = new Date().toISOString();
    return new Lease(owner, session, Date.now() - started, () => this.local.release(), this.logger);
  }

  private logWaiting(owner: LedgerLockOwner, holder: LedgerLockHolder | null) {
    this.logger.log(`ingest run ${owner.runId} (${owner.trigger}) waiting for ingest run ${describeHolder(holder)}`);
  }
}

class Lease implements LedgerLease {
  private released = false;

  constructor(
    private readonly owner: LedgerLockOwner,
    private readonly session: LockSession,
    readonly waitedMs: number,
    private readonly releaseLocal: () => void,
    private readonly logger: LedgerLockLogger,
  ) {}

  get lostReason(): string | null {
    return this.session.lostReason;
  }

  assertHeld(): void {
    const reason = this.session.lostReason;
    if (reason) throw ledgerLockLost(this.owner.runId, reason);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const lost = this.session.lostReason;
    if (lost) this.logger.warn(`ingest run ${this.owner.runId} lost the ledger lock: ${lost}`);
    try {
      await this.session.close();
    } finally {
      this.releaseLocal();
    }
  }
}
