import { Client, errors, type estypes } from '@elastic/elasticsearch';
import type { OrganisationProfile } from '@observatoire/contracts';
import { applyOrganisationProfiles, type ContractSearchDocument } from '../../domain/search-document';
import type {
  OrganisationUpdateReport,
  ReindexReport,
  SearchIndex,
  SearchIndexHealth,
  UpsertFailure,
  UpsertOptions,
  UpsertReport,
} from '../../domain/search-index.port';
import {
  disjunctiveFacets,
  facetFilterOnly,
  selectedFacetKeys,
  withSelectedBuckets,
  withoutFacetFilter,
} from '../../domain/disjunctive-facets';
import {
  decodeCursor,
  effectiveSort,
  encodeCursor,
  parseSearchQuery,
  parseSuggestQuery,
  type FacetName,
  type SearchFilters,
  type SearchQueryInput,
  type SortField,
  type SortOrder,
  type TerritoryFilter,
} from '../../domain/search-query';
import {
  contractLink,
  summarise,
  type FacetBucket,
  type Facets,
  type OrganisationSuggestion,
  type SearchResult,
} from '../../domain/search-result';
import { SearchCursorInvalidError, SearchEngineError } from '../../domain/search.errors';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE } from '../../domain/highlight';
import { CONTRACTS_INDEX_MAPPINGS, CONTRACTS_INDEX_SETTINGS } from './contracts-index.mapping';
import { OpenSearchCompatibleTransport } from './opensearch-compatible-transport';

export type SearchEngineFlavor = 'opensearch' | 'elasticsearch';

export interface ElasticsearchSearchIndexConfig {
  url: string;
  /** Explicit compatibility mode: opensearch drops the Elastic product check and vendored media types. */
  flavor: SearchEngineFlavor;
  /** Every index name starts with it (tests use their own): alias `<prefix>-contracts`, indices `<prefix>-contracts-v<n>`. */
  indexPrefix: string;
  username?: string;
  password?: string;
  /** Documents per bulk request. */
  batchSize?: number;
  /** Bulk requests in flight at once. */
  concurrency?: number;
  requestTimeoutMs?: number;
}

const ENGINE = 'es';
/** Documents per bulk request (was 500): fewer round trips per batch of the consumer; at 200 k the projection ran at 1.14× a raw _bulk of the same size (docs/benchmarks.md). */
const DEFAULT_BATCH_SIZE = 2000;
/** Organisation ids per `terms` lookup when re-denormalising profiles (far below the 65,536-term limit). */
const PROFILE_ID_CHUNK = 1000;
const FACET_FIELDS: Record<Exclude<FacetName, 'supplierCategorie'>, string> = {
  purchaseType: 'purchaseType',
  cpvDivision: 'cpvDivision',
  buyerDepartement: 'buyer.departement',
  buyerType: 'buyer.type',
  procedure: 'procedure',
  year: 'year',
};
const TEXT_FIELDS = ['objet^3', 'buyer.nom', 'titulaires.nom', 'cpvLabel'];
/** Nulls last in both directions, with missing values that survive a JSON round trip (no Long.MAX). */
const MISSING: Record<'date' | 'amount', Record<SortOrder, number>> = {
  date: { asc: Date.UTC(9999, 11, 31), desc: Date.UTC(1000, 0, 1) }, // epoch millis, as date sort values are
  amount: { asc: 1e308, desc: -1e308 },
};

type Query = estypes.QueryDslQueryContainer;

function territoryFilters(prefix: string, t: TerritoryFilter | undefined): Query[] {
  if (!t) return [];
  const out: Query[] = [];
  if (t.epci) out.push({ terms: { [`${prefix}.epci`]: t.epci } });
  if (t.departement) out.push({ terms: { [`${prefix}.departement`]: t.departement } });
  if (t.region) out.push({ terms: { [`${prefix}.region`]: t.region } });
  if (t.bretagne !== undefined) out.push({ term: { [`${prefix}.bretagne`]: t.bretagne } });
  return out;
}

