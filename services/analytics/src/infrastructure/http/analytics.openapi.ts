import { DIMENSIONS, INDICATOR_KEYS } from '../../domain';

const error = { description: 'Erreur ({ code, message, correlationId })', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
const invalid = { ...error, description: 'Paramètre invalide (code INVALID_PARAMETER)' };

/** The filter vocabulary shared by every analytics endpoint (the territory is the buyer's). */
const filterParameters = [
  { name: 'acheteur', in: 'query', schema: { type: 'string', pattern: '^(\\d{9}|\\d{14})$' }, description: 'SIRET (cet établissement) ou SIREN (toute l’unité légale) de l’acheteur' },
  { name: 'typeAcheteur', in: 'query', schema: { type: 'string', example: 'commune' }, description: 'commune, epci, departement, region, hopital, epic, syndicat-mixte, etat, autre, unknown' },
  {
    name: 'territoire',
    in: 'query',
    schema: { type: 'string', example: 'epci:200042174' },
    description: 'Territoire de l’acheteur : epci:<SIREN>, departement:<code>, region:<code> ou bretagne',
  },
  { name: 'cpv', in: 'query', schema: { type: 'string', pattern: '^\\d{2,8}$' }, description: 'Préfixe de code CPV (2 à 8 chiffres)' },
  { name: 'typeAchat', in: 'query', schema: { type: 'string', enum: ['travaux', 'fournitures', 'services'] } },
  { name: 'annee', in: 'query', schema: { type: 'integer', minimum: 2000, maximum: 2100 }, description: 'Année de notification (exclusif avec du/au)' },
  { name: 'du', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Notifiés à partir de cette date (incluse)' },
  { name: 'au', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Notifiés jusqu’à cette date (incluse)' },
  {
    name: 'coTraitance',
    in: 'query',
    schema: { type: 'string', enum: ['partage', 'mandataire'], default: 'partage' },
    description: 'Co-traitants : partage égal entre titulaires, ou tout au mandataire',
  },
];
const indicatorParam = (required: boolean) => ({ name: 'indicator', in: 'query', required, schema: { type: 'string', enum: [...INDICATOR_KEYS] } });
const dimensionParam = { name: 'dimension', in: 'query', required: true, schema: { type: 'string', enum: [...DIMENSIONS] } };
const json = (ref: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const exportParams = [
  { name: 'table', in: 'query', required: true, schema: { type: 'string', enum: ['indicators', 'series', 'breakdown'] } },
  indicatorParam(false),
  { ...dimensionParam, required: false, description: 'Obligatoire pour table=breakdown' },
  ...filterParameters,
];

export const analyticsOpenApiPaths = {
  '/api/indicators': {
    get: {
      tags: ['indicateurs'],
      summary: 'Indicateurs de la charte (en nombre et en montant, part inconnue à part) sur les contrats courants filtrés',
      parameters: filterParameters,
      responses: { '200': json('IndicatorsResult', 'Indicateurs'), '400': invalid },
    },
  },
  '/api/indicators/series': {
    get: {
      tags: ['indicateurs'],
      summary: 'Un indicateur par année de notification',
      parameters: [indicatorParam(true), ...filterParameters],
      responses: { '200': { description: 'Série annuelle' }, '400': invalid },
    },
  },
  '/api/indicators/breakdown': {
    get: {
      tags: ['indicateurs'],
      summary: 'Indicateurs par acheteur, type d’acheteur, EPCI, département, division CPV, type d’achat ou année',
      parameters: [dimensionParam, indicatorParam(false), ...filterParameters],
      responses: { '200': { description: 'Répartition' }, '400': invalid },
    },
  },
  '/api/indicators/export.csv': {
    get: {
      tags: ['indicateurs'],
      summary: 'Export CSV (UTF-8 avec BOM, séparateur « ; », virgule décimale), en flux, sans limite de lignes',
      parameters: exportParams,
      responses: { '200': { description: 'Fichier CSV', content: { 'text/csv': { schema: { type: 'string' } } } }, '400': invalid },
    },
  },
  '/api/indicators/export.xlsx': {
    get: {
      tags: ['indicateurs'],
      summary: 'Export XLSX, en flux, sans limite de lignes',
      parameters: exportParams,
      responses: {
        '200': { description: 'Classeur XLSX', content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } },
        '400': invalid,
      },
    },
  },
  '/api/secteur': {
    get: {
      tags: ['indicateurs'],
      summary: 'Ce qu’un territoire a attribué dans un secteur : totaux, par année, principaux acheteurs, derniers contrats',
      description:
        'Le secteur est un préfixe de code CPV (`cpv`) ou le code NAF d’une entreprise (`naf`, exclusif avec `cpv`) : le NAF est ' +
        'alors traduit en codes CPV à partir des données (les codes que remportent les entreprises de ce NAF, jusqu’à couvrir ' +
        '`couverture` de leurs marchés, avec un support minimal), et la réponse donne cette correspondance dans `secteur`.',
      parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } },
        ...filterParameters,
        {
          name: 'naf',
          in: 'query',
          schema: { type: 'string', pattern: '^\\d{2}(\\.?\\d(\\d[A-Za-z]?)?)?$', example: '43.21A' },
          description: 'Code NAF rév. 2 de l’entreprise (43.21A, point facultatif) ou un début de code (division 43, groupe 43.2, classe 43.21) ; exclusif avec cpv',
        },
        {
          name: 'couverture',
          in: 'query',
          schema: { type: 'number', minimum: 0.5, maximum: 1, default: 0.8 },
          description: 'Avec naf : part des marchés du NAF que les codes CPV retenus doivent couvrir',
        },
        {
          name: 'niveauCpv',
          in: 'query',
          schema: { type: 'string', enum: ['groupe', 'division'], default: 'groupe' },
          description: 'Avec naf : codes CPV retenus au niveau du groupe (3 chiffres) ou de la division (2 chiffres)',
        },
      ],
      responses: { '200': json('SectorOverview', 'Vue du secteur'), '400': invalid },
    },
  },
  '/api/secteur/naf': {
    get: {
      tags: ['indicateurs'],
      summary: 'Codes NAF présents dans les données (titulaires ayant remporté au moins un marché), pour l’autocomplétion',
      parameters: [
        { name: 'q', in: 'query', schema: { type: 'string', example: '43.2' }, description: 'Début de code NAF (43, 43.2, 43.21, 43.21A)' },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
      ],
      responses: { '200': json('NafCodes', 'Codes NAF par nombre de marchés remportés décroissant'), '400': invalid },
    },
  },
  '/api/prix': {
    get: {
      tags: ['indicateurs'],
      summary: 'Distribution des montants attribués (quartiles), maxima d’accords-cadres à part, tarifs publiés par les concessions',
      description:
        'concessionTariffs : les tarifs publiés dans les données d’exécution des contrats de concession du périmètre (intituleTarif, tarif, datePublication, concession et autorité concédante), les plus récents d’abord (500 au plus ; count donne le total).',
      parameters: filterParameters,
      responses: { '200': { description: 'Distribution des montants' }, '400': invalid },
    },
  },
  '/api/qualite/sources': {
    get: {
      tags: ['qualité'],
      summary: 'Fraîcheur de chaque source de données : son dernier chargement, ses comptes, son âge, et si elle est en retard',
      description:
        'Une ligne par source de chargement (la source d’un fichier DECP : `upload`, `feed:<id>`, le nom donné à la ligne de commande…), ' +
        'avec le dernier chargement qui a lu ses fichiers et les comptes de ce chargement. `stale` : ce chargement date de plus de ' +
        '`staleAfterDays` jours (45 par défaut, réglable). Les sources les plus anciennes d’abord. Aucun paramètre.',
      parameters: [],
      responses: { '200': json('SourceFreshness', 'Fraîcheur par source'), '400': invalid },
    },
  },
  '/api/qualite/doublons': {
    get: {
      tags: ['qualité'],
      summary: 'Doublons probables : un même marché publié deux fois sous deux identifiants',
      description:
        'Groupes de marchés courants d’identifiants différents ayant le même acheteur, le même code CPV, le même montant au centime ' +
        '(hors montants ronds, multiples de 100 €), les mêmes entreprises titulaires (SIREN : deux établissements d’une entreprise comptent ' +
        'pour une) et des dates de notification à 90 jours au plus l’une de l’autre. Rien n’est retiré des chiffres : `excessAmount` dit ce ' +
        'que la somme de toutes les copies ajoute aux attributions réelles. Les plus gros montants d’abord (500 groupes au plus ; `groups` donne le total). ' +
        'Mêmes filtres que /api/indicators.',
      parameters: filterParameters,
      responses: { '200': json('ProbableDuplicates', 'Doublons probables'), '400': invalid },
    },
  },
};

