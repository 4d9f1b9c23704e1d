import { FRENCH_ELISION_ARTICLES, FRENCH_STOPWORDS } from '../../domain/french-analyzer';

/**
 * Settings and mapping of the contracts index, in the DSL shared by Elasticsearch 8 and OpenSearch 2.
 * The French chain mirrors french-analyzer.ts (same elision articles, same stop words, Snowball French):
 * standard tokenizer → elision → lowercase → asciifolding → stop → snowball(French).
 * Bump MAPPING_VERSION when this changes; `reindex()` moves the alias to a new versioned index.
 */
export const MAPPING_VERSION = 1;

export const CONTRACTS_INDEX_SETTINGS = {
  number_of_shards: 1,
  number_of_replicas: 0,
  refresh_interval: '1s',
  analysis: {
    filter: {
      fr_elision: { type: 'elision', articles_case: true, articles: [...FRENCH_ELISION_ARTICLES] },
      fr_stop: { type: 'stop', stopwords: [...FRENCH_STOPWORDS] },
      fr_snowball: { type: 'snowball', language: 'French' },
      name_edge: { type: 'edge_ngram', min_gram: 1, max_gram: 20 },
    },
    analyzer: {
      fr_text: { type: 'custom', tokenizer: 'standard', filter: ['fr_elision', 'lowercase', 'asciifolding', 'fr_stop', 'fr_snowball'] },
      name_prefix_index: { type: 'custom', tokenizer: 'standard', filter: ['fr_elision', 'lowercase', 'asciifolding', 'name_edge'] },
      name_prefix_search: { type: 'custom', tokenizer: 'standard', filter: ['fr_elision', 'lowercase', 'asciifolding'] },
    },
  },
} as const;

const keyword = { type: 'keyword' } as const;
const name = {
  type: 'text',
  analyzer: 'fr_text',
  fields: {
    keyword: { type: 'keyword', ignore_above: 256 },
    prefix: { type: 'text', analyzer: 'name_prefix_index', search_analyzer: 'name_prefix_search' },
  },
} as const;

const territory = {
  communeCode: keyword,
  communeNom: keyword,
  epci: keyword,
  epciNom: keyword,
  departement: keyword,
  region: keyword,
  bretagne: { type: 'boolean' },
} as const;

export const CONTRACTS_INDEX_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    uid: keyword,
    id: keyword,
    kind: keyword,
    objet: { type: 'text', analyzer: 'fr_text' },
    codeCPV: keyword,
    cpvLabel: { type: 'text', analyzer: 'fr_text' },
    cpvDivision: keyword,
    purchaseType: keyword,
    nature: keyword,
    procedure: keyword,
    techniques: keyword,
    montant: { type: 'double' },
    montantInitial: { type: 'double' },
    montantUtilisable: { type: 'boolean' },
    amount: { type: 'double' },
    dateNotification: { type: 'date', format: 'strict_date' },
    year: { type: 'integer' },
    dureeMois: { type: 'double' },
    considerationSociale: { type: 'boolean' },
    considerationEnvironnementale: { type: 'boolean' },
    considerationsSociales: keyword,
    considerationsEnvironnementales: keyword,
    marcheInnovant: { type: 'boolean' },
    sousTraitanceDeclaree: { type: 'boolean' },
    offresRecues: { type: 'integer' },
    singleBid: { type: 'boolean' },
    flags: keyword,
    buyer: {
      properties: { id: keyword, siret: keyword, siren: keyword, nom: name, type: keyword, ...territory },
    },
    titulaires: {
      // nested: supplier filters and facets hold per titulaire (size AND territory of the same one);
      // include_in_parent: names also searchable as plain fields of the contract (full text).
      type: 'nested',
      include_in_parent: true,
      properties: { id: keyword, siret: keyword, siren: keyword, nom: name, categorie: keyword, ...territory },
    },
    version: { type: 'long' },
  },
} as const;
