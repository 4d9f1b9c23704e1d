import { SearchConfigInvalidError } from './domain/search.errors';
import { ElasticsearchSearchIndex } from './infrastructure/elasticsearch/elasticsearch-search-index';
import { EmbeddedSearchIndex } from './infrastructure/embedded/embedded-search-index';
import { createSearchIndex, searchConfigFromEnv } from './search-index.factory';

describe('search configuration', () => {
  it('reads an OpenSearch configuration from the environment', () => {
    expect(
      searchConfigFromEnv({ SEARCH_ENGINE: 'elasticsearch', SEARCH_URL: 'http://127.0.0.1:9200', SEARCH_ENGINE_FLAVOR: 'opensearch', SEARCH_INDEX_PREFIX: 'obs' }),
    ).toEqual({ engine: 'elasticsearch', url: 'http://127.0.0.1:9200', flavor: 'opensearch', indexPrefix: 'obs' });
  });

  it('fails fast without an explicit flavor or URL: no silent default server', () => {
    expect(() => searchConfigFromEnv({ SEARCH_ENGINE: 'elasticsearch', SEARCH_URL: 'http://127.0.0.1:9200' })).toThrow(SearchConfigInvalidError);
    expect(() => searchConfigFromEnv({ SEARCH_ENGINE: 'elasticsearch', SEARCH_ENGINE_FLAVOR: 'opensearch' })).toThrow(/url/);
    expect(() => searchConfigFromEnv({})).toThrow(SearchConfigInvalidError);
    expect(() => searchConfigFromEnv({ SEARCH_ENGINE: 'embedded' })).toThrow(/file/);
  });

  it('places the embedded file in the data directory', () => {
    expect(searchConfigFromEnv({ SEARCH_ENGINE: 'embedded', SEARCH_DATA_DIR: '/var/lib/observatoire' })).toEqual({
      engine: 'embedded',
      file: '/var/lib/observatoire/search-contracts.sqlite',
    });
  });

  it('creates the adapter the configuration names', async () => {
    const embedded = createSearchIndex({ engine: 'embedded', file: ':memory:' });
    expect(embedded).toBeInstanceOf(EmbeddedSearchIndex);
    await embedded.close();
    const es = createSearchIndex({ engine: 'elasticsearch', url: 'http://127.0.0.1:1', flavor: 'opensearch' });
    expect(es).toBeInstanceOf(ElasticsearchSearchIndex);
    expect((es as ElasticsearchSearchIndex).alias).toBe('observatoire-contracts');
    await es.close();
  });
});
