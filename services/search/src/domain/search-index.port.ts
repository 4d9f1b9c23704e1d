import type { OrganisationProfile } from '@observatoire/contracts';
import type { ContractSearchDocument } from './search-document';
import type { SearchQueryInput } from './search-query';
import type { OrganisationSuggestion, SearchResult } from './search-result';

export interface UpsertFailure {
  uid: string;
  reason: string;
}

export interface UpsertReport {
  /** Documents written (new, or newer than the stored version). */
  applied: number;
  /** Documents skipped because the index holds the same or a newer version (external versioning). */
  stale: number;
  /** Documents the engine refused for another reason, by uid: the caller dead-letters them. */
  failed: UpsertFailure[];
}

export interface UpsertOptions {
  /**
   * Also write a document whose stored version equals its own (re-denormalising a revision already
   * indexed, e.g. with a profile stored meanwhile); an older document stays `stale`. Default false.
   */
  sameVersion?: boolean;
}

export interface OrganisationUpdateReport {
  /** Documents re-denormalised with the new profile. */
  updated: number;
}

export interface ReindexReport {
  from: string;
  to: string;
  documents: number;
}

export interface SearchIndexHealth {
  status: 'up' | 'down';
  engine: 'elasticsearch' | 'opensearch' | 'embedded';
  detail: string;
}

/**
 * The search port. Adapters: Elasticsearch/OpenSearch (server) and embedded SQLite FTS5 (no server).
 * Both pass the same conformance suite (search-index.conformance.ts).
 */
export interface SearchIndex {
  /** Create the index (and alias) if missing. Idempotent. */
  ensureIndex(): Promise<void>;
  /** Write documents with external versioning: a version lower than or equal to the stored one is skipped. */
  upsertMany(docs: ContractSearchDocument[], options?: UpsertOptions): Promise<UpsertReport>;
  /** Re-denormalise every document naming this organisation (profiles may arrive after contracts). */
  updateOrganisation(profile: OrganisationProfile): Promise<OrganisationUpdateReport>;
  /**
   * Set-based `updateOrganisation`: every document naming any of these organisations is found with
   * one query (per chunk of ids), re-denormalised with all of them and written back once.
   * Profiles with the same id: the last one wins. `updated` counts documents, each once.
   */
  updateOrganisations(profiles: readonly OrganisationProfile[]): Promise<OrganisationUpdateReport>;
  /** Validates the query (throws SearchQueryInvalidError / SearchCursorInvalidError) and runs it. */
  search(query: SearchQueryInput): Promise<SearchResult>;
  /** Buyers and suppliers whose name has words starting with the prefix (or whose id starts with it). */
  suggestOrganisations(prefix: string, limit?: number): Promise<OrganisationSuggestion[]>;
  count(): Promise<number>;
  /** Make writes visible to search (near-real-time engines); a no-op where writes are visible at once. */
  refresh(): Promise<void>;
  /** Rebuild the index from its stored documents (new analysis chain or mapping) without downtime. */
  reindex(): Promise<ReindexReport>;
  /** Delete the index and everything in it. */
  drop(): Promise<void>;
  health(): Promise<SearchIndexHealth>;
  close(): Promise<void>;
}
