import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OrganisationProfile } from '@observatoire/contracts';
import { ANALYZER_VERSION, frenchTerms, normaliseName } from '../../domain/french-analyzer';
import { highlightTerms } from '../../domain/highlight';
import { applyOrganisationProfiles, type ContractSearchDocument } from '../../domain/search-document';
import type {
  OrganisationUpdateReport,
  ReindexReport,
  SearchIndex,
  SearchIndexHealth,
  UpsertOptions,
  UpsertReport,
} from '../../domain/search-index.port';
import {
  disjunctiveFacets,
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
import { EmbeddedReadPool } from './embedded-read-pool';

export interface EmbeddedSearchIndexConfig {
  /** SQLite file path, or ':memory:' (tests). The directory is created when missing. */
  file: string;
  /**
   * Reader threads for `search` and `suggestOrganisations` (read-only WAL connections, see
   * EmbeddedReadPool): queries run in parallel and off the caller's event loop. 0 = on this
   * connection, synchronously (always the case for ':memory:', which other connections cannot see).
   * Default 0 here (tests, tools); the observatory's composition sets SEARCH_EMBEDDED_READERS (default 2).
   */
  readers?: number;
  /** Queries queued or running on the readers at once before new ones are refused (default 64). */
  maxQueue?: number;
  /** Open read-only, as a reader thread does (no schema creation, no writes). */
  readonly?: boolean;
}

export const DEFAULT_EMBEDDED_READERS = 0;
export const DEFAULT_EMBEDDED_MAX_QUEUE = 64;

const ENGINE = 'sqlite';
/** Stored in `meta`: bump when the table layout changes (the analyzer has its own version). */
const SCHEMA_VERSION = 2;
/** FTS5 column weights for bm25: objet counts three times an organisation name or a CPV label. */
const BM25_WEIGHTS = '3.0, 1.0, 1.0';

/** Page cache per connection, in KiB (SQLite's default is 2 MiB). */
const PAGE_CACHE_KIB = 65536;

/** Entries of the totals-and-facets cache (a few kB each): the popular searches of a public site fit. */
const FACET_CACHE_SIZE = 2000;

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/** Column expression of the sort key; nulls always last, whatever the direction. */
function sortKey(field: SortField, order: SortOrder): string {
  switch (field) {
    case 'relevance':
      return 'h.rank'; // bm25: lower is better, so "desc" relevance is ascending rank
    case 'date':
      return order === 'asc' ? "IFNULL(c.date_notification, '~')" : "IFNULL(c.date_notification, '')";
    case 'amount':
      return order === 'asc' ? 'IFNULL(c.amount, 1e308)' : 'IFNULL(c.amount, -1e308)';
  }
}

function keyDirection(field: SortField, order: SortOrder): 'ASC' | 'DESC' {
  if (field === 'relevance') return 'ASC';
  return order === 'asc' ? 'ASC' : 'DESC';
}

const FACET_COLUMNS: Record<Exclude<FacetName, 'supplierCategorie'>, string> = {
  purchaseType: 'purchase_type',
  cpvDivision: 'cpv_division',
  buyerDepartement: 'buyer_departement',
  buyerType: 'buyer_type',
  procedure: 'procedure',
  year: 'year',
};

interface Where {
  clauses: string[];
  params: unknown[];
}

function inList(column: string, values: readonly unknown[], where: Where): void {
  where.clauses.push(`${column} IN (${values.map(() => '?').join(', ')})`);
  where.params.push(...values);
}

function territoryClauses(prefix: string, t: TerritoryFilter | undefined, where: Where): void {
  if (!t) return;
  if (t.epci) inList(`${prefix}epci`, t.epci, where);
  if (t.departement) inList(`${prefix}departement`, t.departement, where);
  if (t.region) inList(`${prefix}region`, t.region, where);
  if (t.bretagne !== undefined) {
    where.clauses.push(`${prefix}bretagne = ?`);
    where.params.push(t.bretagne ? 1 : 0);
  }
}

function filterClauses(f: SearchFilters): Where {
  const where: Where = { clauses: [], params: [] };
  if (f.buyer) {
    where.clauses.push(`(${f.buyer.map((b) => (b.length === 14 ? 'c.buyer_siret = ?' : 'c.buyer_siren = ?')).join(' OR ')})`);
    where.params.push(...f.buyer);
  }
  if (f.buyerType) inList('c.buyer_type', f.buyerType, where);
  territoryClauses('c.buyer_', f.buyerTerritory, where);
  if (f.supplierTerritory || f.supplierCategorie) {
    // One titulaire must satisfy every supplier condition (as the nested query does on Elasticsearch).
    const sub: Where = { clauses: ['t.rid = c.rid'], params: [] };
    territoryClauses('t.', f.supplierTerritory, sub);
    if (f.supplierCategorie) inList('t.categorie', f.supplierCategorie, sub);
    where.clauses.push(`EXISTS (SELECT 1 FROM titulaires t WHERE ${sub.clauses.join(' AND ')})`);
    where.params.push(...sub.params);
  }
  if (f.cpv) {
    // A prefix as a range (':' sorts right after '9'), so the cpv_code index serves it.
    where.clauses.push(`(${f.cpv.map(() => '(c.cpv_code >= ? AND c.cpv_code < ?)').join(' OR ')})`);
    where.params.push(...f.cpv.flatMap((p) => [p, `${p}:`]));
  }
  if (f.purchaseType) inList('c.purchase_type', f.purchaseType, where);
  if (f.nature) inList('c.nature', f.nature, where);
  if (f.procedure) inList('c.procedure', f.procedure, where);
  if (f.notificationDate?.min !== undefined) {
    where.clauses.push('c.date_notification >= ?');
    where.params.push(f.notificationDate.min);
  }
  if (f.notificationDate?.max !== undefined) {
    where.clauses.push('c.date_notification <= ?');
    where.params.push(f.notificationDate.max);
  }
  if (f.year) inList('c.year', f.year, where);
  if (f.amount?.min !== undefined) {
    where.clauses.push('c.amount >= ?');
    where.params.push(f.amount.min);
  }
  if (f.amount?.max !== undefined) {
    where.clauses.push('c.amount <= ?');
    where.params.push(f.amount.max);
  }
  const flags: [boolean | undefined, string][] = [
    [f.considerationSociale, 'c.social'],
    [f.considerationEnvironnementale, 'c.environmental'],
    [f.innovation, 'c.innovant'],
    [f.subcontracting, 'c.sous_traitance'],
    [f.singleBid, 'c.single_bid'],
  ];
  for (const [value, column] of flags) {
    if (value === undefined) continue;
    where.clauses.push(`${column} = ?`);
    where.params.push(value ? 1 : 0);
  }
  return where;
}

/** The FTS5 MATCH expression: every analysed term, quoted (terms are [\p{L}\p{N}]+, no syntax can leak). */
function matchExpression(terms: string[]): string {
  return terms.map((t) => `"${t}"`).join(' AND ');
}

interface Row {
  rid: number;
  uid: string;
  rank: number | null;
  k: string | number;
}

/**
 * Embedded search index: SQLite + FTS5 through better-sqlite3, no server.
 * Text is analysed in TypeScript (french-analyzer.ts) and FTS5 stores the resulting stems;
 * filters, facets (counts and sums) and keyset pagination are plain SQL.
 */
export class EmbeddedSearchIndex implements SearchIndex {
  private readonly db: Database.Database;
  /** Bumped by every write of this connection: invalidates the facet cache. */
  private generation = 0;
  private readonly facetCache = new Map<string, { stamp: string; value: { total: number; facets: Facets } }>();

  constructor(private readonly config: EmbeddedSearchIndexConfig) {
    if (config.readonly) {
      this.db = new Database(config.file, { readonly: true, fileMustExist: true });
      this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
      this.db.pragma('temp_store = MEMORY'); // the materialised text match and filtered set of the facets
      return;
    }
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    this.db = new Database(config.file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    // The default 2 MiB page cache is far below the indexes of a national index: every batch would
    // re-read its B-tree pages through the OS.
    this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    const readers = config.file === ':memory:' ? 0 : (config.readers ?? DEFAULT_EMBEDDED_READERS);
    this.readerCount = readers;
  }

  private readonly readerCount: number = 0;
  private pool: EmbeddedReadPool | null = null;

  /** The reader threads, started at the first query (after ensureIndex has created the tables). */
  private readPool(): EmbeddedReadPool | null {
    if (this.readerCount === 0 || !this.db.open) return null;
    this.pool ??= new EmbeddedReadPool({ file: this.config.file, readers: this.readerCount, maxQueue: this.config.maxQueue ?? DEFAULT_EMBEDDED_MAX_QUEUE });
    return this.pool;
  }

  async ensureIndex(): Promise<void> {
    const hasMeta = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const schema = hasMeta ? (this.db.prepare("SELECT value FROM meta WHERE key = 'schema'").pluck().get() as string | undefined) : undefined;
    if (schema !== undefined && Number(schema) !== SCHEMA_VERSION) {
      // A projection: rebuilt by drop() and a replay of the contracts topic, never migrated in place.
      throw new SearchEngineError(
        `search index ${this.config.file} has table layout v${schema}, this build needs v${SCHEMA_VERSION}: drop it and replay the contracts topic`,
      );
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS contracts (
        rid INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        version INTEGER NOT NULL,
        buyer_id TEXT NOT NULL,
        buyer_siret TEXT, buyer_siren TEXT, buyer_nom TEXT, buyer_nom_norm TEXT, buyer_type TEXT,
        buyer_epci TEXT, buyer_departement TEXT, buyer_region TEXT, buyer_bretagne INTEGER NOT NULL,
        cpv_code TEXT, cpv_division TEXT, purchase_type TEXT, nature TEXT, procedure TEXT,
        date_notification TEXT, year INTEGER, amount REAL,
        social INTEGER NOT NULL, environmental INTEGER NOT NULL, innovant INTEGER, sous_traitance INTEGER, single_bid INTEGER
      );
      -- The stored documents, apart: keeps the contracts table narrow so scans and GROUP BYs stay fast.
      CREATE TABLE IF NOT EXISTS documents (rid INTEGER PRIMARY KEY REFERENCES contracts(rid) ON DELETE CASCADE, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS titulaires (
        rid INTEGER NOT NULL REFERENCES contracts(rid) ON DELETE CASCADE,
        pos INTEGER NOT NULL,
        id TEXT NOT NULL, siret TEXT, siren TEXT, nom TEXT, nom_norm TEXT, categorie TEXT NOT NULL,
        epci TEXT, departement TEXT, region TEXT, bretagne INTEGER NOT NULL,
        PRIMARY KEY (rid, pos)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS titulaires_id ON titulaires(id);
      CREATE INDEX IF NOT EXISTS titulaires_categorie ON titulaires(categorie, rid);
      CREATE INDEX IF NOT EXISTS contracts_buyer_id ON contracts(buyer_id);
      CREATE INDEX IF NOT EXISTS contracts_buyer_siret ON contracts(buyer_siret);
      CREATE INDEX IF NOT EXISTS contracts_buyer_siren ON contracts(buyer_siren);
      CREATE INDEX IF NOT EXISTS contracts_cpv ON contracts(cpv_code);
      CREATE INDEX IF NOT EXISTS contracts_date_asc ON contracts(IFNULL(date_notification, '~'), uid);
      CREATE INDEX IF NOT EXISTS contracts_date_desc ON contracts(IFNULL(date_notification, '') DESC, uid);
      CREATE INDEX IF NOT EXISTS contracts_amount_asc ON contracts(IFNULL(amount, 1e308), uid);
      CREATE INDEX IF NOT EXISTS contracts_amount_desc ON contracts(IFNULL(amount, -1e308) DESC, uid);
      CREATE VIRTUAL TABLE IF NOT EXISTS contracts_fts USING fts5(objet, orgs, cpv, tokenize = 'unicode61 remove_diacritics 0');
      -- Organisation names for suggestions: one row per (role, id), FTS5 with prefix indexes.
      CREATE TABLE IF NOT EXISTS organisations (
        orid INTEGER PRIMARY KEY, role TEXT NOT NULL, id TEXT NOT NULL, nom TEXT NOT NULL, UNIQUE (role, id)
      );
      CREATE INDEX IF NOT EXISTS organisations_id ON organisations(id);
      CREATE VIRTUAL TABLE IF NOT EXISTS organisations_fts USING fts5(nom, tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3');
    `);
    const stored = this.db.prepare("SELECT value FROM meta WHERE key = 'analyzer'").get() as { value: string } | undefined;
    if (stored && Number(stored.value) !== ANALYZER_VERSION) await this.reindex();
    const setMeta = this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    setMeta.run('analyzer', String(ANALYZER_VERSION));
    setMeta.run('schema', String(SCHEMA_VERSION));
  }

  async upsertMany(docs: ContractSearchDocument[], options?: UpsertOptions): Promise<UpsertReport> {
    const report: UpsertReport = { applied: 0, stale: 0, failed: [] };
    const current = this.stmt('SELECT version FROM contracts WHERE uid = ?').pluck();
    const sameVersion = options?.sameVersion === true;
    // One transaction for the batch: fast, and all-or-nothing if the process dies midway.
    this.db.transaction(() => {
      for (const doc of docs) {
        const stored = current.get(doc.uid) as number | undefined;
        if (stored !== undefined && (sameVersion ? stored > doc.version : stored >= doc.version)) {
          report.stale++;
          continue;
        }
        try {
          this.write(doc);
          report.applied++;
        } catch (err) {
          report.failed.push({ uid: doc.uid, reason: err instanceof Error ? err.message : String(err) });
        }
      }
    })();
    return report;
  }

  async updateOrganisation(profile: OrganisationProfile): Promise<OrganisationUpdateReport> {
    return this.updateOrganisations([profile]);
  }

  /** Every document naming any of the profiles, selected by indexed lookups, rewritten once, in one transaction. */
  async updateOrganisations(profiles: readonly OrganisationProfile[]): Promise<OrganisationUpdateReport> {
    const byId = new Map(profiles.map((p) => [p.id, p]));
    if (byId.size === 0) return { updated: 0 };
    const done = new Set<number>();
    const ids = [...byId.keys()];
    this.db.transaction(() => {
      for (let i = 0; i < ids.length; i += 400) {
        const part = ids.slice(i, i + 400);
        const marks = part.map(() => '?').join(', ');
        const rows = this.db
          .prepare(`SELECT d.rid, d.doc FROM documents d WHERE d.rid IN (SELECT rid FROM contracts WHERE buyer_id IN (${marks}) UNION SELECT rid FROM titulaires WHERE id IN (${marks}))`)
          .all(...part, ...part) as { rid: number; doc: string }[];
        for (const row of rows) {
          if (done.has(row.rid)) continue; // named by profiles of two chunks: already rewritten with all of them
          done.add(row.rid);
          this.write(applyOrganisationProfiles(JSON.parse(row.doc) as ContractSearchDocument, byId));
        }
      }
    })();
    return { updated: done.size };
  }

  async search(input: SearchQueryInput): Promise<SearchResult> {
    const pool = this.readPool();
    if (pool) {
      parseSearchQuery(input); // invalid input is refused here, without a round trip to a reader
      return pool.search(input);
    }
    return this.searchHere(input);
  }

  /** The query on this connection (a reader thread, ':memory:', or readers: 0). */
  private async searchHere(input: SearchQueryInput): Promise<SearchResult> {
    const q = parseSearchQuery(input);
    const sort = effectiveSort(q);
    const terms = q.q ? frenchTerms(q.q) : [];
    if (q.q && terms.length === 0) {
      // only stop words: nothing matches (selected facet values are still listed, as by every search)
      const facets: Facets = Object.fromEntries(q.facets.map((name) => [name, withSelectedBuckets([], selectedFacetKeys(q.filters, name))]));
      return { total: 0, items: [], facets, nextCursor: null };
    }

    const where = filterClauses(q.filters);
    const fts = terms.length
      ? `JOIN (SELECT rowid AS rid, bm25(contracts_fts, ${BM25_WEIGHTS}) AS rank FROM contracts_fts WHERE contracts_fts MATCH ?) h ON h.rid = c.rid`
      : '';
    const ftsParams = terms.length ? [matchExpression(terms)] : [];
    const whereSql = where.clauses.length ? `WHERE ${where.clauses.join(' AND ')}` : '';
    const base = `FROM contracts c ${fts} ${whereSql}`;
    const baseParams = [...ftsParams, ...where.params];

    // Page: keyset on (sort key, uid), one row more than asked to know whether a next page exists.
    const key = sortKey(sort.field, sort.order);
    const dir = keyDirection(sort.field, sort.order);
    const pageWhere: string[] = [];
    const pageParams: unknown[] = [];
    if (q.cursor) {
      const [k, uid] = decodeCursor(ENGINE, sort, q.cursor);
      if ((typeof k !== 'string' && typeof k !== 'number') || typeof uid !== 'string') {
        throw new SearchCursorInvalidError('malformed position');
      }
      pageWhere.push(`(${key} ${dir === 'ASC' ? '>' : '<'} ? OR (${key} = ? AND c.uid > ?))`);
      pageParams.push(k, k, uid);
    }
    const pageSql = `SELECT c.rid, c.uid, ${terms.length ? 'h.rank' : 'NULL'} AS rank, ${key} AS k ${base}
      ${pageWhere.length ? `${whereSql ? 'AND' : 'WHERE'} ${pageWhere.join(' AND ')}` : ''}
      ORDER BY ${key} ${dir}, c.uid ASC LIMIT ?`;
    const rows = this.db.prepare(pageSql).all(...baseParams, ...pageParams, q.size + 1) as Row[];
    const hasMore = rows.length > q.size;
    const page = hasMore ? rows.slice(0, q.size) : rows;
    const docs = this.documentsByRid(page.map((r) => r.rid));
    const termSet = new Set(terms);
    const items = page.map((row) => {
      const doc = docs.get(row.rid) as ContractSearchDocument;
      return {
        uid: row.uid,
        score: sort.field === 'relevance' && row.rank !== null ? -row.rank : null,
        highlight: q.highlight ? highlightTerms(doc.objet, termSet) : null,
        doc: summarise(doc),
        link: contractLink(row.uid),
      };
    });
    const last = page[page.length - 1];
    const nextCursor = hasMore && last ? encodeCursor(ENGINE, sort, [last.k, last.uid]) : null;

    const { total, facets } = this.cachedTotalsAndFacets(JSON.stringify([terms, q.filters, q.facets]), () =>
      this.totalsAndFacets(terms, q.filters, q.facets),
    );
    return { total, items, facets, nextCursor };
  }

  /**
   * Totals and facets scan the whole filtered set (≈ 0.3 s for 100 k documents and every facet on two
   * cores), while the same few queries (the landing page, a département, a CPV division) come back
   * all the time: they are cached until the next write, from this connection (generation) or from
   * another process (PRAGMA data_version changes when another connection commits).
   */
  private cachedTotalsAndFacets(key: string, compute: () => { total: number; facets: Facets }): { total: number; facets: Facets } {
    const stamp = `${this.db.pragma('data_version', { simple: true })}:${this.generation}`;
    const hit = this.facetCache.get(key);
    if (hit && hit.stamp === stamp) {
      this.facetCache.delete(key); // refresh its LRU position
      this.facetCache.set(key, hit);
      return hit.value;
    }
    const value = compute();
    this.facetCache.set(key, { stamp, value });
    if (this.facetCache.size > FACET_CACHE_SIZE) this.facetCache.delete(this.facetCache.keys().next().value as string);
    return value;
  }

  /**
   * Total and every requested facet in one statement. The facets whose own filter is not set are
   * grouped over the filtered set, materialised once (`f`); each disjunctive facet (its own filter
   * set) is grouped over the set filtered by everything but that filter. The text match is
   * materialised once (`h`) and shared by all of them.
   */
  private totalsAndFacets(terms: string[], filters: SearchFilters, names: FacetName[]): { total: number; facets: Facets } {
    const where = filterClauses(filters);
    const whereSql = (w: Where) => (w.clauses.length ? `WHERE ${w.clauses.join(' AND ')}` : '');
    const textCte = terms.length ? 'h AS MATERIALIZED (SELECT rowid AS rid FROM contracts_fts WHERE contracts_fts MATCH ?)' : null;
    const textParams = terms.length ? [matchExpression(terms)] : [];
    const source = `contracts c${terms.length ? ' JOIN h ON h.rid = c.rid' : ''}`;
    if (names.length === 0) {
      return {
        total: this.db.prepare(`${textCte ? `WITH ${textCte} ` : ''}SELECT COUNT(*) FROM ${source} ${whereSql(where)}`).pluck().get(...textParams, ...where.params) as number,
        facets: {},
      };
    }
    const disjunctive = new Set(disjunctiveFacets({ filters, facets: names }));
    const parts: { sql: string; params: unknown[] }[] = [{ sql: "SELECT '#total' AS dim, NULL AS key, COUNT(*) AS n, 0 AS amount FROM f c", params: [] }];
    for (const name of names) {
      // Disjunctive: over the set filtered by every filter but the facet's own; otherwise over f.
      const own = disjunctive.has(name) ? filterClauses(withoutFacetFilter(filters, name)) : { clauses: [], params: [] };
      const from = disjunctive.has(name) ? source : 'f c';
      if (name === 'supplierCategorie') {
        // Each contract once per category, however many of its titulaires share it; only titulaires
        // meeting the supplier territory filter count (supplier conditions hold for one titulaire).
        // From the set into its titulaires (primary key lookups), not a scan of every titulaire.
        const t: Where = { clauses: [...own.clauses], params: [...own.params] };
        territoryClauses('t.', filters.supplierTerritory, t);
        parts.push({
          sql: `SELECT 'supplierCategorie', categorie, COUNT(*), TOTAL(amount) FROM (SELECT DISTINCT c.rid, c.amount, t.categorie
            FROM ${from} JOIN titulaires t ON t.rid = c.rid ${whereSql(t)}) GROUP BY categorie`,
          params: t.params,
        });
      } else {
        const col = `c.${FACET_COLUMNS[name]}`;
        parts.push({
          sql: `SELECT '${name}', CAST(${col} AS TEXT), COUNT(*), TOTAL(c.amount) FROM ${from}
            WHERE ${[...own.clauses, `${col} IS NOT NULL`].join(' AND ')} GROUP BY ${col}`,
          params: own.params,
        });
      }
    }
    const sql = `WITH ${textCte ? `${textCte}, ` : ''}f AS MATERIALIZED (SELECT c.rid, c.amount, c.purchase_type, c.cpv_division,
      c.buyer_departement, c.buyer_type, c.procedure, c.year FROM ${source} ${whereSql(where)})
      ${parts.map((p) => p.sql).join(' UNION ALL ')}`;
    const params = [...textParams, ...where.params, ...parts.flatMap((p) => p.params)];
    const rows = this.db.prepare(sql).all(...params) as { dim: string; key: string | null; n: number; amount: number }[];
    let total = 0;
    const buckets = new Map<FacetName, FacetBucket[]>(names.map((n) => [n, []]));
    for (const r of rows) {
      if (r.dim === '#total') total = r.n;
      else buckets.get(r.dim as FacetName)?.push({ key: String(r.key), count: r.n, amount: r.amount });
    }
    const facets: Facets = {};
    for (const [name, list] of buckets) facets[name] = withSelectedBuckets(list, selectedFacetKeys(filters, name));
    return { total, facets };
  }

  async suggestOrganisations(prefix: string, limit?: number): Promise<OrganisationSuggestion[]> {
    const pool = this.readPool();
    if (pool) {
      parseSuggestQuery(prefix, limit);
      return pool.suggestOrganisations(prefix, limit);
    }
    const s = parseSuggestQuery(prefix, limit);
    const digits = /^\d{3,14}$/.test(s.prefix) ? s.prefix : null;
    // Words are [a-z0-9]+ after normaliseName, quoted: no FTS5 syntax can come from the user.
    const words = normaliseName(s.prefix).split(' ').filter(Boolean);
    const match = digits
      ? 'o.id >= ? AND o.id < ?'
      : 'o.orid IN (SELECT rowid FROM organisations_fts WHERE organisations_fts MATCH ?)';
    const params = digits ? [digits, `${digits}:`] : [words.map((w) => `"${w}"*`).join(' AND ')];
    const rows = this.db
      .prepare(
        `SELECT * FROM (
           SELECT o.role, o.id, o.nom,
             CASE o.role WHEN 'buyer' THEN (SELECT COUNT(*) FROM contracts c WHERE c.buyer_id = o.id)
                         ELSE (SELECT COUNT(DISTINCT t.rid) FROM titulaires t WHERE t.id = o.id) END AS contracts
           FROM organisations o WHERE ${match})
         WHERE contracts > 0 ORDER BY contracts DESC, nom ASC, id ASC LIMIT ?`,
      )
      .all(...params, s.limit) as OrganisationSuggestion[];
    return rows.map((r) => ({ id: r.id, nom: r.nom, role: r.role, contracts: r.contracts }));
  }

  async count(): Promise<number> {
    return this.db.prepare('SELECT COUNT(*) FROM contracts').pluck().get() as number;
  }

  async refresh(): Promise<void> {
    // Writes are visible as soon as their transaction commits.
  }

  /** Re-derive every indexed column and the FTS terms from the stored documents (new analyzer version). */
  async reindex(): Promise<ReindexReport> {
    const from = (this.db.prepare("SELECT value FROM meta WHERE key = 'analyzer'").pluck().get() as string | undefined) ?? 'none';
    const docs = this.db.prepare('SELECT doc FROM documents').pluck().all() as string[];
    this.db.transaction(() => {
      this.db.exec(
        'DELETE FROM contracts_fts; DELETE FROM organisations_fts; DELETE FROM organisations; DELETE FROM titulaires; DELETE FROM documents; DELETE FROM contracts;',
      );
      for (const json of docs) this.write(JSON.parse(json) as ContractSearchDocument);
      this.db
        .prepare("INSERT INTO meta (key, value) VALUES ('analyzer', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .run(String(ANALYZER_VERSION));
    })();
    return { from: `analyzer-v${from}`, to: `analyzer-v${ANALYZER_VERSION}`, documents: docs.length };
  }

  async drop(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS contracts_fts; DROP TABLE IF EXISTS organisations_fts; DROP TABLE IF EXISTS organisations;
      DROP TABLE IF EXISTS titulaires; DROP TABLE IF EXISTS documents; DROP TABLE IF EXISTS contracts; DROP TABLE IF EXISTS meta;`);
    this.statements.clear();
    this.generation++;
  }

  async health(): Promise<SearchIndexHealth> {
    try {
      const n = this.db.prepare('SELECT COUNT(*) FROM contracts').pluck().get() as number;
      return { status: 'up', engine: 'embedded', detail: `sqlite ${this.config.file}: ${n} documents` };
    } catch (err) {
      return { status: 'down', engine: 'embedded', detail: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    await this.pool?.close();
    this.pool = null;
    if (this.db.open) this.db.close();
  }

  /** Replace one document's rows (contracts, titulaires, FTS). Call inside a transaction. */
  private write(doc: ContractSearchDocument): void {
    this.generation++;
    const existing = this.stmt('SELECT rid FROM contracts WHERE uid = ?').pluck().get(doc.uid) as number | undefined;
    if (existing !== undefined) {
      this.stmt('DELETE FROM contracts_fts WHERE rowid = ?').run(existing);
      this.stmt('DELETE FROM titulaires WHERE rid = ?').run(existing);
    }
    const b = doc.buyer;
    const values = [
      doc.uid, doc.version, b.id, b.siret, b.siren, b.nom, normaliseName(b.nom), b.type,
      b.epci, b.departement, b.region, b.bretagne ? 1 : 0, doc.codeCPV, doc.cpvDivision, doc.purchaseType, doc.nature,
      doc.procedure, doc.dateNotification, doc.year, doc.amount, doc.considerationSociale ? 1 : 0,
      doc.considerationEnvironnementale ? 1 : 0, bool(doc.marcheInnovant), bool(doc.sousTraitanceDeclaree), bool(doc.singleBid),
    ];
    const columns = `uid, version, buyer_id, buyer_siret, buyer_siren, buyer_nom, buyer_nom_norm, buyer_type,
      buyer_epci, buyer_departement, buyer_region, buyer_bretagne, cpv_code, cpv_division, purchase_type, nature,
      procedure, date_notification, year, amount, social, environmental, innovant, sous_traitance, single_bid`;
    let rid: number;
    if (existing !== undefined) {
      const sets = columns.split(',').map((c) => `${c.trim()} = ?`).join(', ');
      this.stmt(`UPDATE contracts SET ${sets} WHERE rid = ?`).run(...values, existing);
      rid = existing;
    } else {
      rid = Number(this.stmt(`INSERT INTO contracts (${columns}) VALUES (${values.map(() => '?').join(', ')})`).run(...values).lastInsertRowid);
    }
    const insertTitulaire = this.stmt(
      'INSERT INTO titulaires (rid, pos, id, siret, siren, nom, nom_norm, categorie, epci, departement, region, bretagne) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    doc.titulaires.forEach((t, pos) =>
      insertTitulaire.run(rid, pos, t.id, t.siret, t.siren, t.nom, normaliseName(t.nom), t.categorie, t.epci, t.departement, t.region, t.bretagne ? 1 : 0),
    );
    this.stmt('INSERT INTO documents (rid, doc) VALUES (?, ?) ON CONFLICT(rid) DO UPDATE SET doc = excluded.doc').run(rid, JSON.stringify(doc));
    if (b.nom) this.rememberOrganisation('buyer', b.id, b.nom);
    for (const t of doc.titulaires) if (t.nom) this.rememberOrganisation('supplier', t.id, t.nom);
    const orgs = [b.nom, ...doc.titulaires.map((t) => t.nom)].filter(Boolean).join(' \n ');
    this.stmt('INSERT INTO contracts_fts (rowid, objet, orgs, cpv) VALUES (?, ?, ?, ?)').run(
      rid,
      frenchTerms(doc.objet).join(' '),
      frenchTerms(orgs).join(' '),
      frenchTerms(doc.cpvLabel).join(' '),
    );
  }

  /** Keep the organisation name index current (insert, or replace the FTS row when the name changed). */
  private rememberOrganisation(role: 'buyer' | 'supplier', id: string, nom: string): void {
    const known = this.stmt('SELECT orid, nom FROM organisations WHERE role = ? AND id = ?').get(role, id) as { orid: number; nom: string } | undefined;
    if (known?.nom === nom) return;
    let orid: number;
    if (known) {
      this.stmt('UPDATE organisations SET nom = ? WHERE orid = ?').run(nom, known.orid);
      this.stmt('DELETE FROM organisations_fts WHERE rowid = ?').run(known.orid);
      orid = known.orid;
    } else {
      orid = Number(this.stmt('INSERT INTO organisations (role, id, nom) VALUES (?, ?, ?)').run(role, id, nom).lastInsertRowid);
    }
    this.stmt('INSERT INTO organisations_fts (rowid, nom) VALUES (?, ?)').run(orid, normaliseName(nom));
  }

  private documentsByRid(rids: number[]): Map<number, ContractSearchDocument> {
    const out = new Map<number, ContractSearchDocument>();
    if (rids.length === 0) return out;
    const rows = this.db.prepare(`SELECT rid, doc FROM documents WHERE rid IN (${rids.map(() => '?').join(', ')})`).all(...rids) as {
      rid: number;
      doc: string;
    }[];
    for (const r of rows) out.set(r.rid, JSON.parse(r.doc) as ContractSearchDocument);
    return out;
  }

  private readonly statements = new Map<string, Database.Statement>();
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}
