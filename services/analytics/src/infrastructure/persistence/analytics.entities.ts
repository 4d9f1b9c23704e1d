import { EntitySchema } from '@mikro-orm/core';

/**
 * The analytics projections. Written set-based through knex (one statement per chunk, never per row);
 * the schemas exist so that MikroORM knows the tables (discovery, migrations table, health).
 * Dates are ISO strings on both engines (better-sqlite3 has no date type): `YYYY-MM-DD` for notification
 * dates (so string order is date order), full ISO timestamps elsewhere.
 */

/** One CURRENT contract (the latest revision published by ingest) and the columns the pre-filter uses. */
export class ContractProjectionRow {
  uid!: string;
  aggregateVersion!: number;
  contractJson!: string;
  buyerId!: string;
  /** Buyer SIREN (profile, else the first 9 digits of a valid SIRET), else the published id: the `buyer` dimension. */
  buyerSiren!: string;
  buyerName!: string | null;
  buyerType!: string;
  buyerEpci!: string | null;
  buyerDepartement!: string | null;
  buyerRegion!: string | null;
  year!: number | null;
  notificationDate!: string | null;
  cpvCode!: string | null;
  cpvDivision!: string | null;
  purchaseType!: string | null;
  objet!: string | null;
  /** Current montant as published. */
  montant!: number | null;
  /** The usable amount (domain rule), null when unusable or missing. */
  amount!: number | null;
  /** 1 when the contract is an accord-cadre (its montant is a maximum). */
  frameworkAgreement!: number;
  /** marche | concession. */
  contractKind!: string;
  updatedAt!: string;
}

export const ContractProjectionSchema = new EntitySchema<ContractProjectionRow>({
  class: ContractProjectionRow,
  tableName: 'analytics_contract',
  properties: {
    uid: { type: 'string', primary: true, length: 200 },
    aggregateVersion: { type: 'integer', fieldName: 'aggregate_version' },
    contractJson: { type: 'text', fieldName: 'contract_json' },
    buyerId: { type: 'string', length: 200, fieldName: 'buyer_id' },
    buyerSiren: { type: 'string', length: 200, fieldName: 'buyer_siren' },
    buyerName: { type: 'text', nullable: true, fieldName: 'buyer_name' },
    buyerType: { type: 'string', length: 40, fieldName: 'buyer_type' },
    buyerEpci: { type: 'string', length: 40, nullable: true, fieldName: 'buyer_epci' },
    buyerDepartement: { type: 'string', length: 3, nullable: true, fieldName: 'buyer_departement' },
    buyerRegion: { type: 'string', length: 3, nullable: true, fieldName: 'buyer_region' },
    year: { type: 'integer', nullable: true },
    notificationDate: { type: 'string', length: 10, nullable: true, fieldName: 'notification_date' },
    cpvCode: { type: 'string', length: 20, nullable: true, fieldName: 'cpv_code' },
    cpvDivision: { type: 'string', length: 2, nullable: true, fieldName: 'cpv_division' },
    purchaseType: { type: 'string', length: 20, nullable: true, fieldName: 'purchase_type' },
    objet: { type: 'text', nullable: true },
    montant: { type: 'double', nullable: true },
    amount: { type: 'double', nullable: true },
    frameworkAgreement: { type: 'integer', fieldName: 'framework_agreement' },
    contractKind: { type: 'string', length: 20, fieldName: 'contract_kind', default: 'marche' },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
  },
});

/** The latest SIRENE profile of an organisation (buyer or supplier), by the identifier contracts use. */
export class OrganisationProjectionRow {
  id!: string;
  siren!: string | null;
  aggregateVersion!: number;
  resolvedAt!: string;
  profileJson!: string;
  updatedAt!: string;
}

export const OrganisationProjectionSchema = new EntitySchema<OrganisationProjectionRow>({
  class: OrganisationProjectionRow,
  tableName: 'analytics_organisation',
  properties: {
    id: { type: 'string', primary: true, length: 200 },
    siren: { type: 'string', length: 9, nullable: true },
    aggregateVersion: { type: 'integer', fieldName: 'aggregate_version' },
    resolvedAt: { type: 'string', length: 40, fieldName: 'resolved_at' },
    profileJson: { type: 'text', fieldName: 'profile_json' },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
  },
});

/** One quarantined record × one of its reason codes; the summary is a GROUP BY over it (idempotent by record). */
export class QuarantineProjectionRow {
  recordKey!: string;
  reasonCode!: string;
  source!: string;
  file!: string;
  recordedAt!: string;
}

