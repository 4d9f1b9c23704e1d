export * from './ingest.module';
export * from './application/ingest-files/ingest-files.handler';
export * from './application/ingest-files/ingest-summary';
export * from './application/ingest-files/resolve-inputs';
export * from './infrastructure/persistence/ingest-orm';
export * from './infrastructure/ingest.tokens';
export * from './domain';
