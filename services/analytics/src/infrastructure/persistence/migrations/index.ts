import { Migration } from '@mikro-orm/migrations';
import type { MigrationEntry, SqlDialect } from '@observatoire/platform';

/** Column types per engine: PostgreSQL gets sized varchars and double precision, SQLite its affinities. */
const TYPES: Record<SqlDialect, { key: (n: number) => string; text: string; int: string; real: string }> = {
  postgresql: { key: (n) => `varchar(${n})`, text: 'text', int: 'integer', real: 'double precision' },
  sqlite: { key: () => 'text', text: 'text', int: 'integer', real: 'real' },
};

function initialStatements(dialect: SqlDialect): string[] {
  const t = TYPES[dialect];
  return [
    `create table if not exists analytics_contract (
      uid ${t.key(200)} primary key,
      aggregate_version ${t.int} not null,
      contract_json ${t.text} not null,
      buyer_id ${t.key(200)} not null,
      buyer_siren ${t.key(200)} not null,
      buyer_name ${t.text} null,
      buyer_type ${t.key(40)} not null,
      buyer_epci ${t.key(40)} null,
      buyer_departement ${t.key(3)} null,
      buyer_region ${t.key(3)} null,
      year ${t.int} null,
      notification_date ${t.key(10)} null,
      cpv_code ${t.key(20)} null,
      cpv_division ${t.key(2)} null,
      purchase_type ${t.key(20)} null,
      objet ${t.text} null,
      montant ${t.real} null,
      amount ${t.real} null,
      framework_agreement ${t.int} not null default 0,
      updated_at ${t.key(40)} not null)`,
    'create index if not exists analytics_contract_buyer_id_idx on analytics_contract (buyer_id)',
    'create index if not exists analytics_contract_buyer_siren_idx on analytics_contract (buyer_siren)',
    'create index if not exists analytics_contract_year_idx on analytics_contract (year)',
    'create index if not exists analytics_contract_notification_idx on analytics_contract (notification_date)',
    'create index if not exists analytics_contract_cpv_idx on analytics_contract (cpv_code)',
    'create index if not exists analytics_contract_departement_idx on analytics_contract (buyer_departement)',
    'create index if not exists analytics_contract_epci_idx on analytics_contract (buyer_epci)',
    'create index if not exists analytics_contract_region_idx on analytics_contract (buyer_region)',
    'create index if not exists analytics_contract_buyer_type_idx on analytics_contract (buyer_type)',
    `create table if not exists analytics_organisation (
      id ${t.key(200)} primary key,
      siren ${t.key(9)} null,
      aggregate_version ${t.int} not null,
      resolved_at ${t.key(40)} not null,
      profile_json ${t.text} not null,
      updated_at ${t.key(40)} not null)`,
    `create table if not exists analytics_quarantine (
      record_key ${t.text} not null,
      reason_code ${t.key(64)} not null,
      source ${t.key(200)} not null,
      file ${t.text} not null,
      recorded_at ${t.key(40)} not null,
      primary key (record_key, reason_code))`,
    'create index if not exists analytics_quarantine_file_idx on analytics_quarantine (source, file)',
    `create table if not exists analytics_ingest_run (
      run_id ${t.key(64)} primary key,
      trigger ${t.key(200)} not null,
      started_at ${t.key(40)} not null,
      finished_at ${t.key(40)} not null,
      published ${t.int} not null,
      unchanged ${t.int} not null,
      files_json ${t.text} not null)`,
    `create table if not exists analytics_source_freshness (
      source ${t.key(200)} primary key,
      last_run_id ${t.key(64)} not null,
      last_finished_at ${t.key(40)} not null,
      files ${t.int} not null,
      records ${t.int} not null,
      accepted ${t.int} not null,
      flagged ${t.int} not null,
      quarantined ${t.int} not null,
      duplicates ${t.int} not null)`,
    `create table if not exists analytics_processed_event (
      consumer ${t.key(100)} not null,
      event_id ${t.key(100)} not null,
      processed_at ${t.key(40)} not null,
      primary key (consumer, event_id))`,
    `create table if not exists analytics_projection_revision (
      name ${t.key(40)} primary key,
      revision ${t.int} not null)`,
    "insert into analytics_projection_revision (name, revision) values ('projections', 0)",
  ];
}

const DROP = [
  'drop table if exists analytics_projection_revision',
  'drop table if exists analytics_processed_event',
  'drop table if exists analytics_source_freshness',
  'drop table if exists analytics_ingest_run',
  'drop table if exists analytics_quarantine',
  'drop table if exists analytics_organisation',
  'drop table if exists analytics_contract',
];