export const QuarantineProjectionSchema = new EntitySchema<QuarantineProjectionRow>({
  class: QuarantineProjectionRow,
  tableName: 'analytics_quarantine',
  properties: {
    recordKey: { type: 'text', primary: true, fieldName: 'record_key' },
    reasonCode: { type: 'string', primary: true, length: 64, fieldName: 'reason_code' },
    source: { type: 'string', length: 200 },
    file: { type: 'text' },
    recordedAt: { type: 'string', length: 40, fieldName: 'recorded_at' },
  },
});

export class IngestRunProjectionRow {
  runId!: string;
  trigger!: string;
  startedAt!: string;
  finishedAt!: string;
  published!: number;
  unchanged!: number;
  filesJson!: string;
}

export const IngestRunProjectionSchema = new EntitySchema<IngestRunProjectionRow>({
  class: IngestRunProjectionRow,
  tableName: 'analytics_ingest_run',
  properties: {
    runId: { type: 'string', primary: true, length: 64, fieldName: 'run_id' },
    trigger: { type: 'string', length: 200 },
    startedAt: { type: 'string', length: 40, fieldName: 'started_at' },
    finishedAt: { type: 'string', length: 40, fieldName: 'finished_at' },
    published: { type: 'integer' },
    unchanged: { type: 'integer' },
    filesJson: { type: 'text', fieldName: 'files_json' },
  },
});

/** Freshness per source: the last run that brought files of that source, and its counts. */
export class SourceFreshnessRow {
  source!: string;
  lastRunId!: string;
  lastFinishedAt!: string;
  files!: number;
  records!: number;
  accepted!: number;
  flagged!: number;
  quarantined!: number;
  duplicates!: number;
}

export const SourceFreshnessSchema = new EntitySchema<SourceFreshnessRow>({
  class: SourceFreshnessRow,
  tableName: 'analytics_source_freshness',
  properties: {
    source: { type: 'string', primary: true, length: 200 },
    lastRunId: { type: 'string', length: 64, fieldName: 'last_run_id' },
    lastFinishedAt: { type: 'string', length: 40, fieldName: 'last_finished_at' },
    files: { type: 'integer' },
    records: { type: 'integer' },
    accepted: { type: 'integer' },
    flagged: { type: 'integer' },
    quarantined: { type: 'integer' },
    duplicates: { type: 'integer' },
  },
});

/** A buyer of the ingest feed registry (BuyerRegistered): expected to publish; its latest registry version. */
export class ExpectedBuyerRow {
  siret!: string;
  siren!: string;
  nom!: string;
  registeredAt!: string;
  /** 1 while the registry follows the buyer (at least one enabled feed), 0 otherwise. */
  active!: number;
  aggregateVersion!: number;
  updatedAt!: string;
}

export const ExpectedBuyerSchema = new EntitySchema<ExpectedBuyerRow>({
  class: ExpectedBuyerRow,
  tableName: 'analytics_expected_buyer',
  properties: {
    siret: { type: 'string', primary: true, length: 14 },
    siren: { type: 'string', length: 9 },
    nom: { type: 'text' },
    registeredAt: { type: 'string', length: 40, fieldName: 'registered_at' },
    active: { type: 'integer' },
    aggregateVersion: { type: 'integer', fieldName: 'aggregate_version' },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
  },
});

/** Event ids each consumer has applied, written in the same transaction as the effect. */
export class ProcessedEventRow {
  consumer!: string;
  eventId!: string;
  processedAt!: string;
}

export const ProcessedEventSchema = new EntitySchema<ProcessedEventRow>({
  class: ProcessedEventRow,
  tableName: 'analytics_processed_event',
  properties: {
    consumer: { type: 'string', primary: true, length: 100 },
    eventId: { type: 'string', primary: true, length: 100, fieldName: 'event_id' },
    processedAt: { type: 'string', length: 40, fieldName: 'processed_at' },
  },
});

/** A counter bumped by every batch that changes a projection: the cache key of query results. */
export class ProjectionRevisionRow {
  name!: string;
  revision!: number;
}

export const ProjectionRevisionSchema = new EntitySchema<ProjectionRevisionRow>({
  class: ProjectionRevisionRow,
  tableName: 'analytics_projection_revision',
  properties: {
    name: { type: 'string', primary: true, length: 40 },
    revision: { type: 'integer' },
  },
});

export const ANALYTICS_ENTITIES = [
  ContractProjectionSchema,
  OrganisationProjectionSchema,
  QuarantineProjectionSchema,
  IngestRunProjectionSchema,
  SourceFreshnessSchema,
  ExpectedBuyerSchema,
  ProcessedEventSchema,
  ProjectionRevisionSchema,
];
