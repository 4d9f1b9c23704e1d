/** Injection tokens of the search service. */
export const SEARCH_INDEX = Symbol.for('observatoire.search.SearchIndex');
export const ORGANISATION_PROFILE_STORE = Symbol.for('observatoire.search.OrganisationProfileStore');
export const CPV_LABELS = Symbol.for('observatoire.search.CpvLabels');
export const SEARCH_RATE_LIMITER = Symbol.for('observatoire.search.RateLimiter');
export const SEARCH_HTTP_OPTIONS = Symbol.for('observatoire.search.HttpOptions');
