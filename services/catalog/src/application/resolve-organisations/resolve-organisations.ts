import type { SqlEntityManager } from '@mikro-orm/knex';
import {
  BUYER_RESOLVED,
  contentHash,
  createEvent,
  newCorrelationId,
  SUPPLIER_RESOLVED,
  type BuyerResolvedV1,
  type OrganisationProfile,
  type SupplierResolvedV1,
} from '@observatoire/contracts';
import {
  normaliseForSearch,
  type EstablishmentRecord,
  type LegalUnitRecord,
  type OrganisationRecord,
  type ResolutionAttemptRecord,
} from '../../domain/catalog-records';
import { classifyIdentifier } from '../../domain/identifier';
import { profileContent } from '../../domain/organisation-profile';
import { insertRows, upsertRows } from '../../infrastructure/orm/bulk-write';
import { EstablishmentEntity, LegalUnitEntity, OrganisationEntity, ResolutionAttemptEntity } from '../../infrastructure/orm/entities';
import type { OrganisationResolver } from './organisation-resolver.port';

export const CATALOG_EVENT_SOURCE = 'observatoire/catalog';

export type OrganisationResolvedEvent = SupplierResolvedV1 | BuyerResolvedV1;

export interface ResolveOrganisationsMeta {
  correlationId?: string;
  causationId?: string | null;
  now?: Date;
}

export interface ResolveOrganisationsResult {
  profiles: OrganisationProfile[];
  /** To publish: BuyerResolved / SupplierResolved per role; same content → same event id. */
  events: OrganisationResolvedEvent[];
}

function blankOrganisation(id: string, now: Date): OrganisationRecord {
  const c = classifyIdentifier(id, null);
  return {
    id, typeIdentifiant: null, siret: c.siret, siren: c.siren, isBuyer: false, isSupplier: false, status: 'pending',
    unknownReason: null, nom: null, nomRecherche: null, categorieEntreprise: null, tpe: null, typeOrganisation: null,
    communeCode: null, epciSiren: null, departementCode: null, regionCode: null, origin: null, enrichment: null,
    profile: null, profileHash: null, profileVersion: 0, resolvedAt: null, firstSeenAt: now,
  };
}

function withProfile(row: OrganisationRecord, profile: OrganisationProfile, hash: string, now: Date): OrganisationRecord {
  return {
    ...row,
    siret: profile.siret,
    siren: profile.siren,
    status: profile.status,
    unknownReason: profile.unknownReason,
    nom: profile.nom ?? row.nom,
    nomRecherche: normaliseForSearch(profile.nom ?? row.nom),
    categorieEntreprise: profile.categorieEntreprise,
    tpe: profile.tpe,
    typeOrganisation: profile.typeOrganisation,
    communeCode: profile.communeCode,
    epciSiren: profile.epciSiren,
    departementCode: profile.departementCode,
    regionCode: profile.regionCode,
    origin: profile.origin,
    profile,
    profileHash: hash,
    profileVersion: hash === row.profileHash ? row.profileVersion : row.profileVersion + 1,
    resolvedAt: now,
  };
}

/**
 * Resolves organisations (by the identifiers contracts use), stores their profiles, the legal unit /
 * establishment facts and one resolution_attempt each, in one transaction; returns the events to publish.
 */
export async function resolveOrganisations(
  em: SqlEntityManager,
  resolver: OrganisationResolver,
  ids: readonly string[],
  meta: ResolveOrganisationsMeta = {},
): Promise<ResolveOrganisationsResult> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { profiles: [], events: [] };
  const now = meta.now ?? new Date();
  const resolvedAt = now.toISOString();
  const known = await em.find(OrganisationEntity, { id: { $in: unique } }, { disableIdentityMap: true });
  const rows = new Map(known.map((r) => [r.id, r]));
  const ordered = unique.map((id) => rows.get(id) ?? blankOrganisation(id, now));

  const profiles = await resolver.resolve(
    em,
    ordered.map((r) => ({ identifier: classifyIdentifier(r.id, r.typeIdentifiant), enrichment: r.enrichment })),
    resolvedAt,
  );

  const updated: OrganisationRecord[] = [];
  const legalUnits = new Map<string, LegalUnitRecord>();
  const establishments = new Map<string, EstablishmentRecord>();
  const attempts: ResolutionAttemptRecord[] = [];
  const events: OrganisationResolvedEvent[] = [];
  const correlationId = meta.correlationId ?? newCorrelationId();
  profiles.forEach((profile, index) => {
    const hash = contentHash(profileContent(profile));
    const row = withProfile(ordered[index], profile, hash, now);
    updated.push(row);
    attempts.push({ id: profile.id, status: profile.status, reason: profile.unknownReason, origin: profile.origin, at: now });
    if (profile.status === 'resolved' && profile.siren) {
      legalUnits.set(profile.siren, {
        siren: profile.siren, nom: profile.nom, categorieEntreprise: profile.categorieEntreprise, trancheEffectifs: profile.trancheEffectifs,
        categorieJuridique: profile.categorieJuridique, naf: profile.naf, origin: profile.origin, updatedAt: now,
      });
      if (profile.siret) {
        establishments.set(profile.siret, {
          siret: profile.siret, siren: profile.siren, communeCode: profile.communeCode, latitude: profile.latitude,
          longitude: profile.longitude, origin: profile.origin, updatedAt: now,
        });
      }
    }
    const eventMeta = {
      source: CATALOG_EVENT_SOURCE,
      aggregateId: profile.id,
      aggregateVersion: row.profileVersion,
      correlationId,
      causationId: meta.causationId ?? null,
      occurredAt: resolvedAt,
      idParts: [profile.id, hash],
    };
    if (row.isBuyer) events.push(createEvent(BUYER_RESOLVED, profile, eventMeta));
    if (row.isSupplier) events.push(createEvent(SUPPLIER_RESOLVED, profile, eventMeta));
  });

  await em.transactional(async (tx) => {
    await upsertRows(tx, OrganisationEntity, updated);
    await upsertRows(tx, LegalUnitEntity, [...legalUnits.values()]);
    await upsertRows(tx, EstablishmentEntity, [...establishments.values()]);
    await insertRows(tx, ResolutionAttemptEntity, attempts);
  });
  em.clear();
  return { profiles, events };
}
