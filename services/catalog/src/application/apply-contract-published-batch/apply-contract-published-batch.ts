import type { SqlEntityManager } from '@mikro-orm/knex';
import type { ContractPublishedV1 } from '@observatoire/contracts';
import { planBatch, type SkipReason } from '../../domain/batch-plan';
import { normaliseForSearch, type OrganisationRecord, type OrganisationRole } from '../../domain/catalog-records';
import { projectContract, type ContractProjection, type OrganisationSighting } from '../../domain/contract-projection';
import { classifyIdentifier } from '../../domain/identifier';
import { deleteWhereIn, insertRows, selectWhereIn, upsertRows } from '../../infrastructure/orm/bulk-write';
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
 * Applies a batch of ContractPublished events in one transaction of the given (forked) context, with
 * set-based statements whose size does not depend on the batch: one query each to load processed ids,
 * stored versions and known organisations (plain rows, nothing enters the identity map); one statement
 * per table for the writes; the processed event ids are recorded in the same transaction.
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
    const processedRows = await selectWhereIn(tx, ProcessedEventEntity, ['eventId'], 'eventId', eventIds, { consumer });
    const storedRows = await selectWhereIn(tx, ContractEntity, ['uid', 'aggregateVersion'], 'uid', uids);
    const plan = planBatch(
      events,
      new Set(processedRows.map((r) => r.eventId)),
      new Map(storedRows.map((r) => [r.uid, r.aggregateVersion])),
    );

    const now = new Date();
    const projections = plan.toApply.map((e) => projectContract(e, now));
    await writeProjections(tx, projections, new Set(storedRows.map((r) => r.uid)));
    const newOrganisations = await registerOrganisations(tx, projections.flatMap((p) => p.organisations), now);
    await insertRows(
      tx,
      ProcessedEventEntity,
      plan.toRecord.map((eventId) => ({ consumer, eventId, processedAt: now })),
    );
    return { applied: projections.length, skipped: plan.skipped, newOrganisations };
  });
}

async function writeProjections(tx: SqlEntityManager, projections: ContractProjection[], stored: ReadonlySet<string>): Promise<void> {
  if (projections.length === 0) return;
  // Versions, links, acts and provenance of a contract already stored are replaced as a whole (the
  // event carries the full state); a contract never stored has none to delete.
  const replaced = projections.map((p) => p.contract.uid).filter((uid) => stored.has(uid));
  await deleteWhereIn(tx, ContractVersionEntity, 'contractUid', replaced);
  await deleteWhereIn(tx, ContractTitulaireEntity, 'contractUid', replaced);
  await deleteWhereIn(tx, SubcontractingActEntity, 'contractUid', replaced);
  await deleteWhereIn(tx, ContractProvenanceEntity, 'contractUid', replaced);
  // One INSERT … ON CONFLICT (uid) DO UPDATE for new and known contracts alike.
  await upsertRows(tx, ContractEntity, projections.map((p) => p.contract));
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
  const known = await selectWhereIn(tx, OrganisationEntity, ['id', 'isBuyer', 'isSupplier'], 'id', [...byId.keys()]);
  const knownById = new Map(known.map((o) => [o.id, o]));

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
