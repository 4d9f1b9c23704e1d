import { join } from 'node:path';
import { z } from 'zod';
import type { OrganisationProfileStore } from './domain/organisation-profile-store.port';
import type { SearchIndex } from './domain/search-index.port';
import { SearchConfigInvalidError } from './domain/search.errors';
import { ElasticsearchOrganisationProfileStore } from './infrastructure/elasticsearch/elasticsearch-organisation-profile-store';
import { ElasticsearchSearchIndex } from './infrastructure/elasticsearch/elasticsearch-search-index';
import { EmbeddedOrganisationProfileStore } from './infrastructure/embedded/embedded-organisation-profile-store';
import { EmbeddedSearchIndex } from './infrastructure/embedded/embedded-search-index';

const indexPrefix = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,60}$/, 'lowercase letters, digits, "-" or "_" (an index name prefix)');

export const SearchConfigSchema = z.discriminatedUnion('engine', [
  z.strictObject({
    engine: z.literal('elasticsearch'),
    url: z.url(),
    /** No default on purpose: the client must be told which server it talks to. */
    flavor: z.enum(['opensearch', 'elasticsearch']),
    indexPrefix: indexPrefix.default('observatoire'),
    username: z.string().optional(),
    password: z.string().optional(),
    batchSize: z.number().int().min(1).max(10_000).optional(),
    concurrency: z.number().int().min(1).max(16).optional(),
  }),
  z.strictObject({
    engine: z.literal('embedded'),
    /** SQLite file, or ':memory:'. */
    file: z.string().min(1),
    /** Read-only reader threads for queries (0, the default = queries on the writer's connection). */
    readers: z.number().int().min(0).max(16).optional(),
    /** Queries queued or running on the readers before new ones are refused with 503 (default 64). */
    maxQueue: z.number().int().min(1).max(10_000).optional(),
  }),
]);
export type SearchConfig = z.input<typeof SearchConfigSchema>;

/**
 * Typed configuration from the environment, failing fast (no silent fallback to a default server):
 *  SEARCH_ENGINE=elasticsearch → SEARCH_URL, SEARCH_ENGINE_FLAVOR=opensearch|elasticsearch, SEARCH_INDEX_PREFIX,
 *                                SEARCH_USERNAME, SEARCH_PASSWORD
 *  SEARCH_ENGINE=embedded      → SEARCH_DATA_DIR (file search-contracts.sqlite in it) or SEARCH_SQLITE_FILE,
 *                                SEARCH_EMBEDDED_READERS, SEARCH_EMBEDDED_MAX_QUEUE
 */
export function searchConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SearchConfig {
  const engine = env.SEARCH_ENGINE;
  const raw =
    engine === 'elasticsearch'
      ? {
          engine,
          url: env.SEARCH_URL,
          flavor: env.SEARCH_ENGINE_FLAVOR,
          indexPrefix: env.SEARCH_INDEX_PREFIX,
          username: env.SEARCH_USERNAME,
          password: env.SEARCH_PASSWORD,
        }
      : engine === 'embedded'
        ? {
            engine,
            file: env.SEARCH_SQLITE_FILE ?? (env.SEARCH_DATA_DIR ? join(env.SEARCH_DATA_DIR, 'search-contracts.sqlite') : undefined),
            readers: numberOrRaw(env.SEARCH_EMBEDDED_READERS),
            maxQueue: numberOrRaw(env.SEARCH_EMBEDDED_MAX_QUEUE),
          }
        : { engine };
  return parseSearchConfig(JSON.parse(JSON.stringify(raw)));
}

/** A numeric variable as a number (the schema then checks its range), kept as text when it is not one (the schema names it). */
function numberOrRaw(v: string | undefined): number | string | undefined {
  if (v === undefined || v === '') return undefined;
  return /^\d+$/.test(v) ? Number(v) : v;
}

export function parseSearchConfig(input: unknown): SearchConfig {
  const result = SearchConfigSchema.safeParse(input);
  if (!result.success) {
    throw new SearchConfigInvalidError(
      `Invalid search configuration: ${result.error.issues.map((i) => `${i.path.join('.') || 'engine'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

export function createSearchIndex(config: SearchConfig): SearchIndex {
  const c = SearchConfigSchema.parse(config);
  return c.engine === 'elasticsearch' ? new ElasticsearchSearchIndex(c) : new EmbeddedSearchIndex(c);
}

/**
 * The search service's copy of organisation profiles, on the same engine as the index: a table of
 * the embedded file, or the index `<prefix>-organisations`.
 */
export function createOrganisationProfileStore(config: SearchConfig): OrganisationProfileStore {
  const c = SearchConfigSchema.parse(config);
  return c.engine === 'elasticsearch'
    ? new ElasticsearchOrganisationProfileStore({ url: c.url, flavor: c.flavor, indexPrefix: c.indexPrefix, username: c.username, password: c.password })
    : new EmbeddedOrganisationProfileStore({ file: c.file });
}
