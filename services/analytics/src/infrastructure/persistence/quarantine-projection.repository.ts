import type { EntityManager } from '@mikro-orm/core';
import { IN_CHUNK, chunks, num, rowsPerInsert, sqlOf } from './sql';

const TABLE = 'analytics_quarantine';

export interface QuarantineWrite {
  recordKey: string;
  source: string;
  file: string;
  reasonCodes: string[];
  recordedAt: string;
}

export interface QuarantineSummaryRow {
  source: string;
  file: string;
  reasonCode: string;
  records: number;
}

/**
 * Quarantined records, one row per (record, reason code). A record quarantined again (re-ingestion) replaces its
 * rows, so the summary — a GROUP BY — counts each record once whatever the deliveries.
 */
export class QuarantineProjectionRepository {
  constructor(private readonly em: EntityManager) {}

  async replace(records: readonly QuarantineWrite[]): Promise<void> {
    const db = sqlOf(this.em);
    for (const part of chunks(records.map((r) => r.recordKey), IN_CHUNK)) await db(TABLE).whereIn('record_key', part).delete();
    const rows = records.flatMap((r) =>
      [...new Set(r.reasonCodes)].map((code) => ({ record_key: r.recordKey, reason_code: code, source: r.source, file: r.file, recorded_at: r.recordedAt })),
    );
    for (const part of chunks(rows, rowsPerInsert(5))) await db(TABLE).insert(part);
  }

  async summary(): Promise<QuarantineSummaryRow[]> {
    const rows = (await sqlOf(this.em)(TABLE)
      .select('source', 'file', 'reason_code')
      .count({ n: '*' })
      .groupBy('source', 'file', 'reason_code')
      .orderBy(['source', 'file', 'reason_code'])) as Record<string, unknown>[];
    return rows.map((r) => ({ source: String(r.source), file: String(r.file), reasonCode: String(r.reason_code), records: num(r.n) }));
  }
}
