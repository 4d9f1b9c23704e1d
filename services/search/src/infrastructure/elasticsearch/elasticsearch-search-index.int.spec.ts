import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { describeSearchIndexConformance } from '../../search-index.conformance';
import { ElasticsearchSearchIndex } from './elasticsearch-search-index';

/** The real OpenSearch started once per run by tools/test/global-engines.ts; every test gets its own index prefix. */
const url = inject('engines').opensearch.url;
const run = randomBytes(3).toString('hex');
let n = 0;

describeSearchIndexConformance(
  'OpenSearch through the @elastic/elasticsearch client',
  () => new ElasticsearchSearchIndex({ url, flavor: 'opensearch', indexPrefix: `test-search-${run}-${++n}` }),
);
