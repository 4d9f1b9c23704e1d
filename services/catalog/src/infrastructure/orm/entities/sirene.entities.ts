import { EntitySchema } from '@mikro-orm/core';

/** Rows of INSEE's StockUniteLegale kept by the catalog (the columns it uses). */
export interface SireneUniteLegaleRecord {
  siren: string;
  statutDiffusion: string;
  etatAdministratif: string | null;
  denomination: string | null;
  sigle: string | null;
  nom: string | null;
  prenom: string | null;
  categorieEntreprise: string | null;
  trancheEffectifs: string | null;
  categorieJuridique: string | null;
  activitePrincipale: string | null;
  nicSiege: string | null;
}

/** Rows of INSEE's StockEtablissement kept by the catalog (the columns it uses). */
export interface SireneEtablissementRecord {
  siret: string;
  siren: string;
  statutDiffusion: string;
  etatAdministratif: string | null;
  etablissementSiege: boolean;
  codeCommune: string | null;
  codePostal: string | null;
  libelleCommune: string | null;
  denominationUsuelle: string | null;
  activitePrincipale: string | null;
  longitude: number | null;
  latitude: number | null;
}

/** Cache of the live "recherche d'entreprises" API, keyed by the query (SIRET or SIREN). */
export interface SireneApiCacheRecord {
  query: string;
  statusCode: number;
  body: string;
  fetchedAt: Date;
  expiresAt: Date;
}

export const SireneUniteLegaleEntity = new EntitySchema<SireneUniteLegaleRecord>({
  name: 'SireneUniteLegaleRecord',
  tableName: 'sirene_unite_legale',
  properties: {
    siren: { type: 'string', primary: true, length: 9 },
    statutDiffusion: { type: 'string', length: 1 },
    etatAdministratif: { type: 'string', length: 1, nullable: true },
    denomination: { type: 'text', nullable: true },
    sigle: { type: 'string', length: 255, nullable: true },
    nom: { type: 'string', length: 255, nullable: true },
    prenom: { type: 'string', length: 255, nullable: true },
    categorieEntreprise: { type: 'string', length: 8, nullable: true },
    trancheEffectifs: { type: 'string', length: 4, nullable: true },
    categorieJuridique: { type: 'string', length: 4, nullable: true },
    activitePrincipale: { type: 'string', length: 8, nullable: true },
    nicSiege: { type: 'string', length: 5, nullable: true },
  },
});

export const SireneEtablissementEntity = new EntitySchema<SireneEtablissementRecord>({
  name: 'SireneEtablissementRecord',
  tableName: 'sirene_etablissement',
  indexes: [{ properties: ['siren'] }],
  properties: {
    siret: { type: 'string', primary: true, length: 14 },
    siren: { type: 'string', length: 9 },
    statutDiffusion: { type: 'string', length: 1 },
    etatAdministratif: { type: 'string', length: 1, nullable: true },
    etablissementSiege: { type: 'boolean' },
    codeCommune: { type: 'string', length: 5, nullable: true },
    codePostal: { type: 'string', length: 5, nullable: true },
    libelleCommune: { type: 'string', length: 255, nullable: true },
    denominationUsuelle: { type: 'text', nullable: true },
    activitePrincipale: { type: 'string', length: 8, nullable: true },
    longitude: { type: 'double', nullable: true },
    latitude: { type: 'double', nullable: true },
  },
});

export const SireneApiCacheEntity = new EntitySchema<SireneApiCacheRecord>({
  name: 'SireneApiCacheRecord',
  tableName: 'sirene_api_cache',
  properties: {
    query: { type: 'string', primary: true, length: 64 },
    statusCode: { type: 'integer' },
    body: { type: 'text' },
    fetchedAt: { type: 'datetime' },
    expiresAt: { type: 'datetime' },
  },
});
