import { Client, errors } from '@elastic/elasticsearch';
import type { OrganisationProfile } from '@observatoire/contracts';
import type { OrganisationProfileStore, StoredProfile } from '../../domain/organisation-profile-store.port';
import { SearchEngineError } from '../../domain/search.errors';
import type { SearchEngineFlavor } from './elasticsearch-search-index';
import { OpenSearchCompatibleTransport } from './opensearch-compatible-transport';

export interface ElasticsearchOrganisationProfileStoreConfig {
  url: string;
  flavor: SearchEngineFlavor;
  /** The index is `<prefix>-organisations`. */
  indexPrefix: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
}

interface ProfileDocument {
  id: string;
  version: number;
  appliedVersion: number | null;
  profile: OrganisationProfile;
}

/**
 * Organisation profiles in the index `<prefix>-organisations`, one document per identifier, written
 * with `version_type: external_gte` on the event's aggregateVersion (an older profile gets 409 and
 * changes nothing; the same version is rewritten). Read with mget, which is real-time.
 * The profile is stored, not indexed (`enabled: false`): the store is a key-value lookup.
 */
export class ElasticsearchOrganisationProfileStore implements OrganisationProfileStore {
  private readonly client: Client;
  readonly index: string;

  constructor(private readonly config: ElasticsearchOrganisationProfileStoreConfig) {
    this.client = new Client({
      node: config.url,
      auth: config.username ? { username: config.username, password: config.password ?? '' } : undefined,
      requestTimeout: config.requestTimeoutMs ?? 30_000,
      ...(config.flavor === 'opensearch' ? { Transport: OpenSearchCompatibleTransport } : {}),
    });
    this.index = `${config.indexPrefix}-organisations`;
  }

  async ensure(): Promise<void> {
    try {
      if (await this.client.indices.exists({ index: this.index })) return;
      await this.client.indices.create({
        index: this.index,
        settings: { number_of_shards: 1, number_of_replicas: 0 },
        mappings: {
          dynamic: 'strict',
          properties: { id: { type: 'keyword' }, version: { type: 'long' }, appliedVersion: { type: 'long' }, profile: { type: 'object', enabled: false } },
        },
      });
    } catch (err) {
      if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') return;
      throw this.engineError('ensure', err);
    }
  }

  async put(profile: OrganisationProfile, version: number): Promise<boolean> {
    return this.write({ id: profile.id, version, appliedVersion: null, profile });
  }

  async markApplied(profile: OrganisationProfile, version: number): Promise<void> {
    // Same version, external_gte: rewritten with the mark; a newer profile stored meanwhile wins (409).
    await this.write({ id: profile.id, version, appliedVersion: version, profile });
  }

  private async write(document: ProfileDocument): Promise<boolean> {
    const { id, version } = document;
    try {
      await this.client.index({ index: this.index, id, version, version_type: 'external_gte', document });
      return true;
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 409) return false;
      throw this.engineError('put', err);
    }
  }

  async getMany(ids: readonly string[]): Promise<Map<string, StoredProfile>> {
    const out = new Map<string, StoredProfile>();
    const unique = [...new Set(ids)];
    if (unique.length === 0) return out;
    try {
      const res = await this.client.mget<ProfileDocument>({ index: this.index, ids: unique, realtime: true });
      for (const d of res.docs) {
        if ('found' in d && d.found && d._source) out.set(d._source.id, { profile: d._source.profile, version: d._source.version, appliedVersion: d._source.appliedVersion ?? null });
      }
      return out;
    } catch (err) {
      throw this.engineError('getMany', err);
    }
  }

  async count(): Promise<number> {
    try {
      await this.client.indices.refresh({ index: this.index });
      return (await this.client.count({ index: this.index })).count;
    } catch (err) {
      throw this.engineError('count', err);
    }
  }

  async drop(): Promise<void> {
    try {
      await this.client.indices.delete({ index: this.index, ignore_unavailable: true });
    } catch (err) {
      throw this.engineError('drop', err);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private engineError(operation: string, err: unknown): Error {
    const detail =
      err instanceof errors.ResponseError
        ? `${err.statusCode} ${JSON.stringify(err.body?.error?.root_cause?.[0] ?? err.body?.error ?? err.body).slice(0, 500)}`
        : err instanceof Error
          ? err.message
          : String(err);
    return new SearchEngineError(`${operation} on ${this.index}: ${detail}`, { cause: err });
  }
}