/** Filters built from validated values only: term/terms/range/prefix/nested, never query_string. */
export function buildFilters(f: SearchFilters): Query[] {
  const out: Query[] = [];
  if (f.buyer) {
    out.push({
      bool: {
        should: f.buyer.map((b) => ({ term: { [b.length === 14 ? 'buyer.siret' : 'buyer.siren']: b } })),
        minimum_should_match: 1,
      },
    });
  }
  if (f.buyerType) out.push({ terms: { 'buyer.type': f.buyerType } });
  out.push(...territoryFilters('buyer', f.buyerTerritory));
  if (f.supplierTerritory || f.supplierCategorie) {
    const inner = territoryFilters('titulaires', f.supplierTerritory);
    if (f.supplierCategorie) inner.push({ terms: { 'titulaires.categorie': f.supplierCategorie } });
    out.push({ nested: { path: 'titulaires', query: { bool: { filter: inner } } } });
  }
  if (f.cpv) {
    out.push({ bool: { should: f.cpv.map((p) => ({ prefix: { codeCPV: p } })), minimum_should_match: 1 } });
  }
  if (f.purchaseType) out.push({ terms: { purchaseType: f.purchaseType } });
  if (f.nature) out.push({ terms: { nature: f.nature } });
  if (f.procedure) out.push({ terms: { procedure: f.procedure } });
  if (f.notificationDate) {
    out.push({ range: { dateNotification: { gte: f.notificationDate.min, lte: f.notificationDate.max } } });
  }
  if (f.year) out.push({ terms: { year: f.year } });
  if (f.amount) out.push({ range: { amount: { gte: f.amount.min, lte: f.amount.max } } });
  const flags: [boolean | undefined, string][] = [
    [f.considerationSociale, 'considerationSociale'],
    [f.considerationEnvironnementale, 'considerationEnvironnementale'],
    [f.innovation, 'marcheInnovant'],
    [f.subcontracting, 'sousTraitanceDeclaree'],
    [f.singleBid, 'singleBid'],
  ];
  for (const [value, field] of flags) if (value !== undefined) out.push({ term: { [field]: value } });
  return out;
}

function sortClause(field: SortField, order: SortOrder): estypes.SortCombinations[] {
  switch (field) {
    case 'relevance':
      return [{ _score: { order: 'desc' } }, { uid: { order: 'asc' } }];
    case 'date':
      return [{ dateNotification: { order, missing: MISSING.date[order] } }, { uid: { order: 'asc' } }];
    case 'amount':
      return [{ amount: { order, missing: MISSING.amount[order] } }, { uid: { order: 'asc' } }];
  }
}

const allOf = (clauses: Query[]): Query => (clauses.length === 0 ? { match_all: {} } : clauses.length === 1 ? clauses[0] : { bool: { filter: clauses } });

/**
 * Disjunctive faceting, the standard way: the query holds the text and every filter not tied to a
 * disjunctive facet; `post_filter` holds the filters of the disjunctive facets (so hits and total use
 * every filter); each facet aggregation sits in a `filter` aggregation with the other facets' filters.
 * Filters of facets that are not requested stay in the query (post_filter costs more).
 */
export function buildSearchFilters(filters: SearchFilters, facets: FacetName[]): { query: Query[]; postFilter: Query | undefined; facetFilters: Map<FacetName, Query> } {
  const disjunctive = disjunctiveFacets({ filters, facets });
  const base = disjunctive.reduce(withoutFacetFilter, filters);
  const facetFilters = new Map(disjunctive.map((f) => [f, allOf(buildFilters(facetFilterOnly(filters, f)))]));
  return { query: buildFilters(base), postFilter: facetFilters.size ? allOf([...facetFilters.values()]) : undefined, facetFilters };
}

const sumAmount = { amount: { sum: { field: 'amount' } } } satisfies Record<string, estypes.AggregationsAggregationContainer>;

