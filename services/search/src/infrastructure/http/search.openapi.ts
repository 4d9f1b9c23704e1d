import { FACET_NAMES, MAX_QUERY_LENGTH } from '../../domain/search-query';
import { SEARCH_PARAMS, SUGGEST_PARAMS, type SearchParamSpec } from './search-params';

/** OpenAPI 3.0 description of the public search endpoints, generated from the parameter table. */
function parameter(p: SearchParamSpec) {
  const item = (): Record<string, unknown> => (p.values ? { type: 'string', enum: [...p.values] } : { type: 'string' });
  const schema: Record<string, unknown> =
    p.kind === 'list' || p.kind === 'labels' || p.kind === 'facets'
      ? { type: 'array', items: item() }
      : p.kind === 'years' // 4 digits (search-params.ts), 1900 to 2099 (domain)
        ? { type: 'array', items: { type: 'integer', minimum: 1900, maximum: 2099 } }
        : p.kind === 'boolean'
          ? { type: 'boolean' }
          : p.kind === 'number'
            ? { type: 'number', minimum: 0 }
            : p.kind === 'integer'
              ? p.name === 'limit' && p.target === 'size'
                ? { type: 'integer', minimum: 1, maximum: 100, default: 20 }
                : { type: 'integer', minimum: 1, maximum: 50, default: 10 }
              : p.kind === 'date'
                ? { type: 'string', format: 'date' }
                : p.kind === 'enum'
                  ? item()
                  : p.name === 'q'
                    ? { type: 'string', maxLength: MAX_QUERY_LENGTH }
                    : { type: 'string' };
  const multi = p.kind === 'list' || p.kind === 'years' || p.kind === 'facets';
  return {
    name: p.name,
    in: 'query',
    required: false,
    description: multi ? `${p.description} Plusieurs valeurs : paramètre répété ou liste séparée par des virgules.` : p.description,
    schema,
    ...(schema.type === 'array' ? { style: 'form', explode: true } : {}),
    ...(p.example !== undefined ? { example: p.example } : {}),
  };
}

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
const cacheHeaders = {
  'Cache-Control': { description: 'public, max-age=60', schema: { type: 'string' } },
  ETag: { description: 'Validateur faible (W/"…") ; renvoyer dans If-None-Match', schema: { type: 'string' } },
};
const ifNoneMatch = { name: 'If-None-Match', in: 'header', required: false, description: 'ETag d’une réponse précédente : 304 sans corps si inchangée.', schema: { type: 'string' } };
const rateLimited = {
  description: 'Trop de requêtes de ce client (code RATE_LIMITED)',
  headers: { 'Retry-After': { description: 'Secondes avant la prochaine requête acceptée', schema: { type: 'integer' } } },
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

export const searchOpenApiPaths = {
  '/api/search': {
    get: {
      tags: ['recherche'],
      summary: 'Recherche plein texte des contrats, filtres, facettes (nombre et montant), pagination par curseur',
      description:
        'Filtres combinés en ET, valeurs d’un même filtre en OU (paramètre répété, ou liste séparée par des virgules sauf pour nature et procedure). ' +
        'Paramètres inconnus refusés (400 SEARCH_QUERY_INVALID). ' +
        'Facettes disjonctives : chaque facette est calculée avec tous les filtres sauf celui qui porte sur sa propre dimension ' +
        '(purchaseType ← typeAchat, cpvDivision ← cpv, buyerDepartement ← departementAcheteur, buyerType ← typeAcheteur, ' +
        'supplierCategorie ← categorieTitulaire, procedure ← procedure, year ← annee), si bien que les autres valeurs d’une facette ' +
        'restent proposées quand une valeur est choisie ; total et résultats appliquent tous les filtres. ' +
        'Une valeur choisie sans résultat figure dans sa facette avec un nombre de 0. ' +
        'Public, en lecture seule, limité en débit par client et cacheable (ETag faible, 304).',
      parameters: [...SEARCH_PARAMS.map(parameter), ifNoneMatch],
      responses: {
        '200': { description: 'Page de résultats', headers: cacheHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResult' } } } },
        '304': { description: 'Inchangé depuis l’ETag envoyé dans If-None-Match' },
        '400': error('Paramètre invalide (SEARCH_QUERY_INVALID, details.issues[].path = nom du paramètre) ou curseur invalide (SEARCH_CURSOR_INVALID)'),
        '429': rateLimited,
        '503': error('Moteur de recherche indisponible (SEARCH_ENGINE_UNAVAILABLE)'),
      },
    },
  },
  '/api/search/organisations': {
    get: {
      tags: ['recherche'],
      summary: 'Autocomplétion des acheteurs et titulaires par nom ou début de SIRET',
      parameters: [{ ...parameter(SUGGEST_PARAMS[0]), required: true }, parameter(SUGGEST_PARAMS[1]), ifNoneMatch],
      responses: {
        '200': { description: 'Propositions, les plus fréquentes d’abord', headers: cacheHeaders, content: { 'application/json': { schema: { $ref: '#/components/schemas/OrganisationSuggestions' } } } },
        '304': { description: 'Inchangé depuis l’ETag envoyé dans If-None-Match' },
        '400': error('Paramètre invalide (SEARCH_QUERY_INVALID)'),
        '429': rateLimited,
        '503': error('Moteur de recherche indisponible (SEARCH_ENGINE_UNAVAILABLE)'),
      },
    },
  },
};

const nullable = (schema: Record<string, unknown>) => ({ ...schema, nullable: true });
const bucket = { type: 'array', items: { $ref: '#/components/schemas/FacetBucket' } };

export const searchOpenApiSchemas = {
  SearchResult: {
    type: 'object',
    required: ['total', 'items', 'facets', 'nextCursor'],
    properties: {
      total: { type: 'integer', description: 'Nombre de contrats correspondant à la recherche et aux filtres' },
      items: { type: 'array', items: { $ref: '#/components/schemas/SearchHit' } },
      facets: {
        type: 'object',
        description:
          'Facettes demandées (toutes par défaut). Chacune est calculée sur la recherche filtrée par tous les filtres sauf le sien ' +
          '(facettes disjonctives) ; les valeurs choisies y figurent toujours, avec 0 si rien ne correspond. ' +
          'categorieTitulaire : seuls comptent les titulaires qui remplissent les filtres de territoire du titulaire.',
        properties: Object.fromEntries(FACET_NAMES.map((f) => [f, bucket])),
      },
      nextCursor: nullable({ type: 'string', description: 'À passer en `cursor` pour la page suivante ; null sur la dernière page' }),
    },
  },
  SearchHit: {
    type: 'object',
    required: ['uid', 'score', 'highlight', 'doc', 'link'],
    properties: {
      uid: { type: 'string' },
      score: nullable({ type: 'number', description: 'Pertinence (tri par pertinence seulement)' }),
      highlight: nullable({ type: 'string', description: 'Objet, HTML échappé, mots trouvés entre <mark> et </mark>' }),
      doc: { $ref: '#/components/schemas/ContractSummary' },
      link: { type: 'string', example: '/contrats/243500139001892024-VOI-017' },
    },
  },
  ContractSummary: {
    type: 'object',
    properties: {
      uid: { type: 'string' },
      id: { type: 'string' },
      objet: nullable({ type: 'string' }),
      codeCPV: nullable({ type: 'string' }),
      cpvLabel: nullable({ type: 'string', description: 'Libellé français CPV 2008' }),
      purchaseType: nullable({ type: 'string', enum: ['travaux', 'fournitures', 'services'] }),
      procedure: nullable({ type: 'string' }),
      montant: nullable({ type: 'number', description: 'Montant publié (peut être inexploitable)' }),
      amount: nullable({ type: 'number', description: 'Montant exploitable, sinon null' }),
      dateNotification: nullable({ type: 'string', format: 'date' }),
      buyer: {
        type: 'object',
        properties: { siret: nullable({ type: 'string' }), nom: nullable({ type: 'string' }), departement: nullable({ type: 'string' }) },
      },
      titulaires: {
        type: 'array',
        items: {
          type: 'object',
          properties: { siret: nullable({ type: 'string' }), nom: nullable({ type: 'string' }), categorie: { type: 'string', enum: ['PME', 'ETI', 'GE', 'unknown'] } },
        },
      },
    },
  },
  FacetBucket: {
    type: 'object',
    required: ['key', 'count', 'amount'],
    properties: {
      key: { type: 'string' },
      count: { type: 'integer', description: 'Nombre de contrats' },
      amount: { type: 'number', description: 'Somme des montants exploitables, au centime' },
    },
  },
  OrganisationSuggestions: {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'nom', 'role', 'contracts', 'link'],
          properties: {
            id: { type: 'string', description: 'Identifiant tel qu’utilisé dans les contrats (SIRET le plus souvent)' },
            nom: { type: 'string' },
            role: { type: 'string', enum: ['buyer', 'supplier'] },
            contracts: { type: 'integer', description: 'Contrats indexés le nommant dans ce rôle' },
            link: { type: 'string', example: '/acheteurs/24350013900189' },
          },
        },
      },
    },
  },
};
