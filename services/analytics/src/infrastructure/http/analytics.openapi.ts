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
      parameters: [{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 10 } }, ...filterParameters],
      responses: { '200': json('SectorOverview', 'Vue du secteur'), '400': invalid },
    },
  },
  '/api/prix': {
    get: {
      tags: ['indicateurs'],
      summary: 'Distribution des montants attribués (quartiles), maxima d’accords-cadres à part',
      parameters: filterParameters,
      responses: { '200': { description: 'Distribution des montants' }, '400': invalid },
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
    required: ['filters', 'totals', 'byYear', 'topBuyers', 'latestContracts'],
    properties: {
      filters: { type: 'object' },
      totals: { type: 'object' },
      byYear: { type: 'array', items: { type: 'object' } },
      topBuyers: { type: 'array', items: { type: 'object' } },
      latestContracts: { type: 'array', items: { type: 'object' } },
    },
  },
};