function facetAggregations(
  names: FacetName[],
  filters: SearchFilters,
  facetFilters: Map<FacetName, Query>,
): Record<string, estypes.AggregationsAggregationContainer> {
  const aggs: Record<string, estypes.AggregationsAggregationContainer> = {};
  for (const name of names) {
    const others = [...facetFilters].filter(([f]) => f !== name).map(([, q]) => q);
    const inner: Record<string, estypes.AggregationsAggregationContainer> = {};
    if (name === 'supplierCategorie') {
      // nested → titulaires meeting the supplier territory filter → per category → back to the contract:
      // each contract counted (and summed) once per category; 4 categories, so the terms size never truncates.
      inner.values = {
        nested: { path: 'titulaires' },
        aggs: {
          scope: {
            filter: allOf(territoryFilters('titulaires', filters.supplierTerritory)),
            aggs: {
              buckets: {
                terms: { field: 'titulaires.categorie', size: 20 },
                aggs: { contracts: { reverse_nested: {}, aggs: sumAmount } },
              },
            },
          },
        },
      };
    } else {
      const field = FACET_FIELDS[name];
      inner.values = { terms: { field, size: 200 }, aggs: sumAmount };
      // Selected keys are counted exactly even when they fall outside the top 200 terms.
      const selected = selectedFacetKeys(filters, name);
      if (selected.length) {
        inner.selected = {
          filters: { filters: selected.map((k) => ({ term: { [field]: name === 'year' ? Number(k) : k } })) },
          aggs: sumAmount,
        };
      }
    }
    if (others.length) {
      aggs[name] = { filter: allOf(others), aggs: inner };
    } else {
      // No other facet filter: unwrapped, so the engine keeps its fast paths for top-level terms aggregations.
      aggs[name] = inner.values;
      if (inner.selected) aggs[`${name}${SELECTED_SUFFIX}`] = inner.selected;
    }
  }
  return aggs;
}

const SELECTED_SUFFIX = '_selected';
/** The total of a search with facet filters (post_filter): a filter aggregation of the counts request. */
const TOTAL_AGG = 'hits_total';

interface TermsBucket {
  key: string | number;
  doc_count: number;
  amount?: { value: number | null };
  contracts?: { doc_count: number; amount: { value: number | null } };
}

type ValuesAggregation = { buckets?: TermsBucket[]; scope?: { buckets?: { buckets: TermsBucket[] } } };
type SelectedAggregation = { buckets: { doc_count: number; amount: { value: number | null } }[] };
interface FacetAggregation {
  values?: ValuesAggregation;
  selected?: SelectedAggregation;
}

function readFacets(names: FacetName[], filters: SearchFilters, aggs: Record<string, unknown> | undefined): Facets {
  const facets: Facets = {};
  for (const name of names) {
    const raw = aggs?.[name] as (FacetAggregation & ValuesAggregation) | undefined;
    // Wrapped in a filter aggregation (other facets' filters) or not (see facetAggregations).
    const agg: FacetAggregation | undefined =
      raw && 'values' in raw ? raw : { values: raw, selected: aggs?.[`${name}${SELECTED_SUFFIX}`] as SelectedAggregation | undefined };
    const selected = selectedFacetKeys(filters, name);
    const buckets = new Map<string, FacetBucket>();
    if (name === 'supplierCategorie') {
      for (const b of agg?.values?.scope?.buckets?.buckets ?? []) {
        buckets.set(String(b.key), { key: String(b.key), count: b.contracts?.doc_count ?? 0, amount: b.contracts?.amount.value ?? 0 });
      }
    } else {
      for (const b of agg?.values?.buckets ?? []) buckets.set(String(b.key), { key: String(b.key), count: b.doc_count, amount: b.amount?.value ?? 0 });
      agg?.selected?.buckets.forEach((b, i) => {
        if (b.doc_count > 0) buckets.set(selected[i], { key: selected[i], count: b.doc_count, amount: b.amount.value ?? 0 });
      });
    }
    facets[name] = withSelectedBuckets([...buckets.values()], selected);
  }
  return facets;
}

async function mapWithConcurrency<T, R>(items: T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  });
  await Promise.all(workers);
  return results;
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Search index on Elasticsearch 8 or OpenSearch 2 through the @elastic/elasticsearch 8 client.
 * Writes go to the alias `<prefix>-contracts`, which points at one versioned index at a time.
 */
export class ElasticsearchSearchIndex implements SearchIndex {
  private readonly client: Client;
  readonly alias: string;
  private readonly batchSize: number;
  private readonly concurrency: number;

