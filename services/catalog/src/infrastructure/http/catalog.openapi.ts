/**
 * OpenAPI 3 paths of the catalog API (hand-written), merged by the app into /api/openapi.json.
 * Paths include the global prefix `/api`.
 */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const errorResponse = (description: string): Json => ({
  description,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['code', 'message', 'correlationId'],
        properties: {
          code: { type: 'string', example: 'CATALOG_INVALID_PARAMETER' },
          message: { type: 'string' },
          correlationId: { type: 'string' },
          details: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
});

const json = (description: string, schema: Json): Json => ({ description, content: { 'application/json': { schema } } });

const organisationView: Json = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'resolved', 'unknown'] },
    nom: { type: 'string', nullable: true },
    isBuyer: { type: 'boolean' },
    isSupplier: { type: 'boolean' },
    profile: { type: 'object', nullable: true, description: 'OrganisationProfile (libs/contracts, organisation-resolved.v1)' },
  },
};

const contractSummary: Json = {
  type: 'object',
  properties: {
    uid: { type: 'string' },
    id: { type: 'string' },
    acheteurId: { type: 'string' },
    objet: { type: 'string', nullable: true },
    codeCpv: { type: 'string', nullable: true },
    montant: { type: 'number', nullable: true },
    dateNotification: { type: 'string', format: 'date', nullable: true },
  },
};

const amountRow = (idName: string): Json => ({
  type: 'object',
  properties: { [idName]: { type: 'string' }, nom: { type: 'string', nullable: true }, contracts: { type: 'integer' }, montant: { type: 'number' } },
});

const pathParam = (name: string, description: string, pattern?: string): Json => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: pattern ? { type: 'string', pattern } : { type: 'string' },
});

const queryParam = (name: string, description: string, schema: Json): Json => ({ name, in: 'query', required: false, description, schema });

export const catalogOpenApiPaths: Record<string, Json> = {
  '/api/contrats': {
    get: {
      tags: ['catalog'],
      operationId: 'listContracts',
      summary: 'Contracts, newest notification first, with keyset (cursor) pagination',
      parameters: [
        queryParam('acheteur', 'Buyer SIRET (14 digits) or SIREN (9 digits)', { type: 'string', pattern: '^(\\d{9}|\\d{14})$' }),
        queryParam('titulaire', 'Titulaire identifier (SIRET, foreign id) or SIREN', { type: 'string' }),
        queryParam('cpv', 'CPV division (2 digits) or code prefix (3–8 digits)', { type: 'string', pattern: '^\\d{2,8}$' }),
        queryParam('annee', 'Year of dateNotification', { type: 'integer' }),
        queryParam('cursor', 'Opaque cursor returned as nextCursor', { type: 'string' }),
        queryParam('limit', 'Page size (1–100, default 20)', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
      ],
      responses: {
        '200': json('One page', {
          type: 'object',
          properties: { items: { type: 'array', items: contractSummary }, nextCursor: { type: 'string', nullable: true } },
        }),
        '400': errorResponse('CATALOG_INVALID_PARAMETER or CATALOG_INVALID_CURSOR'),
      },
    },
  },
  '/api/contrats/{uid}': {
    get: {
      tags: ['catalog'],
      operationId: 'getContract',
      summary: 'One contract: canonical current state, every version, buyer and titulaires profiles, subcontracting, provenance',
      parameters: [pathParam('uid', 'acheteur.id + id (DOMAIN.md §2)')],
      responses: {
        '200': json('The contract', {
          type: 'object',
          properties: {
            uid: { type: 'string' },
            aggregateVersion: { type: 'integer' },
            contract: { type: 'object', description: 'Canonical Contract (libs/contracts)' },
            versions: { type: 'array', items: { type: 'object' } },
            acheteur: organisationView,
            titulaires: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  ordinal: { type: 'integer' },
                  role: { type: 'string', enum: ['titulaire', 'mandataire', 'cotraitant'] },
                  organisation: organisationView,
                },
              },
            },
            actesSousTraitance: { type: 'array', items: { type: 'object' } },
            provenance: { type: 'array', items: { type: 'object' } },
          },
        }),
        '404': errorResponse('CATALOG_CONTRACT_NOT_FOUND'),
      },
    },
  },
  '/api/acheteurs/{siret}': {
    get: {
      tags: ['catalog'],
      operationId: 'getBuyer',
      summary: 'A buyer (one SIRET, or every establishment of a SIREN): identity, totals by year and CPV division, top suppliers, latest contracts',
      parameters: [pathParam('siret', 'SIRET (14 digits) or SIREN (9 digits)', '^(\\d{9}|\\d{14})$')],
      responses: {
        '200': json('The buyer', {
          type: 'object',
          properties: {
            id: { type: 'string' },
            scope: { type: 'string', enum: ['siret', 'siren'] },
            identity: organisationView,
            totals: { type: 'object', properties: { contracts: { type: 'integer' }, montant: { type: 'number' } } },
            byYearAndCpvDivision: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  annee: { type: 'integer', nullable: true },
                  cpvDivision: { type: 'string', nullable: true },
                  contracts: { type: 'integer' },
                  montant: { type: 'number', description: 'Sum of usable current amounts' },
                },
              },
            },
            topSuppliers: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  id: { type: 'string' },
                  nom: { type: 'string', nullable: true },
                  contracts: { type: 'integer' },
                  montant: { type: 'number' },
                  establishments: { type: 'integer', description: 'SIRETs of the company that won' },
                },
              },
              description:
                'By company: the establishments of one SIREN are one supplier (id = the SIREN; a titulaire without SIREN keeps its id). Amounts split evenly between co-contractors',
            },
            latestContracts: { type: 'array', items: contractSummary },
          },
        }),
        '400': errorResponse('CATALOG_INVALID_PARAMETER'),
        '404': errorResponse('CATALOG_BUYER_NOT_FOUND'),
      },
    },
  },
  '/api/titulaires/{id}': {
    get: {
      tags: ['catalog'],
      operationId: 'getSupplier',
      summary: 'A titulaire: identity, contracts won, buyers',
      parameters: [pathParam('id', 'Identifier as used in contracts (SIRET, foreign id) or a SIREN (every establishment)')],
      responses: {
        '200': json('The titulaire', {
          type: 'object',
          properties: {
            id: { type: 'string' },
            scope: { type: 'string', enum: ['id', 'siren'] },
            identity: organisationView,
            totals: { type: 'object', properties: { contracts: { type: 'integer' }, montant: { type: 'number' } } },
            contracts: { type: 'array', items: contractSummary },
            buyers: { type: 'array', items: amountRow('id') },
            establishments: { type: 'array', items: { type: 'string' }, description: 'With a SIREN: the SIRETs of the company that won contracts' },
          },
        }),
        '404': errorResponse('CATALOG_SUPPLIER_NOT_FOUND'),
      },
    },
  },
  '/api/organisations': {
    get: {
      tags: ['catalog'],
      operationId: 'searchOrganisations',
      summary: 'Buyers and suppliers by name prefix (case and accent insensitive), SIRET or SIREN',
      parameters: [
        { name: 'q', in: 'query', required: true, description: 'Name prefix (2+ characters), SIRET or SIREN', schema: { type: 'string', minLength: 2 } },
        queryParam('limit', 'Maximum hits (1–50, default 20)', { type: 'integer', minimum: 1, maximum: 50, default: 20 }),
      ],
      responses: {
        '200': json('Hits', { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } } }),
        '400': errorResponse('CATALOG_INVALID_PARAMETER'),
      },
    },
  },
};
