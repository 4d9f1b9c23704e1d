import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OrganisationProfile } from '@observatoire/contracts';
import type { OrganisationProfileStore, StoredProfile } from '../../domain/organisation-profile-store.port';

export interface EmbeddedOrganisationProfileStoreConfig {
  /** SQLite file (the search index's own file: one more table in it), or ':memory:'. */
  file: string;
}

/**
 * Organisation profiles in a table `organisation_profiles` of the embedded search file. Its own
 * connection: better-sqlite3 is synchronous, so within one process its statements never interleave
 * with the index's; WAL lets both connections read while one writes.
 */
export class EmbeddedOrganisationProfileStore implements OrganisationProfileStore {
  private readonly db: Database.Database;

  constructor(private readonly config: EmbeddedOrganisationProfileStoreConfig) {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    this.db = new Database(config.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  async ensure(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS organisation_profiles (id TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_version INTEGER, profile TEXT NOT NULL) WITHOUT ROWID',
    );
  }

  async put(profile: OrganisationProfile, version: number): Promise<boolean> {
    // Version compared in the statement itself: newer or equal replaces, older leaves the row.
    const res = this.db
      .prepare(
        `INSERT INTO organisation_profiles (id, version, applied_version, profile) VALUES (?, ?, NULL, ?)
         ON CONFLICT(id) DO UPDATE SET version = excluded.version, profile = excluded.profile
         WHERE excluded.version >= organisation_profiles.version`,
      )
      .run(profile.id, version, JSON.stringify(profile));
    return res.changes > 0;
  }

  async markApplied(profile: OrganisationProfile, version: number): Promise<void> {
    this.db.prepare('UPDATE organisation_profiles SET applied_version = ? WHERE id = ? AND version = ?').run(version, profile.id, version);
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredProfile>> {
    const out = new Map<string, StoredProfile>();
    const unique = [...new Set(ids)];
    const select = this.db.prepare('SELECT id, version, applied_version, profile FROM organisation_profiles WHERE id = ?');
    for (const id of unique) {
      const row = select.get(id) as { id: string; version: number; applied_version: number | null; profile: string } | undefined;
      if (row) out.set(row.id, { version: row.version, appliedVersion: row.applied_version, profile: JSON.parse(row.profile) as OrganisationProfile });
    }
    return out;
  }

  async count(): Promise<number> {
    return this.db.prepare('SELECT COUNT(*) FROM organisation_profiles').pluck().get() as number;
  }

  async drop(): Promise<void> {
    this.db.exec('DROP TABLE IF EXISTS organisation_profiles');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
