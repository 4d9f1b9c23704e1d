import { EntitySchema } from '@mikro-orm/core';
import type {
  ContractProvenanceRecord,
  ContractRecord,
  ContractTitulaireRecord,
  ContractVersionRecord,
  SubcontractingActRecord,
} from '../../../domain/catalog-records';

const isoDate = { type: 'string', length: 10, nullable: true } as const;

export const ContractEntity = new EntitySchema<ContractRecord>({
  name: 'ContractRecord',
  tableName: 'contract',
  indexes: [
    { properties: ['acheteurId', 'sortDate'] },
    { properties: ['acheteurSiren', 'sortDate'] },
    { properties: ['cpvDivision'] },
    { properties: ['annee'] },
    { properties: ['sortDate', 'uid'] },
  ],
  properties: {
    uid: { type: 'string', primary: true, length: 255 },
    id: { type: 'string', length: 255 },
    kind: { type: 'string', length: 16 },
    acheteurId: { type: 'string', length: 64 },
    acheteurSiren: { type: 'string', length: 9, nullable: true },
    objet: { type: 'text', nullable: true },
    codeCpv: { type: 'string', length: 16, nullable: true },
    cpvDivision: { type: 'string', length: 2, nullable: true },
    purchaseType: { type: 'string', length: 16, nullable: true },
    nature: { type: 'string', length: 128, nullable: true },
    procedure: { type: 'string', length: 255, nullable: true },
    montant: { type: 'double', nullable: true },
    montantUtilisable: { type: 'boolean' },
    dureeMois: { type: 'double', nullable: true },
    dateNotification: isoDate,
    annee: { type: 'integer', nullable: true },
    sortDate: { type: 'string', length: 10 },
    datePublication: isoDate,
    dateDerniereModification: isoDate,
    titulairesCount: { type: 'integer' },
    offresRecues: { type: 'double', nullable: true },
    attributionAvance: { type: 'boolean', nullable: true },
    sousTraitanceDeclaree: { type: 'boolean', nullable: true },
    aggregateVersion: { type: 'integer' },
    contentHash: { type: 'string', length: 128 },
    lastEventId: { type: 'string', length: 64 },
    updatedAt: { type: 'datetime' },
    data: { type: 'json' },
  },
});

export const ContractVersionEntity = new EntitySchema<ContractVersionRecord>({
  name: 'ContractVersionRecord',
  tableName: 'contract_version',
  properties: {
    contractUid: { type: 'string', primary: true, length: 255 },
    seq: { type: 'integer', primary: true },
    kind: { type: 'string', length: 16 },
    montant: { type: 'double', nullable: true },
    dureeMois: { type: 'double', nullable: true },
    dateNotification: isoDate,
    datePublication: isoDate,
    objetModification: { type: 'text', nullable: true },
    titulaires: { type: 'json', nullable: true },
  },
});

export const ContractTitulaireEntity = new EntitySchema<ContractTitulaireRecord>({
  name: 'ContractTitulaireRecord',
  tableName: 'contract_titulaire',
  indexes: [{ properties: ['titulaireId'] }, { properties: ['titulaireSiren'] }],
  properties: {
    contractUid: { type: 'string', primary: true, length: 255 },
    ordinal: { type: 'integer', primary: true },
    titulaireId: { type: 'string', length: 64 },
    titulaireSiren: { type: 'string', length: 9, nullable: true },
    typeIdentifiant: { type: 'string', length: 64, nullable: true },
    denominationSociale: { type: 'text', nullable: true },
    role: { type: 'string', length: 16 },
  },
});

export const SubcontractingActEntity = new EntitySchema<SubcontractingActRecord>({
  name: 'SubcontractingActRecord',
  tableName: 'subcontracting_act',
  indexes: [{ properties: ['sousTraitantId'] }],
  properties: {
    contractUid: { type: 'string', primary: true, length: 255 },
    ordinal: { type: 'integer', primary: true },
    actId: { type: 'string', length: 64, nullable: true },
    sousTraitantId: { type: 'string', length: 64, nullable: true },
    sousTraitantTypeIdentifiant: { type: 'string', length: 64, nullable: true },
    montant: { type: 'double', nullable: true },
    dureeMois: { type: 'double', nullable: true },
    dateNotification: isoDate,
    datePublication: isoDate,
    variationPrix: { type: 'string', length: 64, nullable: true },
  },
});

export const ContractProvenanceEntity = new EntitySchema<ContractProvenanceRecord>({
  name: 'ContractProvenanceRecord',
  tableName: 'contract_provenance',
  indexes: [{ properties: ['source', 'file'] }],
  properties: {
    contractUid: { type: 'string', primary: true, length: 255 },
    ordinal: { type: 'integer', primary: true },
    source: { type: 'string', length: 255 },
    file: { type: 'text' },
    position: { type: 'integer' },
    format: { type: 'string', length: 32 },
    schemaVersion: { type: 'string', length: 16, nullable: true },
  },
});
