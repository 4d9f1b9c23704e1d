const error = { description: 'Erreur', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

export const ingestOpenApiPaths = {
  '/api/ingest/uploads': {
    post: {
      tags: ['ingest'],
      summary: 'Déposer un fichier DECP (JSON/XML 2019 ou 2022, CSV consolidé decp.info, éventuellement gzip)',
      description: 'Rôle « ingest » (clé OBSERVATOIRE_INGEST_TOKENS ou jeton OIDC portant ce rôle) ; le rôle « admin » l’inclut.',
      security: [{ adminKey: [] }],
      parameters: [
        { name: 'filename', in: 'query', required: true, schema: { type: 'string' } },
        { name: 'source', in: 'query', required: false, schema: { type: 'string', default: 'upload' }, description: 'Source logique d’un dépôt sans flux' },
        {
          name: 'feed',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'Flux de type « upload » auquel rattacher le dépôt : source feed:<id>, état du flux mis à jour comme après une collecte',
        },
      ],
      requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
      responses: {
        '201': {
          description: 'Bilan du dépôt : records = accepted + flagged + quarantined ; avec feed, `feed` donne le résultat enregistré pour le flux',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestSummary' } } },
        },
        '404': { ...error, description: 'FEED_NOT_FOUND : flux inconnu' },
        '409': {
          ...error,
          description:
            'INGEST_LEDGER_BUSY : une autre intégration tient le registre des marchés au-delà de l’attente du dépôt (en-tête Retry-After, rien n’a été intégré) ; FEED_NOT_UPLOAD : le flux n’est pas de type « upload »',
        },
        '400': error,
        '401': error,
        '403': error,
      },
    },
  },
  '/api/ingest/runs': {
    get: {
      tags: ['ingest'],
      summary: 'Dernières exécutions d’intégration et leurs bilans',
      parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }],
      responses: { '200': { description: 'Exécutions' }, '400': error },
    },
  },
  '/api/qualite/quarantaine': {
    get: {
      tags: ['qualité'],
      summary: 'Enregistrements mis en quarantaine, avec leurs motifs (fichier, position, champ)',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        { name: 'file', in: 'query', schema: { type: 'string' } },
      ],
      responses: { '200': { description: 'Enregistrements en quarantaine' }, '400': error },
    },
  },
};

export const ingestOpenApiSchemas = {
  IngestSummary: {
    type: 'object',
    required: ['runId', 'files', 'records', 'accepted', 'flagged', 'quarantined', 'duplicates', 'published', 'errors'],
    properties: {
      runId: { type: 'string' },
      files: { type: 'integer' },
      records: { type: 'integer' },
      accepted: { type: 'integer' },
      flagged: { type: 'integer' },
      quarantined: { type: 'integer' },
      duplicates: { type: 'integer' },
      published: { type: 'integer' },
      unchanged: { type: 'integer' },
      errors: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
      perFile: { type: 'array', items: { type: 'object' } },
      durationMs: { type: 'integer' },
      feed: {
        type: 'object',
        description: 'Dépôt rattaché à un flux (feed=) : résultat enregistré pour ce flux',
        properties: {
          id: { type: 'string' },
          result: { type: 'string', enum: ['changed', 'unchanged', 'failed'] },
          reason: { type: 'string', enum: ['same-content'] },
          error: { type: 'string', nullable: true },
        },
      },
    },
  },
};
