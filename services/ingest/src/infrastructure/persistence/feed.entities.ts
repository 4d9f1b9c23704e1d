import { EntitySchema } from '@mikro-orm/core';

/** A public buyer (acheteur) that publishes DECP; onboarded in bulk from a CSV. */
export class BuyerRow {
  siret!: string;
  nom!: string;
  createdAt!: Date;
  /** Version of the buyer's published registry content (`BuyerRegistered`), 0 before its first publication. */
  registryVersion!: number;
  registryHash!: string | null;
}

export const BuyerSchema = new EntitySchema<BuyerRow>({
  class: BuyerRow,
  tableName: 'ingest_buyer',
  properties: {
    siret: { type: 'string', primary: true, length: 14 },
    nom: { type: 'string', length: 300 },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    registryVersion: { type: 'integer', default: 0, fieldName: 'registry_version' },
    registryHash: { type: 'string', length: 64, nullable: true, fieldName: 'registry_hash' },
  },
});

/**
 * One DECP feed of a buyer and the state of its last pulls. `credentialsEnv` is the NAME of an
 * environment variable holding a bearer token, never the token itself.
 */
export class FeedRow {
  id!: string;
  buyerSiret!: string;
  url!: string | null;
  kind!: string;
  intervalMinutes!: number;
  enabled!: boolean;
  credentialsEnv!: string | null;
  etag!: string | null;
  lastModified!: string | null;
  lastContentHash!: string | null;
  lastPullAt!: Date | null;
  lastSuccessAt!: Date | null;
  lastChangedAt!: Date | null;
  lastResult!: string | null;
  lastError!: string | null;
  consecutiveFailures!: number;
  nextPullAt!: Date | null;
  lastRecords!: number | null;
  lastAccepted!: number | null;
  lastFlagged!: number | null;
  lastQuarantined!: number | null;
  lastPublished!: number | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const FeedSchema = new EntitySchema<FeedRow>({
  class: FeedRow,
  tableName: 'ingest_feed',
  properties: {
    id: { type: 'string', primary: true, length: 40 },
    buyerSiret: { type: 'string', length: 14, fieldName: 'buyer_siret', index: 'ingest_feed_buyer_idx' },
    url: { type: 'text', nullable: true },
    kind: { type: 'string', length: 20 },
    intervalMinutes: { type: 'integer', fieldName: 'interval_minutes' },
    enabled: { type: 'boolean', default: true },
    credentialsEnv: { type: 'string', length: 100, nullable: true, fieldName: 'credentials_env' },
    etag: { type: 'text', nullable: true },
    lastModified: { type: 'string', length: 100, nullable: true, fieldName: 'last_modified' },
    lastContentHash: { type: 'string', length: 64, nullable: true, fieldName: 'last_content_hash' },
    lastPullAt: { type: 'datetime', nullable: true, fieldName: 'last_pull_at' },
    lastSuccessAt: { type: 'datetime', nullable: true, fieldName: 'last_success_at' },
    lastChangedAt: { type: 'datetime', nullable: true, fieldName: 'last_changed_at' },
    lastResult: { type: 'string', length: 16, nullable: true, fieldName: 'last_result' },
    lastError: { type: 'text', nullable: true, fieldName: 'last_error' },
    consecutiveFailures: { type: 'integer', default: 0, fieldName: 'consecutive_failures' },
    nextPullAt: { type: 'datetime', nullable: true, fieldName: 'next_pull_at' },
    lastRecords: { type: 'integer', nullable: true, fieldName: 'last_records' },
    lastAccepted: { type: 'integer', nullable: true, fieldName: 'last_accepted' },
    lastFlagged: { type: 'integer', nullable: true, fieldName: 'last_flagged' },
    lastQuarantined: { type: 'integer', nullable: true, fieldName: 'last_quarantined' },
    lastPublished: { type: 'integer', nullable: true, fieldName: 'last_published' },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    updatedAt: { type: 'datetime', fieldName: 'updated_at' },
  },
});
