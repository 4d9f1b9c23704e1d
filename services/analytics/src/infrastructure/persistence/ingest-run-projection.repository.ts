import type { EntityManager } from '@mikro-orm/core';
import type { FileSummary } from '@observatoire/contracts';
import type { SourceFreshnessRow } from '../../application/shared/projection-read.port';
import { IN_CHUNK, chunks, num, sqlOf } from './sql';

export interface IngestRunWrite {
  runId: string;
  trigger: string;
  startedAt: string;
  finishedAt: string;
  published: number;
  unchanged: number;
  files: FileSummary[];
}

/** One source's freshness: the read port's row, written by the ingest-runs projection. */
export type SourceFreshness = SourceFreshnessRow;

/** Ingest runs and, per source, the last run that brought its files (freshness). */
export class IngestRunProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  async upsertRuns(runs: readonly IngestRunWrite[]): Promise<void> {
    const db = sqlOf(this.em);
    for (const r of runs) {
      await db('analytics_ingest_run')
        .insert({
          run_id: r.runId,
          trigger: r.trigger,
          started_at: r.startedAt,
          finished_at: r.finishedAt,
          published: r.published,
          unchanged: r.unchanged,
          files_json: JSON.stringify(r.files),
        })
        .onConflict('run_id')
        .merge();
    }
  }

  async freshness(sources?: readonly string[]): Promise<Map<string, SourceFreshness>> {
    const out = new Map<string, SourceFreshness>();
    const load = async (part: readonly string[] | null) => {
      const q = sqlOf(this.em)('analytics_source_freshness').select('*');
      if (part) q.whereIn('source', part as string[]);
      for (const r of (await q) as Record<string, unknown>[]) {
        out.set(String(r.source), {
          source: String(r.source),
          lastRunId: String(r.last_run_id),
          lastFinishedAt: String(r.last_finished_at),
          files: num(r.files),
          records: num(r.records),
          accepted: num(r.accepted),
          flagged: num(r.flagged),
          quarantined: num(r.quarantined),
          duplicates: num(r.duplicates),
        });
      }
    };
    if (!sources) await load(null);
    else for (const part of chunks(sources, IN_CHUNK)) await load(part);
    return out;
  }

  async upsertFreshness(rows: readonly SourceFreshness[]): Promise<void> {
    const db = sqlOf(this.em);
    for (const r of rows) {
      await db('analytics_source_freshness')
        .insert({
          source: r.source,
          last_run_id: r.lastRunId,
          last_finished_at: r.lastFinishedAt,
          files: r.files,
          records: r.records,
          accepted: r.accepted,
          flagged: r.flagged,
          quarantined: r.quarantined,
          duplicates: r.duplicates,
        })
        .onConflict('source')
        .merge();
    }
  }
}
