import type { MikroORM } from '@mikro-orm/core';
import { INGEST_RUN_COMPLETED, type IngestRunCompletedV1 } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { IngestRunProjectionRepository, type SourceFreshness } from '../../infrastructure/persistence/ingest-run-projection.repository';
import { ProcessedEventRepository } from '../../infrastructure/persistence/processed-event.repository';
import type { ProjectionOutcome } from '../shared/projection-outcome';

export const INGEST_RUNS_CONSUMER = 'analytics.ingest-runs';

/** Per source, the counts of one run (a run may read several files of one source). */
export function freshnessOfRun(run: IngestRunCompletedV1['data']): SourceFreshness[] {
  const bySource = new Map<string, SourceFreshness>();
  for (const f of run.files) {
    const s = bySource.get(f.source) ?? {
      source: f.source,
      lastRunId: run.runId,
      lastFinishedAt: run.finishedAt,
      files: 0,
      records: 0,
      accepted: 0,
      flagged: 0,
      quarantined: 0,
      duplicates: 0,
    };
    s.files += 1;
    s.records += f.records;
    s.accepted += f.accepted;
    s.flagged += f.flagged;
    s.quarantined += f.quarantined;
    s.duplicates += f.duplicates;
    bySource.set(f.source, s);
  }
  return [...bySource.values()];
}

/** IngestRunCompleted → runs and per-source freshness (a source keeps its latest run by finishedAt). */
export class ProjectIngestRunsHandler {
  constructor(private readonly orm: MikroORM) {}

  async handle(batch: readonly DeliveredEvent[]): Promise<ProjectionOutcome> {
    const events = batch.map((d) => d.event);
    return this.orm.em.fork().transactional(async (tx) => {
      const processedRepo = new ProcessedEventRepository(tx);
      const repo = new IngestRunProjectionRepository(tx);
      const processed = await processedRepo.processed(INGEST_RUNS_CONSUMER, events.map((e) => e.eventId));
      const toRecord = new Set<string>();
      const runs: IngestRunCompletedV1[] = [];
      for (const e of events) {
        if (processed.has(e.eventId) || toRecord.has(e.eventId)) continue;
        toRecord.add(e.eventId);
        if (e.type === INGEST_RUN_COMPLETED) runs.push(e as IngestRunCompletedV1);
      }
      await repo.upsertRuns(runs.map((r) => ({ ...r.data, files: r.data.files })));
      const candidates = runs.flatMap((r) => freshnessOfRun(r.data));
      const current = await repo.freshness([...new Set(candidates.map((c) => c.source))]);
      for (const c of candidates) {
        const before = current.get(c.source);
        if (!before || c.lastFinishedAt >= before.lastFinishedAt) current.set(c.source, c);
      }
      await repo.upsertFreshness(candidates.map((c) => current.get(c.source)!).filter((c, i, all) => all.indexOf(c) === i));
      await processedRepo.record(INGEST_RUNS_CONSUMER, [...toRecord]);
      return {
        received: events.length,
        applied: runs.length,
        skipped: events.length - toRecord.size,
        ignored: events.filter((e) => e.type !== INGEST_RUN_COMPLETED).length,
      };
    });
  }
}
