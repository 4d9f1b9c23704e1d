import { EntitySchema } from '@mikro-orm/core';
import type {
  EstablishmentRecord,
  LegalUnitRecord,
  OrganisationRecord,
  ProcessedEventRecord,
  ResolutionAttemptRecord,
} from '../../../domain/catalog-records';

export const OrganisationEntity = new EntitySchema<OrganisationRecord>({
  name: 'OrganisationRecord',
  tableName: 'organisation',
  indexes: [{ properties: ['nomRecherche'] }, { properties: ['siren'] }, { properties: ['status'] }],
  properties: {
    id: { type: 'string', primary: true, length: 64 },
    typeIdentifiant: { type: 'string', length: 64, nullable: true },
    siret: { type: 'string', length: 14, nullable: true },
    siren: { type: 'string', length: 9, nullable: true },
    isBuyer: { type: 'boolean' },
    isSupplier: { type: 'boolean' },
    status: { type: 'string', length: 16 },
    unknownReason: { type: 'string', length: 32, nullable: true },
    nom: { type: 'text', nullable: true },
    nomRecherche: { type: 'string', length: 255, nullable: true },
    categorieEntreprise: { type: 'string', length: 8, nullable: true },
    tpe: { type: 'boolean', nullable: true },
    typeOrganisation: { type: 'string', length: 32, nullable: true },
    communeCode: { type: 'string', length: 5, nullable: true },
    epciSiren: { type: 'string', length: 9, nullable: true },
    departementCode: { type: 'string', length: 3, nullable: true },
    regionCode: { type: 'string', length: 3, nullable: true },
    origin: { type: 'string', length: 64, nullable: true },
    enrichment: { type: 'json', nullable: true },
    profile: { type: 'json', nullable: true },
    profileHash: { type: 'string', length: 64, nullable: true },
    profileVersion: { type: 'integer' },
    resolvedAt: { type: 'datetime', nullable: true },
    firstSeenAt: { type: 'datetime' },
  },
});

export const LegalUnitEntity = new EntitySchema<LegalUnitRecord>({
  name: 'LegalUnitRecord',
  tableName: 'organisation_legal_unit',
  properties: {
    siren: { type: 'string', primary: true, length: 9 },
    nom: { type: 'text', nullable: true },
    categorieEntreprise: { type: 'string', length: 8, nullable: true },
    trancheEffectifs: { type: 'string', length: 4, nullable: true },
    categorieJuridique: { type: 'string', length: 4, nullable: true },
    naf: { type: 'string', length: 8, nullable: true },
    origin: { type: 'string', length: 64 },
    updatedAt: { type: 'datetime' },
  },
});

export const EstablishmentEntity = new EntitySchema<EstablishmentRecord>({
  name: 'EstablishmentRecord',
  tableName: 'organisation_establishment',
  indexes: [{ properties: ['siren'] }],
  properties: {
    siret: { type: 'string', primary: true, length: 14 },
    siren: { type: 'string', length: 9 },
    communeCode: { type: 'string', length: 5, nullable: true },
    latitude: { type: 'double', nullable: true },
    longitude: { type: 'double', nullable: true },
    origin: { type: 'string', length: 64 },
    updatedAt: { type: 'datetime' },
  },
});

export const ProcessedEventEntity = new EntitySchema<ProcessedEventRecord>({
  name: 'ProcessedEventRecord',
  tableName: 'processed_event',
  properties: {
    consumer: { type: 'string', primary: true, length: 128 },
    eventId: { type: 'string', primary: true, length: 64 },
    processedAt: { type: 'datetime' },
  },
});

export const ResolutionAttemptEntity = new EntitySchema<ResolutionAttemptRecord>({
  name: 'ResolutionAttemptRecord',
  tableName: 'resolution_attempt',
  indexes: [{ properties: ['id', 'at'] }],
  properties: {
    attemptId: { type: 'integer', primary: true, autoincrement: true },
    id: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    reason: { type: 'string', length: 32, nullable: true },
    origin: { type: 'string', length: 64 },
    at: { type: 'datetime' },
  },
});
