import type { EntityManager } from '@mikro-orm/core';
import { IN_CHUNK, chunks, rowsPerInsert, sqlOf } from './sql';

const TABLE = 'analytics_processed_event';

/** Event ids applied by each consumer; written in the same transaction as the consumer's effect. */
export class ProcessedEventRepository {
  constructor(private readonly em: EntityManager) {}

  async processed(consumer: string, eventIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const part of chunks([...new Set(eventIds)], IN_CHUNK)) {
      const rows = (await sqlOf(this.em)(TABLE).select('event_id').where('consumer', consumer).whereIn('event_id', part)) as { event_id: string }[];
      for (const r of rows) out.add(r.event_id);
    }
    return out;
  }

  async record(consumer: string, eventIds: readonly string[]): Promise<void> {
    const now = new Date().toISOString();
    for (const part of chunks([...new Set(eventIds)], rowsPerInsert(3))) {
      await sqlOf(this.em)(TABLE)
        .insert(part.map((id) => ({ consumer, event_id: id, processed_at: now })))
        .onConflict(['consumer', 'event_id'])
        .ignore();
    }
  }
}
