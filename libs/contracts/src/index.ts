export * from './quality';
export * from './contract.model';
export * from './envelope';
export * from './topics';
export * from './events/contract-published.v1';
export * from './events/organisation-resolved.v1';
export * from './events/record-quarantined.v1';
export * from './events/ingest-run-completed.v1';
export * from './events/buyer-registered.v1';
export * from './registry';
export * from './factory';
export * from './siret';
// Test data (for the specs of every service and lib; production code never calls it).
export * from './testing/contract.builder';
