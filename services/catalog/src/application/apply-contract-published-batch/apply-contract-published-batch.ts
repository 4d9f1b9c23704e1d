import type { SqlEntityManager } from '@mikro-orm/knex';
import type { ContractPublishedV1 } from '@observatoire/contracts';
import { planBatch, type SkipReason } from '../../domain/batch-plan';
import { normaliseForSearch, type OrganisationRecord, type OrganisationRole } from '../../domain/catalog-records';
import { projectContract, type ContractProjection, type OrganisationSighting } from '../../domain/contract-projection';
import { classifyIdentifier } from '../../domain/identifier';
import { insertRows, upsertRows } from '../../infrastructure/orm/bulk-write';
import {
  ContractEntity,
  ContractProvenanceEntity,
  ContractTitulaireEntity,
  ContractVersionEntity,
  OrganisationEntity,
  ProcessedEventEntity,
  SubcontractingActEntity,
} from '../../infrastructure/orm/entities';

/** The consumer name recorded in processed_event. */
export const CATALOG_CONTRACTS_CONSUMER = 'catalog.contracts';

export interface OrganisationToResolve {
  id: string;
  role: OrganisationRole;
}

export interface ApplyBatchResult {
  applied: number;
  skipped: { eventId: string; uid: string; reason: SkipReason }[];
  /** (id, role) pairs never seen before in that role: they need resolution. */
  newOrganisations: OrganisationToResolve[];
}

/**
 * Applies a batch of ContractPublished events in one transaction of the given (forked) context:
 * one query each to load processed ids, stored versions and known organisations; bulk writes for
 * the rest; the processed event ids are recorded in the same transaction.
 */
export async function applyContractPublishedBatch(
  em: SqlEntityManager,
  events: readonly ContractPublishedV1[],
  consumer: string = CATALOG_CONTRACTS_CONSUMER,
): Promise<ApplyBatchResult> {
  if (events.length === 0) return { applied: 0, skipped: [], newOrganisations: [] };
  return em.transactional(async (tx) => {
    const eventIds = [...new Set(events.map((e) => e.eventId))];
    const uids = [...new Set(events.map((e) => e.data.contract.uid))];
    const processedRows = await tx.find(ProcessedEventEntity, { consumer, eventId: { $in: eventIds } }, { fields: ['eventId'] });
    const storedRows = await tx.find(ContractEntity, { uid: { $in: uids } }, { fields: ['uid', 'aggregateVersion'] });
    const plan = planBatch(
      events,
      new Set(processedRows.map((r) => r.eventId)),
      new Map(storedRows.map((r) => [r.uid, r.aggregateVersion])),
    );
    tx.clear();

    const now = new Date();
    const projections = plan.toApply.map((e) => projectContract(e, now));
    await writeProjections(tx, projections, new Set(storedRows.map((r) => r.uid)));
    const newOrganisations = await registerOrganisations(tx, projections.flatMap((p) => p.organisations), now);
    await insertRows(
      tx,
      ProcessedEventEntity,
      plan.toRecord.map((eventId) => ({ consumer, eventId, processedAt: now })),
    );
    tx.clear();
    return { applied: projections.length, skipped: plan.skipped, newOrganisations };
  });
}

async function writeProjections(tx: SqlEntityManager, projections: ContractProjection[], stored: ReadonlySet<string>): Promise<void> {
  if (projections.length === 0) return;
  const uids = projections.map((p) => p.contract.uid);
  // Versions, links, acts and provenance are replaced as a whole: the event carries the full state.
  await tx.nativeDelete(ContractVersionEntity, { contractUid: { $in: uids } });
  await tx.nativeDelete(ContractTitulaireEntity, { contractUid: { $in: uids } });
  await tx.nativeDelete(SubcontractingActEntity, { contractUid: { $in: uids } });
  await tx.nativeDelete(ContractProvenanceEntity, { contractUid: { $in: uids } });
  // New uids: plain INSERT; known uids: INSERT … ON CONFLICT DO UPDATE.
  await insertRows(tx, ContractEntity, projections.filter((p) => !stored.has(p.contract.uid)).map((p) => p.contract));
  await upsertRows(tx, ContractEntity, projections.filter((p) => stored.has(p.contract.uid)).map((p) => p.contract));
  await insertRows(tx, ContractVersionEntity, projections.flatMap((p) => p.versions));
  await insertRows(tx, ContractTitulaireEntity, projections.flatMap((p) => p.titulaires));
  await insertRows(tx, SubcontractingActEntity, projections.flatMap((p) => p.subcontractingActs));
  await insertRows(tx, ContractProvenanceEntity, projections.flatMap((p) => p.provenance));
}

/** Inserts organisations never seen, flags known ones with a new role; returns the new (id, role) pairs. */
async function registerOrganisations(tx: SqlEntityManager, sightings: OrganisationSighting[], now: Date): Promise<OrganisationToResolve[]> {
  if (sightings.length === 0) return [];
  const byId = new Map<string, { roles: Set<OrganisationRole>; sighting: OrganisationSighting; enrichment: OrganisationSighting['enrichment'] }>();
  for (const s of sightings) {
    const entry = byId.get(s.id) ?? { roles: new Set<OrganisationRole>(), sighting: s, enrichment: null };
    entry.roles.add(s.role);
    entry.enrichment ??= s.enrichment;
    byId.set(s.id, entry);
  }
  const known = await tx.find(OrganisationEntity, { id: { $in: [...byId.keys()] } }, { fields: ['id', 'isBuyer', 'isSupplier', 'enrichment'] });
  const knownById = new Map(known.map((o) => [o.id, o]));
  tx.clear();

  const fresh: OrganisationRecord[] = [];
  const result: OrganisationToResolve[] = [];
  const becameBuyer: string[] = [];
  const becameSupplier: string[] = [];
  for (const [id, { roles, sighting, enrichment }] of byId) {
    const existing = knownById.get(id);
    if (!existing) {
      const c = classifyIdentifier(id, sighting.typeIdentifiant);
      fresh.push({
        id,
        typeIdentifiant: sighting.typeIdentifiant,
        siret: c.siret,
        siren: c.siren,
        isBuyer: roles.has('buyer'),
        isSupplier: roles.has('supplier'),
        status: 'pending',
        unknownReason: null,
        nom: enrichment?.nom ?? null,
        nomRecherche: normaliseForSearch(enrichment?.nom),
        categorieEntreprise: null,
        tpe: null,
        typeOrganisation: null,
        communeCode: null,
        epciSiren: null,
        departementCode: null,
        regionCode: null,
        origin: null,
        enrichment,
        profile: null,
        profileHash: null,
        profileVersion: 0,
        resolvedAt: null,
        firstSeenAt: now,
      });
      for (const role of roles) result.push({ id, role });
      continue;
    }
    if (roles.has('buyer') && !existing.isBuyer) {
      becameBuyer.push(id);
      result.push({ id, role: 'buyer' });
    }
    if (roles.has('supplier') && !existing.isSupplier) {
      becameSupplier.push(id);
      result.push({ id, role: 'supplier' });
    }
  }
  await insertRows(tx, OrganisationEntity, fresh);
  if (becameBuyer.length) await tx.nativeUpdate(OrganisationEntity, { id: { $in: becameBuyer } }, { isBuyer: true });
  if (becameSupplier.length) await tx.nativeUpdate(OrganisationEntity, { id: { $in: becameSupplier } }, { isSupplier: true });
  return result;
}
