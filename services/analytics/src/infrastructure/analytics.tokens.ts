/** Injection tokens of the analytics service. */
export const ANALYTICS_ORM = Symbol.for('observatoire.analytics.orm');
export const ANALYTICS_TARGETS = Symbol.for('observatoire.analytics.targets');
export const ANALYTICS_READ_STORE = Symbol.for('observatoire.analytics.readStore');
export const ANALYTICS_QUERY_CACHE = Symbol.for('observatoire.analytics.queryCache');
