import { BuyerSchema, FeedSchema } from './feed.entities';
import { EntitySchema } from '@mikro-orm/core';

/**
 * The ingest ledger: per contract uid, the last published state (and its revision and content hash)
 * and the state being assembled by the current run. It is what makes re-ingestion idempotent and
 * lets several files and sources fold into one contract before anything is published.
 */
export class ContractStateRow {
  uid!: string;
  revision!: number;
  contentHash!: string | null;
  publishedState!: string | null;
  stagedState!: string | null;
  stagedRun!: string | null;
  stagedHash!: string | null;
  updatedAt!: Date;
}

export const ContractStateSchema = new EntitySchema<ContractStateRow>({
  class: ContractStateRow,
  tableName: 'ingest_contract_state',
  properties: {
    uid: { type: 'string', primary: true, length: 200 },
    revision: { type: 'integer', default: 0 },
    contentHash: { type: 'string', length: 64, nullable: true, fieldName: 'content_hash' },
    publishedState: { type: 'text', nullable: true, fieldName: 'published_state', lazy: false },
    stagedState: { type: 'text', nullable: true, fieldName: 'staged_state' },
    stagedRun: { type: 'string', length: 64, nullable: true, fieldName: 'staged_run', index: true },
    stagedHash: { type: 'string', length: 64, nullable: true, fieldName: 'staged_hash' },
    updatedAt: { type: 'datetime', fieldName: 'updated_at' },
  },
});

/** A record that could not become a contract; the id is stable across re-ingestions of the same record. */
export class QuarantinedRecordRow {
  id!: string;
  source!: string;
  file!: string;
  position!: number;
  format!: string | null;
  recordId!: string | null;
  acheteurId!: string | null;
  reasons!: string;
  raw!: string;
  firstSeenRun!: string;
  lastSeenRun!: string;
  createdAt!: Date;
}

export const QuarantinedRecordSchema = new EntitySchema<QuarantinedRecordRow>({
  class: QuarantinedRecordRow,
  tableName: 'ingest_quarantine',
  properties: {
    id: { type: 'string', primary: true, length: 64 },
    source: { type: 'string', length: 200 },
    file: { type: 'text' },
    position: { type: 'integer' },
    format: { type: 'string', length: 32, nullable: true },
    recordId: { type: 'string', length: 200, nullable: true, fieldName: 'record_id' },
    acheteurId: { type: 'string', length: 200, nullable: true, fieldName: 'acheteur_id' },
    reasons: { type: 'text' },
    raw: { type: 'text' },
    firstSeenRun: { type: 'string', length: 64, fieldName: 'first_seen_run' },
    lastSeenRun: { type: 'string', length: 64, fieldName: 'last_seen_run' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
  },
});

export class IngestRunRow {
  runId!: string;
  trigger!: string;
  startedAt!: Date;
  finishedAt!: Date | null;
  summary!: string | null;
}

export const IngestRunSchema = new EntitySchema<IngestRunRow>({
  class: IngestRunRow,
  tableName: 'ingest_run',
  properties: {
    runId: { type: 'string', primary: true, length: 64, fieldName: 'run_id' },
    trigger: { type: 'string', length: 200 },
    startedAt: { type: 'datetime', fieldName: 'started_at' },
    finishedAt: { type: 'datetime', nullable: true, fieldName: 'finished_at' },
    summary: { type: 'text', nullable: true },
  },
});

export const INGEST_ENTITIES = [ContractStateSchema, QuarantinedRecordSchema, IngestRunSchema, BuyerSchema, FeedSchema];
