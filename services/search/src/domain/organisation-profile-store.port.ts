import type { OrganisationProfile } from '@observatoire/contracts';

/** A profile as the search service last received it, with the aggregateVersion of its event. */
export interface StoredProfile {
  profile: OrganisationProfile;
  version: number;
  /**
   * The version whose re-denormalisation (`SearchIndex.updateOrganisation`) completed, or null.
   * Lets a redelivered event skip the (costly) re-denormalisation without ever losing it: the mark
   * is written after the effect, so a crash in between only means the effect runs again.
   */
  appliedVersion: number | null;
}

/**
 * The search service's own copy of the organisation profiles it received (SupplierResolved /
 * BuyerResolved): services never call each other, so a ContractPublished is denormalised with
 * what this store holds. Adapters: a table in the embedded SQLite file, an index
 * `<prefix>-organisations` on Elasticsearch/OpenSearch.
 *
 * Reads are real-time (a `put` is visible to the next `getMany`, on Elasticsearch through GET/mget,
 * not search): the consumers' race argument relies on it.
 */
export interface OrganisationProfileStore {
  /** Create the table / index if missing. Idempotent. */
  ensure(): Promise<void>;
  /**
   * Store the profile with external versioning on its event's aggregateVersion. Returns true when
   * the store now holds this version (it was older, absent, or the same version: a redelivery),
   * false when it already holds a newer one (the event is stale and changes nothing).
   */
  put(profile: OrganisationProfile, version: number): Promise<boolean>;
  /** Record that the documents naming this profile were re-denormalised with this version (no-op if a newer one is stored). */
  markApplied(profile: OrganisationProfile, version: number): Promise<void>;
  /** The stored profiles of these identifiers (absent ones are left out). */
  getMany(ids: readonly string[]): Promise<Map<string, StoredProfile>>;
  count(): Promise<number>;
  /** Delete every stored profile (rebuild from the log). */
  drop(): Promise<void>;
  close(): Promise<void>;
}
