import { Migration } from '@mikro-orm/migrations';
import type { MigrationEntry, SqlDialect } from '@observatoire/platform';

class IngestInitialPostgres extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_contract_state (
      uid varchar(200) primary key, revision integer not null default 0, content_hash varchar(64) null,
      published_state text null, staged_state text null, staged_run varchar(64) null, updated_at timestamptz not null)`);
    this.addSql('create index if not exists ingest_contract_state_staged_run_idx on ingest_contract_state (staged_run, uid)');
    this.addSql(`create table if not exists ingest_quarantine (
      id varchar(64) primary key, source varchar(200) not null, file text not null, position integer not null,
      format varchar(32) null, record_id varchar(200) null, acheteur_id varchar(200) null, reasons text not null, raw text not null,
      first_seen_run varchar(64) not null, last_seen_run varchar(64) not null, created_at timestamptz not null)`);
    this.addSql('create index if not exists ingest_quarantine_file_idx on ingest_quarantine (file, position)');
    this.addSql(`create table if not exists ingest_run (
      run_id varchar(64) primary key, trigger varchar(200) not null, started_at timestamptz not null,
      finished_at timestamptz null, summary text null)`);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_run');
    this.addSql('drop table if exists ingest_quarantine');
    this.addSql('drop table if exists ingest_contract_state');
  }
}

class IngestInitialSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_contract_state (
      uid text primary key, revision integer not null default 0, content_hash text null,
      published_state text null, staged_state text null, staged_run text null, updated_at datetime not null)`);
    this.addSql('create index if not exists ingest_contract_state_staged_run_idx on ingest_contract_state (staged_run, uid)');
    this.addSql(`create table if not exists ingest_quarantine (
      id text primary key, source text not null, file text not null, position integer not null,
      format text null, record_id text null, acheteur_id text null, reasons text not null, raw text not null,
      first_seen_run text not null, last_seen_run text not null, created_at datetime not null)`);
    this.addSql('create index if not exists ingest_quarantine_file_idx on ingest_quarantine (file, position)');
    this.addSql(`create table if not exists ingest_run (
      run_id text primary key, trigger text not null, started_at datetime not null,
      finished_at datetime null, summary text null)`);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_run');
    this.addSql('drop table if exists ingest_quarantine');
    this.addSql('drop table if exists ingest_contract_state');
  }
}

/** The feed registry: buyers and their DECP feeds, with the state of their last pulls (docs/feeds.md). */
class IngestFeedsPostgres extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_buyer (
      siret varchar(14) primary key, nom varchar(300) not null, created_at timestamptz not null)`);
    this.addSql(`create table if not exists ingest_feed (
      id varchar(40) primary key, buyer_siret varchar(14) not null references ingest_buyer (siret),
      url text null, kind varchar(20) not null, interval_minutes integer not null, enabled boolean not null default true,
      credentials_env varchar(100) null, etag text null, last_modified varchar(100) null, last_content_hash varchar(64) null,
      last_pull_at timestamptz null, last_success_at timestamptz null, last_changed_at timestamptz null,
      last_result varchar(16) null, last_error text null, consecutive_failures integer not null default 0,
      next_pull_at timestamptz null, last_records integer null, last_accepted integer null, last_flagged integer null,
      last_quarantined integer null, last_published integer null, created_at timestamptz not null, updated_at timestamptz not null)`);
    this.addSql('create index if not exists ingest_feed_due_idx on ingest_feed (enabled, next_pull_at)');
    this.addSql('create index if not exists ingest_feed_buyer_idx on ingest_feed (buyer_siret)');
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_feed');
    this.addSql('drop table if exists ingest_buyer');
  }
}

class IngestFeedsSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_buyer (
      siret text primary key, nom text not null, created_at datetime not null)`);
    this.addSql(`create table if not exists ingest_feed (
      id text primary key, buyer_siret text not null references ingest_buyer (siret),
      url text null, kind text not null, interval_minutes integer not null, enabled integer not null default 1,
      credentials_env text null, etag text null, last_modified text null, last_content_hash text null,
      last_pull_at datetime null, last_success_at datetime null, last_changed_at datetime null,
      last_result text null, last_error text null, consecutive_failures integer not null default 0,
      next_pull_at datetime null, last_records integer null, last_accepted integer null, last_flagged integer null,
      last_quarantined integer null, last_published integer null, created_at datetime not null, updated_at datetime not null)`);
    this.addSql('create index if not exists ingest_feed_due_idx on ingest_feed (enabled, next_pull_at)');
    this.addSql('create index if not exists ingest_feed_buyer_idx on ingest_feed (buyer_siret)');
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_feed');
    this.addSql('drop table if exists ingest_buyer');
  }
}

