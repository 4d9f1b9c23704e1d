import type { EntityManager } from '@mikro-orm/core';
import { txKnex } from './tx-knex';

export interface LedgerState {
  uid: string;
  revision: number;
  contentHash: string | null;
  publishedState: string | null;
  stagedState: string | null;
  stagedRun: string | null;
}

const TABLE = 'ingest_contract_state';
const CHUNK = 400;

/**
 * Set-based access to the ingest ledger (one query per batch, never per contract).
 * Works on PostgreSQL and SQLite through the ORM's query builder connection.
 */
export class ContractLedgerRepository {
  constructor(private readonly em: EntityManager) {}

  /** Knex bound to the entity manager's transaction when there is one (pool of one on SQLite). */
  private knex() {
    return txKnex(this.em);
  }

  async load(uids: string[]): Promise<Map<string, LedgerState>> {
    const out = new Map<string, LedgerState>();
    for (let i = 0; i < uids.length; i += CHUNK) {
      const rows = (await this.knex()
        .select('uid', 'revision', 'content_hash', 'published_state', 'staged_state', 'staged_run')
        .from(TABLE)
        .whereIn('uid', uids.slice(i, i + CHUNK))) as Record<string, unknown>[];
      for (const r of rows) out.set(String(r.uid), toState(r));
    }
    return out;
  }

  async stage(rows: { uid: string; stagedState: string; runId: string }[]): Promise<void> {
    const now = new Date().toISOString();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows.slice(i, i + CHUNK).map((r) => ({ uid: r.uid, revision: 0, staged_state: r.stagedState, staged_run: r.runId, updated_at: now }));
      await this.knex().insert(values).into(TABLE).onConflict('uid').merge(['staged_state', 'staged_run', 'updated_at']);
    }
  }

  /** Keyset page of the contracts staged by a run. */
  async stagedPage(runId: string, afterUid: string | null, limit: number): Promise<LedgerState[]> {
    const q = this.knex()
      .select('uid', 'revision', 'content_hash', 'published_state', 'staged_state', 'staged_run')
      .from(TABLE)
      .where('staged_run', runId)
      .orderBy('uid')
      .limit(limit);
    if (afterUid !== null) q.andWhere('uid', '>', afterUid);
    return ((await q) as Record<string, unknown>[]).map(toState);
  }

  async markPublished(rows: { uid: string; revision: number; contentHash: string; publishedState: string }[]): Promise<void> {
    const now = new Date().toISOString();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows.slice(i, i + CHUNK).map((r) => ({
        uid: r.uid,
        revision: r.revision,
        content_hash: r.contentHash,
        published_state: r.publishedState,
        staged_state: null,
        staged_run: null,
        updated_at: now,
      }));
      await this.knex()
        .insert(values)
        .into(TABLE)
        .onConflict('uid')
        .merge(['revision', 'content_hash', 'published_state', 'staged_state', 'staged_run', 'updated_at']);
    }
  }

  async count(): Promise<number> {
    const [row] = (await this.knex().count({ n: '*' }).from(TABLE)) as { n: number | string }[];
    return Number(row.n);
  }

  /** Every published contract state, in uid order (for re-publication / reindex from the ledger). */
  async *publishedStates(pageSize = 500): AsyncGenerator<LedgerState[]> {
    let after: string | null = null;
    for (;;) {
      const q = this.knex()
        .select('uid', 'revision', 'content_hash', 'published_state', 'staged_state', 'staged_run')
        .from(TABLE)
        .whereNotNull('published_state')
        .orderBy('uid')
        .limit(pageSize);
      if (after !== null) q.andWhere('uid', '>', after);
      const rows = ((await q) as Record<string, unknown>[]).map(toState);
      if (rows.length === 0) return;
      yield rows;
      after = rows[rows.length - 1].uid;
    }
  }
}

function toState(r: Record<string, unknown>): LedgerState {
  return {
    uid: String(r.uid),
    revision: Number(r.revision),
    contentHash: (r.content_hash as string | null) ?? null,
    publishedState: (r.published_state as string | null) ?? null,
    stagedState: (r.staged_state as string | null) ?? null,
    stagedRun: (r.staged_run as string | null) ?? null,
  };
}
