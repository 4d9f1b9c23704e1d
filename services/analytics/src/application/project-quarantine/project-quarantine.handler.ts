import type { MikroORM } from '@mikro-orm/core';
import { RECORD_QUARANTINED, type RecordQuarantinedV1 } from '@observatoire/contracts';
import type { DeliveredEvent } from '@observatoire/platform';
import { ProcessedEventRepository } from '../../infrastructure/persistence/processed-event.repository';
import { QuarantineProjectionRepository, type QuarantineWrite } from '../../infrastructure/persistence/quarantine-projection.repository';
import type { ProjectionOutcome } from '../shared/projection-outcome';

export const QUARANTINE_CONSUMER = 'analytics.quarantine';

/**
 * RecordQuarantined → quarantine summary (count of records by source, file and reason code). Keyed by the
 * record (aggregateId = file#position), so a record quarantined again replaces itself instead of counting twice.
 */
export class ProjectQuarantineHandler {
  constructor(private readonly orm: MikroORM) {}

  async handle(batch: readonly DeliveredEvent[]): Promise<ProjectionOutcome> {
    const events = batch.map((d) => d.event);
    return this.orm.em.fork().transactional(async (tx) => {
      const processedRepo = new ProcessedEventRepository(tx);
      const processed = await processedRepo.processed(QUARANTINE_CONSUMER, events.map((e) => e.eventId));
      const byRecord = new Map<string, QuarantineWrite>();
      const toRecord = new Set<string>();
      let ignored = 0;
      for (const e of events) {
        if (e.type !== RECORD_QUARANTINED) ignored += 1;
        if (processed.has(e.eventId) || toRecord.has(e.eventId)) continue;
        toRecord.add(e.eventId);
        if (e.type !== RECORD_QUARANTINED) continue;
        const q = e as RecordQuarantinedV1;
        byRecord.set(q.aggregateId, {
          recordKey: q.aggregateId,
          source: q.data.source,
          file: q.data.file,
          reasonCodes: q.data.reasons.map((r) => r.code),
          recordedAt: q.occurredAt,
        });
      }
      await new QuarantineProjectionRepository(tx).replace([...byRecord.values()]);
      await processedRepo.record(QUARANTINE_CONSUMER, [...toRecord]);
      return { received: events.length, applied: byRecord.size, skipped: events.length - toRecord.size, ignored };
    });
  }
}
