const error = { description: 'Erreur ({ code, message, correlationId })', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const admin = { tags: ['flux'], security: [{ adminKey: [] }] };
const alertParam = { name: 'alert', in: 'query', required: false, schema: { type: 'string', enum: ['ok', 'stale', 'failing'] } };
const siretParam = { name: 'siret', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{14}$' } };
const pullOutcome = { description: 'Résultat de la collecte', content: { 'application/json': { schema: { $ref: '#/components/schemas/FeedPullOutcome' } } } };

export const feedsOpenApiPaths = {
  '/api/admin/feeds': {
    post: {
      ...admin,
      summary: 'Enregistrer (ou mettre à jour) le flux DECP d’un acheteur',
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/RegisterFeed' } } } },
      responses: {
        '201': { description: 'Flux enregistré : { id, created }' },
        '400': error,
        '401': error,
        '403': error,
      },
    },
    get: {
      ...admin,
      summary: 'État des flux par acheteur : dernière collecte, résultat, volumes, erreurs, fraîcheur, alerte',
      parameters: [alertParam, siretParam],
      responses: { '200': { description: 'Acheteurs et leurs flux' }, '400': error, '401': error, '403': error },
    },
  },
  '/api/admin/feeds/import': {
    post: {
      ...admin,
      summary: 'Embarquer des acheteurs en masse (CSV siret;nom;url;intervalle_minutes)',
      requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
      responses: {
        '201': { description: 'Bilan par ligne : created, updated ou invalid (numéro de ligne et champ)' },
        '401': error,
        '403': error,
        '413': error,
        '415': error,
      },
    },
  },
  '/api/admin/feeds/{id}/pull': {
    post: {
      ...admin,
      summary: 'Collecter un flux maintenant (requête conditionnelle)',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': pullOutcome, '401': error, '403': error, '404': error, '409': error },
    },
  },
  '/api/admin/feeds/{id}/backfill': {
    post: {
      ...admin,
      summary: 'Rattraper l’historique d’un flux : le recollecter maintenant, sans ETag ni empreinte, et tout réintégrer',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': pullOutcome, '401': error, '403': error, '404': error, '409': error },
    },
  },
  '/api/admin/buyers/{siret}/backfill': {
    post: {
      ...admin,
      summary: 'Recollecter tous les flux d’un acheteur, sans ETag ni empreinte',
      parameters: [{ name: 'siret', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{14}$' } }],
      responses: { '200': { description: 'Résultat par flux' }, '400': error, '401': error, '403': error, '404': error },
    },
  },
  '/api/qualite/flux': {
    get: {
      tags: ['qualité'],
      summary: 'Fraîcheur et état d’alerte de chaque flux DECP (sans URL ni identifiants)',
      parameters: [alertParam, siretParam],
      responses: { '200': { description: 'Flux' }, '400': error },
    },
  },
};

export const feedsOpenApiSchemas = {
  RegisterFeed: {
    type: 'object',
    required: ['siret', 'nom'],
    properties: {
      siret: { type: 'string', pattern: '^\\d{14}$' },
      nom: { type: 'string', maxLength: 300 },
      url: { type: 'string', format: 'uri', description: 'Obligatoire sauf pour kind=upload' },
      kind: { type: 'string', enum: ['url', 'platform-export', 'upload'], default: 'url' },
      intervalMinutes: { type: 'integer', minimum: 5, maximum: 43200, default: 1440 },
      enabled: { type: 'boolean', default: true },
      credentialsEnv: { type: 'string', pattern: '^[A-Z_][A-Z0-9_]*$', description: 'NOM de la variable d’environnement contenant le jeton Bearer (jamais le jeton)' },
    },
  },
  FeedPullOutcome: {
    type: 'object',
    required: ['feedId', 'result', 'nextPullAt'],
    properties: {
      feedId: { type: 'string' },
      result: { type: 'string', enum: ['changed', 'unchanged', 'failed'] },
      httpStatus: { type: 'integer', nullable: true },
      reason: { type: 'string', enum: ['not-modified', 'same-content'] },
      error: { type: 'string', nullable: true },
      summary: { type: 'object', nullable: true },
      nextPullAt: { type: 'string', format: 'date-time' },
    },
  },
};
