const error = { description: 'Paramètre invalide (code INVALID_PARAMETER)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

const distribution = {
  min: { type: 'number', nullable: true },
  q1: { type: 'number', nullable: true },
  median: { type: 'number', nullable: true },
  q3: { type: 'number', nullable: true },
  max: { type: 'number', nullable: true },
};

export const preparePurchaseOpenApiPaths = {
  '/api/preparer-achat': {
    get: {
      tags: ['indicateurs'],
      summary: 'Préparer un achat : entreprises locales ayant remporté des marchés similaires, parts locale et PME, procédures et nombre d’offres',
      description:
        'Marchés similaires = même préfixe CPV, montant utilisable entre montant × facteurMin et montant × facteurMax, notifiés dans la période. ' +
        'La base de fournisseurs compte les entreprises implantées dans le territoire ayant remporté un marché similaire (de tout acheteur) ; ' +
        'indicateurs, procédures et offres portent sur les marchés similaires des acheteurs du territoire.',
      parameters: [
        { name: 'cpv', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{2,8}$', example: '45' }, description: 'Préfixe de code CPV (2 à 8 chiffres)' },
        { name: 'montant', in: 'query', required: true, schema: { type: 'number', minimum: 1, maximum: 3_000_000_000, example: 150000 }, description: 'Montant estimé de l’achat (€ HT)' },
        {
          name: 'territoire',
          in: 'query',
          required: true,
          schema: { type: 'string', example: 'departement:56' },
          description: 'Territoire de l’acheteur : epci:<SIREN>, departement:<code>, region:<code> ou bretagne',
        },
        { name: 'du', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Notifiés à partir de cette date (incluse)' },
        { name: 'au', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Notifiés jusqu’à cette date (incluse)' },
        { name: 'annee', in: 'query', schema: { type: 'integer', minimum: 2000, maximum: 2100 }, description: 'Année de notification (exclusif avec du/au)' },
        { name: 'facteurMin', in: 'query', schema: { type: 'number', minimum: 0.01, maximum: 1, default: 0.3 }, description: 'Bas de la fourchette de montant (× montant)' },
        { name: 'facteurMax', in: 'query', schema: { type: 'number', minimum: 1, maximum: 100, default: 3 }, description: 'Haut de la fourchette de montant (× montant)' },
        { name: 'coTraitance', in: 'query', schema: { type: 'string', enum: ['partage', 'mandataire'], default: 'partage' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, description: 'Entreprises listées par catégorie de taille' },
      ],
      responses: {
        '200': { description: 'Préparation de l’achat', content: { 'application/json': { schema: { $ref: '#/components/schemas/PreparePurchaseResult' } } } },
        '400': error,
      },
    },
  },
};

export const preparePurchaseOpenApiSchemas = {
  LocalSupplier: {
    type: 'object',
    required: ['id', 'nom', 'categorie', 'contracts', 'amount', 'frameworkAgreements', 'lien'],
    properties: {
      id: { type: 'string' },
      nom: { type: 'string', nullable: true },
      categorie: { type: 'string', enum: ['PME', 'ETI', 'GE', 'unknown'] },
      communeCode: { type: 'string', nullable: true },
      departementCode: { type: 'string', nullable: true },
      contracts: { type: 'integer', description: 'Marchés similaires remportés (seul ou en groupement)' },
      amount: { type: 'number', description: 'Sa part (règle de co-traitance) des montants utilisables, accords-cadres exclus' },
      frameworkAgreements: { type: 'integer', description: 'Accords-cadres parmi ces marchés (maximum, non additionné)' },
      lien: { type: 'string', example: '/titulaires/44306184100047' },
    },
  },
  PreparePurchaseResult: {
    type: 'object',
    required: ['filters', 'purchase', 'similar', 'supplierBase', 'indicators', 'procedures', 'bids'],
    properties: {
      filters: { type: 'object' },
      purchase: {
        type: 'object',
        properties: {
          cpv: { type: 'string' },
          montant: { type: 'number' },
          territoire: { type: 'string' },
          band: { type: 'object', properties: { factorMin: { type: 'number' }, factorMax: { type: 'number' }, amountMin: { type: 'number' }, amountMax: { type: 'number' } } },
        },
      },
      similar: {
        type: 'object',
        properties: {
          everywhere: { type: 'integer', description: 'Marchés similaires, tous acheteurs' },
          inTerritory: { type: 'integer', description: 'Marchés similaires des acheteurs du territoire' },
        },
      },
      supplierBase: {
        type: 'object',
        properties: {
          suppliers: { type: 'integer' },
          unknownLocation: { type: 'integer', description: 'Titulaires de marchés similaires dont l’implantation est inconnue' },
          groups: {
            type: 'array',
            description: 'PME, ETI, GE, unknown (toujours dans cet ordre)',
            items: {
              type: 'object',
              properties: {
                categorie: { type: 'string', enum: ['PME', 'ETI', 'GE', 'unknown'] },
                label: { type: 'string' },
                suppliers: { type: 'integer' },
                contracts: { type: 'integer' },
                amount: { type: 'number' },
                items: { type: 'array', items: { $ref: '#/components/schemas/LocalSupplier' } },
              },
            },
          },
        },
      },
      indicators: {
        type: 'array',
        description: 'local-share-epci, local-share-departement, local-share-bretagne, sme-share',
        items: { $ref: '#/components/schemas/IndicatorValue' },
      },
      procedures: {
        type: 'object',
        properties: {
          contracts: { type: 'integer' },
          unknown: { type: 'integer' },
          items: { type: 'array', items: { type: 'object', properties: { procedure: { type: 'string' }, contracts: { type: 'integer' }, share: { type: 'number' } } } },
        },
      },
      bids: {
        type: 'object',
        properties: {
          contracts: { type: 'integer' },
          known: { type: 'integer' },
          unknown: { type: 'integer' },
          ...distribution,
          singleBid: { type: 'object', properties: { contracts: { type: 'integer' }, share: { type: 'number', nullable: true } } },
        },
      },
    },
  },
};