  constructor(private readonly config: ElasticsearchSearchIndexConfig) {
    this.client = new Client({
      node: config.url,
      auth: config.username ? { username: config.username, password: config.password ?? '' } : undefined,
      requestTimeout: config.requestTimeoutMs ?? 30_000,
      ...(config.flavor === 'opensearch' ? { Transport: OpenSearchCompatibleTransport } : {}),
    });
    this.alias = `${config.indexPrefix}-contracts`;
    this.batchSize = config.batchSize ?? DEFAULT_BATCH_SIZE;
    this.concurrency = config.concurrency ?? 2;
  }

  private versionedName(n: number): string {
    return `${this.alias}-v${n}`;
  }

  /** The versioned indices the alias points at (one, except inside a failed swap). */
  private async aliasTargets(): Promise<string[]> {
    try {
      const res = await this.client.indices.getAlias({ name: this.alias });
      return Object.keys(res);
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 404) return [];
      throw this.engineError('alias lookup', err);
    }
  }

  private async createVersionedIndex(name: string): Promise<void> {
    await this.client.indices.create({
      index: name,
      settings: CONTRACTS_INDEX_SETTINGS as unknown as estypes.IndicesIndexSettings,
      mappings: CONTRACTS_INDEX_MAPPINGS as unknown as estypes.MappingTypeMapping,
    });
  }

  async ensureIndex(): Promise<void> {
    if ((await this.aliasTargets()).length > 0) return;
    const name = this.versionedName(1);
    try {
      if (!(await this.client.indices.exists({ index: name }))) await this.createVersionedIndex(name);
      await this.client.indices.updateAliases({ actions: [{ add: { index: name, alias: this.alias, is_write_index: true } }] });
    } catch (err) {
      // Two processes racing to create the index: the loser finds it there.
      if (err instanceof errors.ResponseError && err.body?.error?.type === 'resource_already_exists_exception') {
        return this.ensureIndex();
      }
      throw this.engineError('ensureIndex', err);
    }
  }

  async upsertMany(docs: ContractSearchDocument[], options?: UpsertOptions): Promise<UpsertReport> {
    const versionType = options?.sameVersion ? 'external_gte' : 'external';
    const reports = await mapWithConcurrency(chunk(docs, this.batchSize), this.concurrency, (batch) => this.bulkIndex(batch, versionType));
    return reports.reduce(
      (acc, r) => ({ applied: acc.applied + r.applied, stale: acc.stale + r.stale, failed: [...acc.failed, ...r.failed] }),
      { applied: 0, stale: 0, failed: [] as UpsertFailure[] },
    );
  }

  /**
   * `external`: applied only when strictly newer (upserts). `external_gte`: applied when not older
   * (re-denormalising a document at the version it was read with: a newer write in between wins).
   */
  private async bulkIndex(docs: ContractSearchDocument[], versionType: 'external' | 'external_gte'): Promise<UpsertReport> {
    const report: UpsertReport = { applied: 0, stale: 0, failed: [] };
    if (docs.length === 0) return report;
    const operations = docs.flatMap((doc) => [
      { index: { _index: this.alias, _id: doc.uid, version: doc.version, version_type: versionType } },
      doc,
    ]);
    let res: estypes.BulkResponse;
    try {
      // No refresh here (visibility follows the index refresh interval); only statuses come back.
      res = await this.client.bulk({ operations, filter_path: 'items.*.status,items.*.error' });
    } catch (err) {
      throw this.engineError('bulk', err);
    }
    res.items.forEach((item, i) => {
      const result = item.index;
      const uid = docs[i].uid;
      if (!result || (result.status >= 200 && result.status < 300)) report.applied++;
      else if (result.status === 409) report.stale++;
      else report.failed.push({ uid, reason: `${result.status} ${result.error?.type ?? ''}: ${result.error?.reason ?? ''}`.trim() });
    });
    return report;
  }

  async updateOrganisation(profile: OrganisationProfile): Promise<OrganisationUpdateReport> {
    return this.updateOrganisations([profile]);
  }

  /**
   * Re-fetch every document naming any of the organisations (one `terms` / nested `terms` query per
   * chunk of ids, paginated by `search_after`) and write it back re-denormalised with all of them,
   * at the version it was read with (external_gte): versions stay the event's aggregateVersion, and
   * a newer contract revision written in the meantime is never overwritten (409 → re-read, retry).
   * One refresh per call, not per profile: documents written just before must be visible to the lookup.
   */
  async updateOrganisations(profiles: readonly OrganisationProfile[]): Promise<OrganisationUpdateReport> {
    const byId = new Map(profiles.map((p) => [p.id, p]));
    if (byId.size === 0) return { updated: 0 };
    try {
      await this.refresh();
    } catch (err) {
      throw this.engineError('refresh', err);
    }
    let updated = 0;
    for (const ids of chunk([...byId.keys()], PROFILE_ID_CHUNK)) {
      const query: Query = {
        bool: {
          should: [{ terms: { 'buyer.id': ids } }, { nested: { path: 'titulaires', query: { terms: { 'titulaires.id': ids } } } }],
          minimum_should_match: 1,
        },
      };
      let after: estypes.SortResults | undefined;
      for (;;) {
        let res: estypes.SearchResponse<ContractSearchDocument>;
        try {
          res = await this.client.search<ContractSearchDocument>({
            index: this.alias,
            query,
            size: this.batchSize,
            sort: [{ uid: { order: 'asc' } }],
            search_after: after,
            track_total_hits: false,
          });
        } catch (err) {
          throw this.engineError('updateOrganisations lookup', err);
        }
        const hits = res.hits.hits;
        if (hits.length === 0) break;
        updated += await this.rewriteWithProfiles(
          hits.map((h) => h._source as ContractSearchDocument),
          byId,
        );
        after = hits[hits.length - 1].sort;
        if (hits.length < this.batchSize) break;
      }
    }
    return { updated };
  }

  private async rewriteWithProfiles(docs: ContractSearchDocument[], profiles: Map<string, OrganisationProfile>, attempt = 0): Promise<number> {
    const report = await this.bulkIndex(docs.map((d) => applyOrganisationProfiles(d, profiles)), 'external_gte');
    const names = () => [...profiles.keys()].slice(0, 5).join(', ') + (profiles.size > 5 ? ` (+${profiles.size - 5})` : '');
    if (report.failed.length > 0) {
      throw new SearchEngineError(`updateOrganisations ${names()}: ${report.failed.map((f) => `${f.uid} ${f.reason}`).join('; ')}`);
    }
    if (report.stale === 0) return report.applied;
    if (attempt >= 3) throw new SearchEngineError(`updateOrganisations ${names()}: documents kept changing, gave up after 3 attempts`);
    // Some documents got a newer version between read and write: read those again and retry.
    const fresh = await this.client.mget<ContractSearchDocument>({ index: this.alias, ids: docs.map((d) => d.uid) });
    const oldVersion = new Map(docs.map((d) => [d.uid, d.version]));
    const newer = fresh.docs
      .map((d) => ('_source' in d && d._source ? d._source : null))
      .filter((d): d is ContractSearchDocument => d !== null && d.version > (oldVersion.get(d.uid) ?? Infinity));
    return report.applied + (await this.rewriteWithProfiles(newer, profiles, attempt + 1));
  }

  async search(input: SearchQueryInput): Promise<SearchResult> {
    const q = parseSearchQuery(input);
    const sort = effectiveSort(q);
    let searchAfter: estypes.SortResults | undefined;
    if (q.cursor) {
      const values = decodeCursor(ENGINE, sort, q.cursor);
      if (values.length !== 2 || !values.every((v) => typeof v === 'string' || typeof v === 'number')) {
        throw new SearchCursorInvalidError('malformed position');
      }
      searchAfter = values as estypes.SortResults;
    }
    const must: Query[] = q.q
      ? [
          {
            multi_match: {
              query: q.q,
              type: 'cross_fields',
              operator: 'and',
              fields: TEXT_FIELDS,
              zero_terms_query: 'none',
            },
          },
        ]
      : [];
    const { query: filter, postFilter, facetFilters } = buildSearchFilters(q.filters, q.facets);
    const query: Query = { bool: { must, filter } };
    // Two searches in one round trip. The page: sorted hits only, no total (track_total_hits: false
    // lets the engine stop early). The counts: size 0, the total and every facet, through the shard
    // request cache — the same counts serve every page, sort and highlight setting of a search, and
    // stay cached until the next refresh that changes the index.
    const pageBody: estypes.MsearchMultisearchBody = {
      query,
      post_filter: postFilter,
      size: q.size + 1,
      sort: sortClause(sort.field, sort.order),
      search_after: searchAfter,
      track_total_hits: false,
      track_scores: sort.field === 'relevance',
      highlight:
        q.highlight && q.q
          ? {
              encoder: 'html',
              pre_tags: [HIGHLIGHT_PRE],
              post_tags: [HIGHLIGHT_POST],
              fields: { objet: { number_of_fragments: 0 } },
            }
          : undefined,
    };
    const aggs = q.facets.length ? facetAggregations(q.facets, q.filters, facetFilters) : {};
    if (postFilter) aggs[TOTAL_AGG] = { filter: postFilter };
    const countsBody: estypes.MsearchMultisearchBody = {
      query,
      size: 0,
      track_total_hits: true,
      aggs: Object.keys(aggs).length ? aggs : undefined,
    };
    let res: estypes.SearchResponse<ContractSearchDocument>;
    let counts: estypes.SearchResponse<unknown>;
    try {
      const multi = await this.client.msearch<ContractSearchDocument>({
        searches: [{ index: this.alias }, pageBody, { index: this.alias, request_cache: true }, countsBody],
      });
      const [page, totals] = multi.responses.map((r) => {
        if ('error' in r) throw new SearchEngineError(`search on ${this.alias}: ${r.status} ${JSON.stringify(r.error).slice(0, 500)}`);
        return r;
      });
      res = page;
      counts = totals;
    } catch (err) {
      throw this.engineError('search', err);
    }
    const hits = res.hits.hits;
    const hasMore = hits.length > q.size;
    const page = hasMore ? hits.slice(0, q.size) : hits;
    const items = page.map((h) => {
      const doc = h._source as ContractSearchDocument;
      return {
        uid: doc.uid,
        score: sort.field === 'relevance' ? (h._score ?? null) : null,
        highlight: h.highlight?.objet?.[0] ?? null,
        doc: summarise(doc),
        link: contractLink(doc.uid),
      };
    });
    const last = page[page.length - 1];
    const nextCursor = hasMore && last?.sort ? encodeCursor(ENGINE, sort, last.sort) : null;
    const countAggs = counts.aggregations as Record<string, unknown> | undefined;
    const total = postFilter
      ? ((countAggs?.[TOTAL_AGG] as { doc_count?: number } | undefined)?.doc_count ?? 0)
      : typeof counts.hits.total === 'number'
        ? counts.hits.total
        : (counts.hits.total?.value ?? 0);
    return { total, items, facets: readFacets(q.facets, q.filters, countAggs), nextCursor };
  }

  async suggestOrganisations(prefix: string, limit?: number): Promise<OrganisationSuggestion[]> {
    const s = parseSuggestQuery(prefix, limit);
    const digits = /^\d{3,14}$/.test(s.prefix) ? s.prefix : null;
    const buyerMatch: Query = digits ? { prefix: { 'buyer.id': digits } } : { match: { 'buyer.nom.prefix': { query: s.prefix, operator: 'and' } } };
    const supplierMatch: Query = digits
      ? { prefix: { 'titulaires.id': digits } }
      : { match: { 'titulaires.nom.prefix': { query: s.prefix, operator: 'and' } } };
    const byId = (field: string, nameField: string): estypes.AggregationsAggregationContainer => ({
      terms: { field, size: s.limit, order: [{ _count: 'desc' }, { _key: 'asc' }] },
      aggs: { nom: { terms: { field: nameField, size: 1 } } },
    });
    const res = await this.client.search({
      index: this.alias,
      size: 0,
      query: {
        bool: {
          should: [buyerMatch, { nested: { path: 'titulaires', query: supplierMatch } }],
          minimum_should_match: 1,
        },
      },
      aggs: {
        buyers: { filter: buyerMatch, aggs: { ids: byId('buyer.id', 'buyer.nom.keyword') } },
        suppliers: {
          nested: { path: 'titulaires' },
          aggs: { matching: { filter: supplierMatch, aggs: { ids: byId('titulaires.id', 'titulaires.nom.keyword') } } },
        },
      },
    });
    type IdBucket = { key: string; doc_count: number; nom: { buckets: { key: string }[] } };
    const aggs = res.aggregations as unknown as {
      buyers: { ids: { buckets: IdBucket[] } };
      suppliers: { matching: { ids: { buckets: IdBucket[] } } };
    };
    const toSuggestion = (role: 'buyer' | 'supplier') => (b: IdBucket) => ({
      id: b.key,
      nom: b.nom.buckets[0]?.key ?? '',
      role,
      contracts: b.doc_count,
    });
    return [
      ...aggs.buyers.ids.buckets.map(toSuggestion('buyer')),
      ...aggs.suppliers.matching.ids.buckets.map(toSuggestion('supplier')),
    ]
      .filter((x) => x.nom !== '')
      .sort((a, b) => b.contracts - a.contracts || a.nom.localeCompare(b.nom) || a.id.localeCompare(b.id))
      .slice(0, s.limit);
  }

  async count(): Promise<number> {
    try {
      return (await this.client.count({ index: this.alias })).count;
    } catch (err) {
      throw this.engineError('count', err);
    }
  }

  async refresh(): Promise<void> {
    await this.client.indices.refresh({ index: this.alias });
  }

  /**
   * Zero-downtime rebuild: copy into `-v<n+1>` (versions preserved), swap the alias atomically,
   * then copy again whatever reached the old index during the first copy (external versioning
   * keeps the newest), and delete the old index.
   */
  async reindex(): Promise<ReindexReport> {
    const targets = await this.aliasTargets();
    if (targets.length !== 1) throw new SearchEngineError(`reindex: alias ${this.alias} points at ${targets.length} indices`);
    const from = targets[0];
    const n = Number(/-v(\d+)$/.exec(from)?.[1] ?? 1);
    const to = this.versionedName(n + 1);
    try {
      if (await this.client.indices.exists({ index: to })) await this.client.indices.delete({ index: to });
      await this.createVersionedIndex(to);
      const copy = () =>
        this.client.reindex({
          source: { index: from },
          dest: { index: to, version_type: 'external' },
          conflicts: 'proceed',
          refresh: true,
          wait_for_completion: true,
        });
      await copy();
      await this.client.indices.updateAliases({
        actions: [
          { remove: { index: from, alias: this.alias } },
          { add: { index: to, alias: this.alias, is_write_index: true } },
        ],
      });
      await copy();
      await this.client.indices.delete({ index: from });
      return { from, to, documents: await this.count() };
    } catch (err) {
      throw this.engineError('reindex', err);
    }
  }

  async drop(): Promise<void> {
    try {
      // Elasticsearch 8 refuses wildcard deletes (action.destructive_requires_name): resolve names first.
      const found = await this.client.indices.get({ index: `${this.alias}-v*`, allow_no_indices: true, ignore_unavailable: true });
      const names = Object.keys(found);
      if (names.length > 0) await this.client.indices.delete({ index: names });
    } catch (err) {
      throw this.engineError('drop', err);
    }
  }

  async health(): Promise<SearchIndexHealth> {
    try {
      const h = await this.client.cluster.health({ timeout: '5s' }, { requestTimeout: 5_000, maxRetries: 0 });
      return {
        status: h.status === 'red' ? 'down' : 'up',
        engine: this.config.flavor,
        detail: `cluster ${h.cluster_name} ${h.status}`,
      };
    } catch (err) {
      return { status: 'down', engine: this.config.flavor, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private engineError(operation: string, err: unknown): Error {
    if (err instanceof SearchEngineError || err instanceof SearchCursorInvalidError) return err;
    const detail =
      err instanceof errors.ResponseError
        ? `${err.statusCode} ${JSON.stringify(err.body?.error?.root_cause?.[0] ?? err.body?.error ?? err.body).slice(0, 500)}`
        : err instanceof Error
          ? err.message
          : String(err);
    return new SearchEngineError(`${operation} on ${this.alias}: ${detail}`, { cause: err });
  }
}
