// Every call the site makes to the API, in one place: paths, query-parameter names and error handling.
// The page URLs use French, user-facing parameter names; the API names are mapped here and only here.

/** An API answer other than 2xx: `{ code, message, correlationId }` (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.code || (status === 0 ? 'NETWORK' : 'HTTP_ERROR');
    this.correlationId = body?.correlationId || null;
    this.details = body?.details || null;
  }
  /** The route itself does not exist (service not deployed yet): the block shows "indisponible". */
  get unavailable() {
    return this.status === 404 && (this.code === 'NOT_FOUND' || this.code === 'HTTP_ERROR');
  }
  /** The resource asked for does not exist (unknown contract, buyer...). */
  get notFound() {
    return this.status === 404 && !this.unavailable;
  }
}

/** Drop empty values: the APIs refuse unknown or empty parameters. */
export function cleanParams(params) {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.filter((x) => x !== '' && x != null).forEach((x) => out.append(k, String(x)));
    else out.append(k, String(v));
  }
  return out;
}

export function apiUrl(path, params) {
  const qs = cleanParams(params).toString();
  return `/api${path}${qs ? `?${qs}` : ''}`;
}

export async function getJson(path, params, { signal } = {}) {
  let res;
  try {
    res = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' }, signal });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, { message: 'Le serveur ne répond pas.' });
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

// ---------------------------------------------------------------------------------------------------------
// Analytics filters (`/api/indicators`, `/api/secteur`, `/api/prix`): the page parameters are the API's own
// words (territoire, cpv, annee, du, au, acheteur, typeAchat, typeAcheteur), so they pass through unchanged.
export const ANALYTICS_FILTERS = ['territoire', 'cpv', 'annee', 'du', 'au', 'acheteur', 'typeAchat', 'typeAcheteur', 'coTraitance'];

export function analyticsParams(query) {
  const out = {};
  for (const k of ANALYTICS_FILTERS) {
    const v = query.get(k);
    if (v) out[k] = v.trim();
  }
  // the API refuses annee together with du/au: the explicit period wins
  if (out.annee && (out.du || out.au)) delete out.annee;
  return out;
}

/** "Préparer un achat" (`/api/preparer-achat`): the page's parameters are the API's own words. */
export const PREPARE_PURCHASE_PARAMS = ['cpv', 'montant', 'territoire', 'du', 'au', 'facteurMin', 'facteurMax'];

export function preparePurchaseParams(query) {
  const out = {};
  for (const k of PREPARE_PURCHASE_PARAMS) {
    const v = query.get(k);
    if (v && v.trim()) out[k] = v.trim();
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Search (`/api/search`, services/search/src/infrastructure/http/search-params.ts). The page keeps the API's
// own (French) parameter names in its address. A facet parameter may be repeated (`departementAcheteur=29&
// departementAcheteur=56`): values of one facet combine with OR, facets with AND; the API's facets are
// disjunctive (each counted without its own filter), so the other values of a facet stay visible once one is ticked.
// Page parameter → API parameter:
export const SEARCH_PAGE_PARAMS = {
  q: 'q',
  typeAchat: 'typeAchat',
  cpv: 'cpv',
  departementAcheteur: 'departementAcheteur',
  typeAcheteur: 'typeAcheteur',
  categorieTitulaire: 'categorieTitulaire',
  procedure: 'procedure',
  annee: 'annee',
  acheteur: 'acheteur',
  montantMin: 'montantMin',
  montantMax: 'montantMax',
  tri: 'tri',
  ordre: 'ordre',
};
export const SEARCH_SORTS = ['pertinence', 'date', 'montant'];
/** Facet name (API answer) → the page parameter that filters on it. */
export const FACET_TO_PAGE_PARAM = {
  purchaseType: 'typeAchat',
  cpvDivision: 'cpv',
  buyerDepartement: 'departementAcheteur',
  buyerType: 'typeAcheteur',
  supplierCategorie: 'categorieTitulaire',
  procedure: 'procedure',
  year: 'annee',
};
/** Facets whose "unknown" bucket can be used as a filter value. */
export const FACETS_FILTERING_UNKNOWN = new Set(['supplierCategorie']);
/** Multi-valued page parameters that also accept comma lists, as the API does (`departementAcheteur=29,56`). */
const COMMA_LIST_PARAMS = new Set(['typeAchat', 'cpv', 'departementAcheteur', 'typeAcheteur', 'categorieTitulaire', 'annee', 'acheteur']);

/**
 * The values of one page parameter: every repetition, comma lists split where the API splits them (never
 * `q` nor the `procedure` labels), empty and duplicate values dropped; `annee` keeps years only.
 */
export function pageParamValues(query, param) {
  const raw = query.getAll(param);
  const values = (COMMA_LIST_PARAMS.has(param) ? raw.flatMap((v) => v.split(',')) : raw).map((v) => v.trim()).filter(Boolean);
  return [...new Set(param === 'annee' ? values.filter((v) => /^(19|20)\d{2}$/.test(v)) : values)];
}

export function searchParams(query, { cursor, size = 20 } = {}) {
  const out = {};
  for (const [page, apiName] of Object.entries(SEARCH_PAGE_PARAMS)) {
    const values = pageParamValues(query, page);
    if (values.length) out[apiName] = values.length === 1 ? values[0] : values;
  }
  if (out.tri && !SEARCH_SORTS.includes(out.tri)) delete out.tri;
  out.limit = size;
  if (cursor) out.cursor = cursor;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
export const api = {
  search: (query, opts, init) => getJson('/search', searchParams(query, opts), init),
  contract: (uid, init) => getJson(`/contrats/${encodeURIComponent(uid)}`, null, init),
  buyer: (siret, init) => getJson(`/acheteurs/${encodeURIComponent(siret)}`, null, init),
  supplier: (id, init) => getJson(`/titulaires/${encodeURIComponent(id)}`, null, init),
  organisations: (q, init) => getJson('/organisations', { q, limit: 10 }, init),
  indicators: (filters, init) => getJson('/indicators', filters, init),
  indicatorSeries: (filters, indicator, init) => getJson('/indicators/series', { ...filters, indicator }, init),
  sector: (filters, init) => getJson('/secteur', { ...filters, limit: 10 }, init),
  /** NAF codes present in the data (autocompletion of the sector page's NAF field). */
  sectorNafCodes: (init) => getJson('/secteur/naf', { limit: 100 }, init),
  prices: (filters, init) => getJson('/prix', filters, init),
  preparePurchase: (params, init) => getJson('/preparer-achat', params, init),
  quarantine: ({ limit, offset }, init) => getJson('/qualite/quarantaine', { limit, offset }, init),
  ingestRuns: (init) => getJson('/ingest/runs', { limit: 10 }, init),
  exportUrl: (format, filters, extra = {}) => apiUrl(`/indicators/export.${format}`, { table: 'indicators', ...filters, ...extra }),
};

// ---------------------------------------------------------------------------------------------------------
// Admin API (`/api/admin/...`, Bearer admin key). The key is passed by the caller (the admin page keeps it in
// sessionStorage); it is only ever sent in the Authorization header, never in a URL.
export async function adminRequest(key, method, path, { params, body, contentType, signal } = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${key}` };
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType || 'application/json';
    payload = contentType ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(apiUrl(path, params), { method, headers, body: payload, signal, cache: 'no-store', credentials: 'omit' });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    throw new ApiError(0, { message: 'Le serveur ne répond pas.' });
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

const seg = encodeURIComponent;
export const admin = {
  feeds: (key, { alert, siret } = {}, init = {}) => adminRequest(key, 'GET', '/admin/feeds', { params: { alert, siret }, signal: init.signal }),
  registerFeed: (key, definition) => adminRequest(key, 'POST', '/admin/feeds', { body: definition }),
  importFeeds: (key, csv) => adminRequest(key, 'POST', '/admin/feeds/import', { body: csv, contentType: 'text/csv; charset=utf-8' }),
  pullFeed: (key, id) => adminRequest(key, 'POST', `/admin/feeds/${seg(id)}/pull`),
  backfillBuyer: (key, siret) => adminRequest(key, 'POST', `/admin/buyers/${seg(siret)}/backfill`),
  /** "Rattraper l’historique": the feed pulled again in full (no ETag, no hash); the API takes no date range. */
  backfillFeed: (key, id) => adminRequest(key, 'POST', `/admin/feeds/${seg(id)}/backfill`),
  consumers: (key, init = {}) => adminRequest(key, 'GET', '/admin/consumers', { signal: init.signal }),
  deadLetters: (key, topic, group, init = {}) => adminRequest(key, 'GET', `/admin/dlq/${seg(topic)}/${seg(group)}`, { params: { limit: 100 }, signal: init.signal }),
  redrive: (key, topic, group) => adminRequest(key, 'POST', `/admin/dlq/${seg(topic)}/${seg(group)}/redrive`),
};

// ---------------------------------------------------------------------------------------------------------
// "Qualité des données" (`/qualite`): freshness of each ingest source (analytics projection of the ingest runs)
// and the buyers' DECP feeds (ingest, public view: no URL, credentials or error text).

/** `GET /api/qualite/sources` → `{ staleAfterDays, items: [{ source, lastFinishedAt, ageDays, stale, counts… }] }`. */
export function qualitySources(init) {
  return getJson('/qualite/sources', null, init);
}

/**
 * `GET /api/qualite/doublons?territoire=&annee=…` → `{ groups, contracts, excessAmount, items: [{ acheteurId, acheteurNom,
 * codeCPV, objet, montant, titulaires, copies: [{ uid, id, dateNotification, titulaires, sources }], excessAmount }] }`.
 */
export function probableDuplicates(filters, init) {
  return getJson('/qualite/doublons', filters, init);
}

/** `GET /api/qualite/flux` → `{ items: [{ buyer: { siret, nom }, kind, enabled, lastPullAt, lastResult, freshnessHours, alert… }] }`. */
export function feedsFreshness(init) {
  return getJson('/qualite/flux', null, init);
}