const ratio = {
  type: 'object',
  required: ['numerator', 'denominator', 'value', 'unknown', 'unknownShare'],
  properties: {
    numerator: { type: 'number' },
    denominator: { type: 'number' },
    value: { type: 'number', nullable: true },
    unknown: { type: 'number' },
    unknownShare: { type: 'number', nullable: true },
  },
};

export const analyticsOpenApiSchemas = {
  IndicatorRatio: ratio,
  IndicatorValue: {
    type: 'object',
    required: ['key', 'label', 'unit', 'byCount', 'excludedUnusableAmounts'],
    properties: {
      key: { type: 'string', enum: [...INDICATOR_KEYS] },
      label: { type: 'string' },
      unit: { type: 'string', enum: ['share', 'count'] },
      byCount: { $ref: '#/components/schemas/IndicatorRatio' },
      byAmount: { $ref: '#/components/schemas/IndicatorRatio' },
      excludedUnusableAmounts: { type: 'integer' },
      target: { type: 'number' },
      targetMet: { type: 'boolean', nullable: true },
      details: { type: 'object' },
    },
  },
  IndicatorsResult: {
    type: 'object',
    required: ['filters', 'coContractorRule', 'contracts', 'indicators', 'excludedUnusableAmounts'],
    properties: {
      filters: { type: 'object' },
      coContractorRule: { type: 'string', enum: ['even-split', 'lead'] },
      contracts: { type: 'integer' },
      indicators: { type: 'array', items: { $ref: '#/components/schemas/IndicatorValue' } },
      excludedUnusableAmounts: { type: 'integer' },
      historyStart: { type: 'string', format: 'date', nullable: true },
    },
  },
  SectorOverview: {
    type: 'object',
    required: ['filters', 'totals', 'probableDuplicates', 'byYear', 'topBuyers', 'latestContracts'],
    properties: {
      filters: { type: 'object' },
      totals: { type: 'object' },
      probableDuplicates: {
        type: 'object',
        description:
          'Doublons probables (un même marché publié sous deux identifiants, voir /api/qualite/doublons) parmi les marchés que totals.amount additionne : excessAmount est ce que ce total compte en trop. Affiché, non retranché.',
        properties: { groups: { type: 'integer' }, contracts: { type: 'integer' }, excessAmount: { type: 'number' } },
      },
      byYear: { type: 'array', items: { type: 'object' } },
      topBuyers: { type: 'array', items: { type: 'object' } },
      latestContracts: { type: 'array', items: { type: 'object' } },
      secteur: { $ref: '#/components/schemas/SectorByNaf' },
    },
  },
  SectorByNaf: {
    type: 'object',
    description: 'Avec naf seulement : la correspondance NAF → CPV utilisée (dérivée des données)',
    required: ['naf', 'codesNaf', 'marches', 'montant', 'cpv', 'couverture', 'couvertureMontant', 'regle', 'message'],
    properties: {
      naf: { type: 'string', example: '43.21A' },
      codesNaf: { type: 'array', items: { type: 'string' }, description: 'Codes NAF des données sous ce code' },
      marches: { type: 'integer', description: 'Marchés remportés par des entreprises de ce NAF (chaque cotraitant pour son code)' },
      montant: { type: 'number', description: 'Somme des montants utilisables de ces marchés, hors accords-cadres' },
      cpv: {
        type: 'array',
        items: {
          type: 'object',
          required: ['code', 'contrats', 'montant', 'part', 'partMontant'],
          properties: {
            code: { type: 'string', description: 'Groupe (3 chiffres) ou division (2 chiffres) CPV' },
            contrats: { type: 'integer' },
            montant: { type: 'number' },
            part: { type: 'number', description: 'Part des marchés du NAF' },
            partMontant: { type: 'number', nullable: true },
          },
        },
      },
      couverture: { type: 'number', nullable: true },
      couvertureMontant: { type: 'number', nullable: true },
      regle: {
        type: 'object',
        properties: {
          niveau: { type: 'string', enum: ['groupe', 'division'] },
          couverture: { type: 'number' },
          supportMin: { type: 'integer' },
          partMin: { type: 'number' },
          description: { type: 'string' },
        },
      },
      message: { type: 'string', nullable: true, description: 'Pourquoi aucun code CPV n’a pu être retenu' },
    },
  },
  ProbableDuplicates: {
    type: 'object',
    required: ['filters', 'rule', 'groups', 'contracts', 'excessAmount', 'items'],
    properties: {
      filters: { type: 'object' },
      rule: { type: 'object', description: 'La règle appliquée (fenêtre de dates en jours : windowDays)' },
      groups: { type: 'integer', description: 'Groupes trouvés (tous, même au-delà des 500 renvoyés)' },
      contracts: { type: 'integer', description: 'Marchés dans ces groupes, copies comprises' },
      excessAmount: { type: 'number', description: 'Σ montant × (copies − 1), en euros' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['acheteurId', 'acheteurNom', 'codeCPV', 'objet', 'montant', 'titulaires', 'copies', 'excessAmount'],
          properties: {
            acheteurId: { type: 'string' },
            acheteurNom: { type: 'string', nullable: true },
            codeCPV: { type: 'string' },
            objet: { type: 'string', nullable: true },
            montant: { type: 'number' },
            titulaires: { type: 'array', items: { type: 'string' }, description: 'Entreprises titulaires communes (SIREN, ou identifiant sans SIRET)' },
            copies: {
              type: 'array',
              items: {
                type: 'object',
                required: ['uid', 'id', 'dateNotification', 'datePublicationDonnees', 'titulaires', 'sources'],
                properties: {
                  uid: { type: 'string' },
                  id: { type: 'string' },
                  dateNotification: { type: 'string', nullable: true },
                  datePublicationDonnees: { type: 'string', nullable: true },
                  titulaires: { type: 'array', items: { type: 'string' } },
                  sources: { type: 'array', items: { type: 'string' } },
                },
              },
            },
            excessAmount: { type: 'number' },
          },
        },
      },
    },
  },
  SourceFreshness: {
    type: 'object',
    required: ['staleAfterDays', 'items'],
    properties: {
      staleAfterDays: { type: 'integer', description: 'Seuil de retard, en jours' },
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['source', 'lastRunId', 'lastFinishedAt', 'ageDays', 'files', 'records', 'accepted', 'flagged', 'quarantined', 'duplicates', 'stale'],
          properties: {
            source: { type: 'string', example: 'upload' },
            lastRunId: { type: 'string' },
            lastFinishedAt: { type: 'string', format: 'date-time' },
            ageDays: { type: 'integer', nullable: true, description: 'Jours entiers écoulés depuis lastFinishedAt' },
            files: { type: 'integer' },
            records: { type: 'integer' },
            accepted: { type: 'integer' },
            flagged: { type: 'integer' },
            quarantined: { type: 'integer' },
            duplicates: { type: 'integer' },
            stale: { type: 'boolean', description: 'Dernier chargement plus ancien que staleAfterDays jours' },
          },
        },
      },
    },
  },
  NafCodes: {
    type: 'object',
    required: ['q', 'total', 'items'],
    properties: {
      q: { type: 'string', nullable: true },
      total: { type: 'integer' },
      items: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, contrats: { type: 'integer' } } } },
    },
  },
};
