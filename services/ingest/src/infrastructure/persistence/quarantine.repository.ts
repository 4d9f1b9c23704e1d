import type { EntityManager } from '@mikro-orm/core';
import { BaseSqlitePlatform } from '@mikro-orm/knex';
import { txKnex } from './tx-knex';

export interface QuarantineEntry {
  id: string;
  source: string;
  file: string;
  position: number;
  format: string | null;
  recordId: string | null;
  acheteurId: string | null;
  reasons: string;
  raw: string;
  runId: string;
}

/** Quarantined records, keyed by a stable id: re-ingesting the same file updates `last_seen_run` only. */
export class QuarantineRepository {
  constructor(private readonly em: EntityManager) {}

  /** Knex bound to the entity manager's transaction when there is one (pool of one on SQLite). */
  private knex() {
    return txKnex(this.em);
  }

  /**
   * Returns the ids that were not known before this call. Two constant statements per 1,000 entries, keys and
   * rows bound as one parameter (JSON on SQLite, an array / jsonb on PostgreSQL), as the ledger does.
   */
  async record(entries: QuarantineEntry[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    const now = new Date().toISOString();
    const postgres = !(this.em.getPlatform() instanceof BaseSqlitePlatform);
    const select = postgres
      ? 'select id from ingest_quarantine where id = any(?::text[])'
      : 'select id from ingest_quarantine where id in (select value from json_each(?))';
    const fields = ['id', 'source', 'file', 'position', 'format', 'record_id', 'acheteur_id', 'reasons', 'raw', 'first_seen_run', 'last_seen_run', 'created_at'];
    const insert = postgres
      ? `insert into ingest_quarantine (${fields.join(', ')})
         select r.id, r.source, r.file, r.position, r.format, r.record_id, r.acheteur_id, r.reasons, r.raw, r.first_seen_run, r.last_seen_run, r.created_at::timestamptz
         from jsonb_to_recordset(?::jsonb) as r(id text, source text, file text, position integer, format text, record_id text, acheteur_id text,
           reasons text, raw text, first_seen_run text, last_seen_run text, created_at text)
         on conflict (id) do update set last_seen_run = excluded.last_seen_run`
      : `insert into ingest_quarantine (${fields.join(', ')})
         select ${fields.map((f) => `json_extract(value, '$.${f}')`).join(', ')} from json_each(?) where true
         on conflict (id) do update set last_seen_run = excluded.last_seen_run`;
    for (let i = 0; i < entries.length; i += 1000) {
      const chunk = entries.slice(i, i + 1000);
      const ids = chunk.map((e) => e.id);
      const result = (await this.knex().raw(select, [postgres ? ids : JSON.stringify(ids)])) as { id: string }[] | { rows: { id: string }[] };
      const known = new Set((Array.isArray(result) ? result : result.rows).map((r) => r.id));
      for (const e of chunk) if (!known.has(e.id)) fresh.add(e.id);
      const rows = chunk.map((e) => ({
        id: e.id,
        source: e.source,
        file: e.file,
        position: e.position,
        format: e.format,
        record_id: e.recordId,
        acheteur_id: e.acheteurId,
        reasons: e.reasons,
        raw: e.raw,
        first_seen_run: e.runId,
        last_seen_run: e.runId,
        created_at: now,
      }));
      await this.knex().raw(insert, [JSON.stringify(rows)]);
    }
    return fresh;
  }

  async list(opts: { limit: number; offset?: number; file?: string }): Promise<Record<string, unknown>[]> {
    const q = this.knex().select('*').from('ingest_quarantine').orderBy([{ column: 'file' }, { column: 'position' }]).limit(opts.limit).offset(opts.offset ?? 0);
    if (opts.file) q.where('file', opts.file);
    return (await q) as Record<string, unknown>[];
  }

  async count(): Promise<number> {
    const [row] = (await this.knex().count({ n: '*' }).from('ingest_quarantine')) as { n: number | string }[];
    return Number(row.n);
  }
}