class AnalyticsInitialPostgres extends Migration {
  override async up(): Promise<void> {
    for (const sql of initialStatements('postgresql')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    for (const sql of DROP) this.addSql(sql);
  }
}

class AnalyticsInitialSqlite extends Migration {
  override async up(): Promise<void> {
    for (const sql of initialStatements('sqlite')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    for (const sql of DROP) this.addSql(sql);
  }
}

/**
 * The buyers of the ingest feed registry (`BuyerRegistered`): the buyers expected to publish, whose buyer-years
 * without any contract are graded E (docs/indicators.md, grade 12).
 */
function expectedBuyerStatements(dialect: SqlDialect): string[] {
  const t = TYPES[dialect];
  return [
    `create table if not exists analytics_expected_buyer (
      siret ${t.key(14)} primary key,
      siren ${t.key(9)} not null,
      nom ${t.text} not null,
      registered_at ${t.key(40)} not null,
      active ${t.int} not null,
      aggregate_version ${t.int} not null,
      updated_at ${t.key(40)} not null)`,
    'create index if not exists analytics_expected_buyer_siren_idx on analytics_expected_buyer (siren)',
  ];
}

class AnalyticsExpectedBuyerPostgres extends Migration {
  override async up(): Promise<void> {
    for (const sql of expectedBuyerStatements('postgresql')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists analytics_expected_buyer');
  }
}

class AnalyticsExpectedBuyerSqlite extends Migration {
  override async up(): Promise<void> {
    for (const sql of expectedBuyerStatements('sqlite')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists analytics_expected_buyer');
  }
}

/**
 * The contract kind (marché | concession) as a column, so that queries on concessions (their published tariffs)
 * do not scan the stored JSON; existing rows are filled from it once.
 */
function contractKindStatements(dialect: SqlDialect): string[] {
  const t = TYPES[dialect];
  return [
    `alter table analytics_contract add column contract_kind ${t.key(20)} not null default 'marche'`,
    `update analytics_contract set contract_kind = 'concession' where contract_json like '%"kind":"concession"%'`,
    'create index if not exists analytics_contract_kind_idx on analytics_contract (contract_kind)',
  ];
}

class AnalyticsContractKindPostgres extends Migration {
  override async up(): Promise<void> {
    for (const sql of contractKindStatements('postgresql')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    this.addSql('drop index if exists analytics_contract_kind_idx');
    this.addSql('alter table analytics_contract drop column contract_kind');
  }
}

class AnalyticsContractKindSqlite extends Migration {
  override async up(): Promise<void> {
    for (const sql of contractKindStatements('sqlite')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    this.addSql('drop index if exists analytics_contract_kind_idx');
    this.addSql('alter table analytics_contract drop column contract_kind');
  }
}

/**
 * The facts projection (docs/indicators.md §3): per current contract its already-resolved facts and each
 * indicator's answer, per titulaire share its supplier facts; indicators are GROUP BY queries over these two tables.
 * Filled by the consumers (and, for a store migrated with contracts already in it, by the service's backfill).
 */
function factStatements(dialect: SqlDialect): string[] {
  const t = TYPES[dialect];
  const answer = `${t.key(1)} not null`;
  const flag = `${t.int} not null default 0`;
  return [
    `create table if not exists analytics_fact (
      uid ${t.key(200)} primary key,
      buyer_id ${t.key(200)} not null,
      buyer_siren ${t.key(200)} not null,
      buyer_type ${t.key(40)} not null,
      buyer_epci ${t.key(40)} null,
      buyer_departement ${t.key(3)} null,
      buyer_region ${t.key(3)} null,
      year ${t.int} null,
      month ${t.int} null,
      notification_date ${t.key(10)} null,
      window_start ${t.key(10)} null,
      cpv_code ${t.key(20)} null,
      cpv_division ${t.key(2)} null,
      purchase_type ${t.key(20)} null,
      contract_kind ${t.key(20)} not null,
      montant ${t.real} null,
      amount ${t.real} null,
      framework_agreement ${flag},
      titulaires ${flag},
      a_advance ${answer},
      taux_avance ${t.real} null,
      a_advance_charter ${answer},
      a_social ${answer},
      a_environmental ${answer},
      social_clause ${flag},
      social_criterion ${flag},
      social_reserved ${flag},
      social_contradictory ${flag},
      env_clause ${flag},
      env_criterion ${flag},
      env_reserved ${flag},
      env_contradictory ${flag},
      a_subcontracting ${answer},
      a_innovation ${answer},
      a_procedure_adaptee ${answer},
      a_no_publicity ${answer},
      a_single_bidder ${t.key(1)} null,
      procedure_unknown ${flag},
      a_publication_delay ${answer},
      delay_days ${t.int} null,
      delay_negative ${flag},
      delay_missing ${flag},
      unusable_amount ${flag},
      invalid_identifier ${flag},
      duplicate_sources ${flag},
      probable_duplicate ${flag},
      flags_json ${t.text} not null,
      ${['montant', 'date_notification', 'code_cpv', 'lieu_execution', 'forme_prix', 'objet', 'nature', 'duree_mois', 'procedure', 'titulaires'].map((k) => `kf_${k} ${flag}`).join(',\n      ')})`,
    'create index if not exists analytics_fact_buyer_id_idx on analytics_fact (buyer_id)',
    'create index if not exists analytics_fact_buyer_siren_idx on analytics_fact (buyer_siren, year)',
    'create index if not exists analytics_fact_year_idx on analytics_fact (year)',
    'create index if not exists analytics_fact_notification_idx on analytics_fact (notification_date)',
    'create index if not exists analytics_fact_cpv_idx on analytics_fact (cpv_code, purchase_type)',
    'create index if not exists analytics_fact_departement_idx on analytics_fact (buyer_departement, year)',
    'create index if not exists analytics_fact_epci_idx on analytics_fact (buyer_epci, year)',
    'create index if not exists analytics_fact_region_idx on analytics_fact (buyer_region, year)',
    'create index if not exists analytics_fact_buyer_type_idx on analytics_fact (buyer_type)',
    'create index if not exists analytics_fact_duplicate_idx on analytics_fact (buyer_id, cpv_code, montant)',
    `create table if not exists analytics_fact_share (
      contract_uid ${t.key(200)} not null,
      position ${t.int} not null,
      supplier_id ${t.key(200)} null,
      supplier_key ${t.key(200)} null,
      pair_buyer ${t.key(200)} not null,
      pair_date ${t.key(10)} null,
      pair_from ${t.key(10)} null,
      share_even ${t.real} not null,
      share_lead ${t.real} not null,
      a_sme ${answer},
      a_tpe ${answer},
      a_local_epci ${answer},
      a_local_departement ${answer},
      a_local_bretagne ${answer},
      charter_member ${answer},
      distance_km ${t.real} null,
      has_prior ${flag},
      primary key (contract_uid, position))`,
    'create index if not exists analytics_fact_share_supplier_idx on analytics_fact_share (supplier_id)',
    'create index if not exists analytics_fact_share_pair_idx on analytics_fact_share (pair_buyer, supplier_key, pair_date)',
    // when the projections last changed: every answer says how current it is
    `alter table analytics_projection_revision add column changed_at ${t.key(40)} null`,
  ];
}

const FACT_DROP = ['drop table if exists analytics_fact_share', 'drop table if exists analytics_fact', 'alter table analytics_projection_revision drop column changed_at'];

class AnalyticsFactsPostgres extends Migration {
  override async up(): Promise<void> {
    for (const sql of factStatements('postgresql')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    for (const sql of FACT_DROP) this.addSql(sql);
  }
}

class AnalyticsFactsSqlite extends Migration {
  override async up(): Promise<void> {
    for (const sql of factStatements('sqlite')) this.addSql(sql);
  }
  override async down(): Promise<void> {
    for (const sql of FACT_DROP) this.addSql(sql);
  }
}

export const ANALYTICS_MIGRATIONS: Record<SqlDialect, MigrationEntry[]> = {
  postgresql: [
    { name: 'Migration20261201000000_analytics_initial', class: AnalyticsInitialPostgres },
    { name: 'Migration20261215000000_analytics_expected_buyer', class: AnalyticsExpectedBuyerPostgres },
    { name: 'Migration20261216000000_analytics_contract_kind', class: AnalyticsContractKindPostgres },
    { name: 'Migration20261220000000_analytics_facts', class: AnalyticsFactsPostgres },
  ],
  sqlite: [
    { name: 'Migration20261201000000_analytics_initial', class: AnalyticsInitialSqlite },
    { name: 'Migration20261215000000_analytics_expected_buyer', class: AnalyticsExpectedBuyerSqlite },
    { name: 'Migration20261216000000_analytics_contract_kind', class: AnalyticsContractKindSqlite },
    { name: 'Migration20261220000000_analytics_facts', class: AnalyticsFactsSqlite },
  ],
};
