export const INGEST_ORM = Symbol.for('observatoire.ingest.orm');
