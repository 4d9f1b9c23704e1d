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

export const INGEST_MIGRATIONS: Record<SqlDialect, MigrationEntry[]> = {
  postgresql: [{ name: 'Migration20261128000000_ingest_initial', class: IngestInitialPostgres }],
  sqlite: [{ name: 'Migration20261128000000_ingest_initial', class: IngestInitialSqlite }],
};
