import { EntitySchema } from '@mikro-orm/core';

export interface RegionRecord {
  code: string;
  nom: string;
}
export interface DepartementRecord {
  code: string;
  nom: string;
  regionCode: string;
}
export interface EpciRecord {
  siren: string;
  nom: string;
  nature: string | null;
}
export interface CommuneRecord {
  code: string;
  nom: string;
  departementCode: string;
  regionCode: string;
  /** null for communes in no EPCI (22016, 29083, 29155); arrondissements carry their commune's EPCI. */
  epciSiren: string | null;
}

export const RegionEntity = new EntitySchema<RegionRecord>({
  name: 'RegionRecord',
  tableName: 'territory_region',
  properties: { code: { type: 'string', primary: true, length: 3 }, nom: { type: 'string', length: 255 } },
});

export const DepartementEntity = new EntitySchema<DepartementRecord>({
  name: 'DepartementRecord',
  tableName: 'territory_departement',
  properties: {
    code: { type: 'string', primary: true, length: 3 },
    nom: { type: 'string', length: 255 },
    regionCode: { type: 'string', length: 3 },
  },
});

export const EpciEntity = new EntitySchema<EpciRecord>({
  name: 'EpciRecord',
  tableName: 'territory_epci',
  properties: {
    siren: { type: 'string', primary: true, length: 9 },
    nom: { type: 'string', length: 255 },
    nature: { type: 'string', length: 16, nullable: true },
  },
});

export const CommuneEntity = new EntitySchema<CommuneRecord>({
  name: 'CommuneRecord',
  tableName: 'territory_commune',
  indexes: [{ properties: ['epciSiren'] }, { properties: ['departementCode'] }],
  properties: {
    code: { type: 'string', primary: true, length: 5 },
    nom: { type: 'string', length: 255 },
    departementCode: { type: 'string', length: 3 },
    regionCode: { type: 'string', length: 3 },
    epciSiren: { type: 'string', length: 9, nullable: true },
  },
});
