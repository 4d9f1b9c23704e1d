/**
 * Real Breton data ingested on the first start of the embedded observatory.
 * Provenance: apps/observatoire/src/seed/PROVENANCE.md.
 */
export const SEED_SOURCE = 'echantillon-breton';
export const SEED_FILES = [
  'decp_2024H2_travaux_cpv4521_bretagne.csv',
  'decp-59920013600241-2024-07-09-01.json',
  'megalis-decp-2022.xml.gz',
  'decp-2022-03-25-national-bretagne.xml',
  'decp-json-2019-breton.json.gz',
  'region-bretagne-marches-2019.csv.gz',
  'region-bretagne-marches-2021.csv.gz',
];
