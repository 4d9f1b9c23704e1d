import type { EntityManager } from '@mikro-orm/core';
import { BaseSqlitePlatform, type Knex, type SqlEntityManager } from '@mikro-orm/knex';
import { txKnex } from './tx-knex';

export interface LedgerState {
  uid: string;
  revision: number;
  contentHash: string | null;
  publishedState: string | null;
  stagedState: string | null;
  stagedRun: string | null;
  /** Content hash of `stagedState`, computed once when it was staged (null on rows staged before the column existed). */
  stagedHash: string | null;
}

const TABLE = 'ingest_contract_state';
const COLUMNS = 'uid, revision, content_hash, published_state, staged_state, staged_run, staged_hash';
/** Rows per statement: bounds the JSON document of one statement (a few MB), not a parameter limit. */
const CHUNK = 1000;

type Dialect = 'postgresql' | 'sqlite';

/**
 * Set-based access to the ingest ledger: one statement per batch, never per contract, with the rows or keys
 * bound as ONE JSON (SQLite `json_each`) or array / jsonb (PostgreSQL) parameter. The statement texts are
 * constant (no SQL built per row by a query builder: 24 % of an ingest run went to knex building and
 * escaping multi-MB INSERTs), and marking a contract published moves `staged_state` into
 * `published_state` inside the engine instead of sending the state back.
 */
export class ContractLedgerRepository {
  private readonly dialect: Dialect;

  constructor(private readonly em: EntityManager) {
    this.dialect = em.getPlatform() instanceof BaseSqlitePlatform ? 'sqlite' : 'postgresql';
  }

  /** Knex bound to the entity manager's transaction when there is one (pool of one on SQLite). */
  private knex(): Knex {
    return txKnex(this.em as SqlEntityManager);
  }

  private async rows(sql: string, bindings: Knex.RawBinding[]): Promise<Record<string, unknown>[]> {
    const result = (await this.knex().raw(sql, bindings)) as Record<string, unknown>[] | { rows: Record<string, unknown>[] };
    return Array.isArray(result) ? result : result.rows;
  }

  async load(uids: string[]): Promise<Map<string, LedgerState>> {
    const out = new Map<string, LedgerState>();
    for (let i = 0; i < uids.length; i += CHUNK) {
      const keys = uids.slice(i, i + CHUNK);
      const rows =
        this.dialect === 'postgresql'
          ? await this.rows(`select ${COLUMNS} from ${TABLE} where uid = any(?::text[])`, [keys])
          : await this.rows(`select ${COLUMNS} from ${TABLE} where uid in (select value from json_each(?))`, [JSON.stringify(keys)]);
      for (const r of rows) out.set(String(r.uid), toState(r));
    }
    return out;
  }

  async stage(rows: { uid: string; stagedState: string; stagedHash: string; runId: string }[]): Promise<void> {
    const now = new Date().toISOString();
    const sql =
      this.dialect === 'postgresql'
        ? `insert into ${TABLE} (uid, revision, staged_state, staged_hash, staged_run, updated_at)
           select r.uid, 0, r.staged_state, r.staged_hash, r.staged_run, ?::timestamptz
           from jsonb_to_recordset(?::jsonb) as r(uid text, staged_state text, staged_hash text, staged_run text)
           on conflict (uid) do update set staged_state = excluded.staged_state, staged_hash = excluded.staged_hash,
             staged_run = excluded.staged_run, updated_at = excluded.updated_at`
        : `insert into ${TABLE} (uid, revision, staged_state, staged_hash, staged_run, updated_at)
           select json_extract(value, '$.uid'), 0, json_extract(value, '$.staged_state'), json_extract(value, '$.staged_hash'),
             json_extract(value, '$.staged_run'), ? from json_each(?) where true
           on conflict (uid) do update set staged_state = excluded.staged_state, staged_hash = excluded.staged_hash,
             staged_run = excluded.staged_run, updated_at = excluded.updated_at`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const doc = JSON.stringify(rows.slice(i, i + CHUNK).map((r) => ({ uid: r.uid, staged_state: r.stagedState, staged_hash: r.stagedHash, staged_run: r.runId })));
      await this.knex().raw(sql, [now, doc]);
    }
  }

  /** Keyset page of the contracts staged by a run. */
  async stagedPage(runId: string, afterUid: string | null, limit: number): Promise<LedgerState[]> {
    const rows =
      afterUid === null
        ? await this.rows(`select ${COLUMNS} from ${TABLE} where staged_run = ? order by uid limit ?`, [runId, limit])
        : await this.rows(`select ${COLUMNS} from ${TABLE} where staged_run = ? and uid > ? order by uid limit ?`, [runId, afterUid, limit]);
    return rows.map(toState);
  }

  /**
   * The staged state of each row becomes its published state, with its new revision and content hash; the
   * state itself never leaves the engine. Only rows still staged by `runId` are touched. The run test is
   * written so that no index can serve it (`+col`, `col || ''`): the engines then probe the primary key once
   * per given row, instead of reading every row the run staged and scanning the page for each (a page of
   * 1,000 over 20 k staged rows: 460 s instead of 10 s).
   */
  async markPublished(runId: string, rows: { uid: string; revision: number; contentHash: string }[]): Promise<void> {
    const now = new Date().toISOString();
    const sql =
      this.dialect === 'postgresql'
        ? `update ${TABLE} as t set revision = m.revision, content_hash = m.content_hash, published_state = t.staged_state,
             staged_state = null, staged_run = null, staged_hash = null, updated_at = ?::timestamptz
           from jsonb_to_recordset(?::jsonb) as m(uid text, revision integer, content_hash text)
           where t.uid = m.uid and t.staged_run || '' = ?`
        : `update ${TABLE} set revision = m.revision, content_hash = m.content_hash, published_state = ${TABLE}.staged_state,
             staged_state = null, staged_run = null, staged_hash = null, updated_at = ?
           from (select json_extract(value, '$.uid') as uid, json_extract(value, '$.revision') as revision,
                   json_extract(value, '$.content_hash') as content_hash from json_each(?)) as m
           where ${TABLE}.uid = m.uid and +${TABLE}.staged_run = ?`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const doc = JSON.stringify(rows.slice(i, i + CHUNK).map((r) => ({ uid: r.uid, revision: r.revision, content_hash: r.contentHash })));
      await this.knex().raw(sql, [now, doc, runId]);
    }
  }

  async count(): Promise<number> {
    const [row] = await this.rows(`select count(*) as n from ${TABLE}`, []);
    return Number(row.n);
  }

  /** Every published contract state, in uid order (for re-publication / reindex from the ledger). */
  async *publishedStates(pageSize = 500): AsyncGenerator<LedgerState[]> {
    let after: string | null = null;
    for (;;) {
      const rows: LedgerState[] = (
        after === null
          ? await this.rows(`select ${COLUMNS} from ${TABLE} where published_state is not null order by uid limit ?`, [pageSize])
          : await this.rows(`select ${COLUMNS} from ${TABLE} where published_state is not null and uid > ? order by uid limit ?`, [after, pageSize])
      ).map(toState);
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
    stagedHash: (r.staged_hash as string | null) ?? null,
  };
}
