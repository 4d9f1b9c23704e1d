import type { EntityManager } from '@mikro-orm/core';
import { txKnex } from './tx-knex';

export class IngestRunRepository {
  constructor(private readonly em: EntityManager) {}

  /** Knex bound to the entity manager's transaction when there is one (pool of one on SQLite). */
  private knex() {
    return txKnex(this.em);
  }

  async start(runId: string, trigger: string, startedAt: Date): Promise<void> {
    await this.knex().insert({ run_id: runId, trigger, started_at: startedAt.toISOString(), finished_at: null, summary: null }).into('ingest_run');
  }

  async finish(runId: string, finishedAt: Date, summary: unknown): Promise<void> {
    await this.knex().table('ingest_run').where('run_id', runId).update({ finished_at: finishedAt.toISOString(), summary: JSON.stringify(summary) });
  }

  async latest(limit: number): Promise<{ runId: string; trigger: string; startedAt: string; finishedAt: string | null; summary: unknown }[]> {
    const rows = (await this.knex().select('*').from('ingest_run').orderBy('started_at', 'desc').limit(limit)) as Record<string, unknown>[];
    return rows.map((r) => ({
      runId: String(r.run_id),
      trigger: String(r.trigger),
      startedAt: new Date(r.started_at as string).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at as string).toISOString() : null,
      summary: r.summary ? JSON.parse(String(r.summary)) : null,
    }));
  }
}
