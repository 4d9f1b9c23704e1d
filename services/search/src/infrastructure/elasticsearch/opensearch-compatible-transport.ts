import { Transport, type TransportOptions } from '@elastic/elasticsearch';

/**
 * The @elastic/elasticsearch 8 client refuses servers that do not send `x-elastic-product`
 * and sends `application/vnd.elasticsearch+json; compatible-with=8` media types, which
 * OpenSearch answers with 406. This transport drops both so the client talks plain JSON
 * (see /work/shared/docs/INFRA.md). Used only when SEARCH_ENGINE_FLAVOR=opensearch.
 */
export class OpenSearchCompatibleTransport extends Transport {
  constructor(opts: TransportOptions) {
    super({ ...opts, productCheck: undefined, vendoredHeaders: undefined });
  }
}
