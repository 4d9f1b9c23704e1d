import type { EntityManager } from '@mikro-orm/core';
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

  /** Returns the ids that were not known before this call. */
  async record(entries: QuarantineEntry[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    const now = new Date().toISOString();
    for (let i = 0; i < entries.length; i += 300) {
      const chunk = entries.slice(i, i + 300);
      const known = new Set(((await this.knex().select('id').from('ingest_quarantine').whereIn('id', chunk.map((e) => e.id))) as { id: string }[]).map((r) => r.id));
      for (const e of chunk) if (!known.has(e.id)) fresh.add(e.id);
      await this.knex()
        .insert(
          chunk.map((e) => ({
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
          })),
        )
        .into('ingest_quarantine')
        .onConflict('id')
        .merge(['last_seen_run']);
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