/**
 * The ledger lock (`infrastructure/locking/`): on SQLite this row IS the lock (a lease with owner and
 * expiry, epoch milliseconds); on PostgreSQL the lock is a session advisory lock and the row only tells
 * waiting runs who holds it.
 */
class IngestLedgerLockPostgres extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_ledger_lock (
      name varchar(64) primary key, owner_run varchar(64) not null, owner_trigger varchar(200) not null,
      acquired_at bigint not null, heartbeat_at bigint not null, expires_at bigint not null)`);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_ledger_lock');
  }
}

class IngestLedgerLockSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists ingest_ledger_lock (
      name text primary key, owner_run text not null, owner_trigger text not null,
      acquired_at integer not null, heartbeat_at integer not null, expires_at integer not null)`);
  }
  override async down(): Promise<void> {
    this.addSql('drop table if exists ingest_ledger_lock');
  }
}

/**
 * The registry stamp of each buyer (`BuyerRegistered`, docs/feeds.md "Buyer registry events"): the version raised
 * each time the published content of the buyer changes, and the hash of that content.
 */
class IngestBuyerRegistryStampPostgres extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table ingest_buyer add column if not exists registry_version integer not null default 0');
    this.addSql('alter table ingest_buyer add column if not exists registry_hash varchar(64) null');
  }
  override async down(): Promise<void> {
    this.addSql('alter table ingest_buyer drop column if exists registry_hash');
    this.addSql('alter table ingest_buyer drop column if exists registry_version');
  }
}

class IngestBuyerRegistryStampSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table ingest_buyer add column registry_version integer not null default 0');
    this.addSql('alter table ingest_buyer add column registry_hash text null');
  }
  override async down(): Promise<void> {
    this.addSql('alter table ingest_buyer drop column registry_hash');
    this.addSql('alter table ingest_buyer drop column registry_version');
  }
}

/**
 * The content hash of a staged state, computed once when it is staged: publication compares it with the
 * published hash without parsing and hashing every staged state again.
 */
class IngestStagedHashPostgres extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table ingest_contract_state add column if not exists staged_hash varchar(64) null');
  }
  override async down(): Promise<void> {
    this.addSql('alter table ingest_contract_state drop column if exists staged_hash');
  }
}

class IngestStagedHashSqlite extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table ingest_contract_state add column staged_hash text null');
  }
  override async down(): Promise<void> {
    this.addSql('alter table ingest_contract_state drop column staged_hash');
  }
}

export const INGEST_MIGRATIONS: Record<SqlDialect, MigrationEntry[]> = {
  postgresql: [
    { name: 'Migration20261128000000_ingest_initial', class: IngestInitialPostgres },
    { name: 'Migration20261128100000_ingest_feeds', class: IngestFeedsPostgres },
    { name: 'Migration20261128200000_ingest_ledger_lock', class: IngestLedgerLockPostgres },
    { name: 'Migration20261215000000_ingest_buyer_registry_stamp', class: IngestBuyerRegistryStampPostgres },
    { name: 'Migration20261216000000_ingest_staged_hash', class: IngestStagedHashPostgres },
  ],
  sqlite: [
    { name: 'Migration20261128000000_ingest_initial', class: IngestInitialSqlite },
    { name: 'Migration20261128100000_ingest_feeds', class: IngestFeedsSqlite },
    { name: 'Migration20261128200000_ingest_ledger_lock', class: IngestLedgerLockSqlite },
    { name: 'Migration20261215000000_ingest_buyer_registry_stamp', class: IngestBuyerRegistryStampSqlite },
    { name: 'Migration20261216000000_ingest_staged_hash', class: IngestStagedHashSqlite },
  ],
};
