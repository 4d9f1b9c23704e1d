/**
 * Real Breton sample data ingested on the first start of the embedded observatory.
 * Provenance: apps/observatoire/src/seed/PROVENANCE.md.
 */
export const SEED_SOURCE = 'echantillon-breton';
export const SEED_FILES = ['decp_2024H2_travaux_cpv4521_bretagne.csv', 'decp-59920013600241-2024-07-09-01.json'];
