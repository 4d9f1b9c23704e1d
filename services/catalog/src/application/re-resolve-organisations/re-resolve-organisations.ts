import type { FilterQuery, MikroORM } from '@mikro-orm/core';
import { contentHash, newCorrelationId, TOPICS } from '@observatoire/contracts';
import type { EventBus } from '@observatoire/platform';
import type { OrganisationRecord } from '../../domain/catalog-records';
import { profileContent } from '../../domain/organisation-profile';
import { forkEm } from '../../infrastructure/orm/catalog-orm.provider';
import { OrganisationEntity } from '../../infrastructure/orm/entities';
import type { OrganisationResolver } from '../resolve-organisations/organisation-resolver.port';
import { resolveOrganisations, type OrganisationResolvedEvent } from '../resolve-organisations/resolve-organisations';

/** Unknown reasons worth another try: the source was unreachable or did not know the organisation yet. */
export const DEFAULT_RE_RESOLVE_REASONS: readonly string[] = ['OFFLINE', 'NOT_FOUND', 'API_ERROR'];

/**
 * Resolved, but from a fallback that SIRENE can improve (no NAF, coordinates, headcount or exact establishment):
 * the DGCL reference of communes and EPCI, and the enrichment a consolidated source (decp.info) carried.
 * Re-resolved by default too, so that importing the SIRENE stock upgrades them.
 */
export const FALLBACK_ORIGINS: readonly string[] = ['dgcl-collectivites', 'decp.info'];

export interface ReResolveOrganisationsOptions {
  /**
   * Re-resolve the organisations `unknown` for one of these reasons. Default: DEFAULT_RE_RESOLVE_REASONS plus the
   * organisations resolved from a fallback origin (FALLBACK_ORIGINS). Ignored when `ids` is given.
   */
  reasons?: readonly string[];
  /** Re-resolve exactly these organisations (any status; ids not in the catalog are ignored). */
  ids?: readonly string[];
  /** At most this many organisations in this run. */
  limit?: number;
  /** Organisations resolved (and events published) per batch (default 200). */
  batchSize?: number;
  correlationId?: string;
  now?: Date;
  onBatch?: (progress: ReResolveOrganisationsResult) => void;
}

export interface ReResolveOrganisationsResult {
  /** Organisations selected and resolved again. */
  selected: number;
  /** Of those, resolved now. */
  resolved: number;
  /** Of those, still unknown (with the same or another reason). */
  stillUnknown: number;
  /** Of those, whose profile changed. */
  changed: number;
  /** SupplierResolved / BuyerResolved events published (for the changed ones only). */
  published: number;
}

/**
 * Re-resolves organisations left `unknown` (typically after `observatoire sirene-import`, or once the
 * API is reachable again), in batches ordered by id, and publishes SupplierResolved / BuyerResolved on
 * TOPICS.organisations for those whose profile changed. Event ids are deterministic (id + profile
 * hash): an unchanged profile would publish the same id, which consumers skip — here it is not even sent.
 */
export async function reResolveOrganisations(
  orm: MikroORM,
  resolver: OrganisationResolver,
  bus: Pick<EventBus, 'publish'>,
  options: ReResolveOrganisationsOptions = {},
): Promise<ReResolveOrganisationsResult> {
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const reasons = [...(options.reasons?.length ? options.reasons : DEFAULT_RE_RESOLVE_REASONS)];
  const ids = options.ids ? [...new Set(options.ids)].sort() : null;
  const correlationId = options.correlationId ?? newCorrelationId();
  const result: ReResolveOrganisationsResult = { selected: 0, resolved: 0, stillUnknown: 0, changed: 0, published: 0 };
  let after: string | null = null;
  while (result.selected < limit) {
    const take = Math.min(batchSize, limit - result.selected);
    const where: FilterQuery<OrganisationRecord> = {
      ...(ids
        ? { id: { $in: ids } }
        : options.reasons?.length
          ? { status: 'unknown', unknownReason: { $in: reasons } }
          : { $or: [{ status: 'unknown', unknownReason: { $in: reasons } }, { status: 'resolved', origin: { $in: [...FALLBACK_ORIGINS] } }] }),
      ...(after !== null ? { $and: [{ id: { $gt: after } }] } : {}),
    };
    const batch: Pick<OrganisationRecord, 'id' | 'profileHash'>[] = await forkEm(orm).find(OrganisationEntity, where, { fields: ['id', 'profileHash'], orderBy: { id: 'asc' }, limit: take, disableIdentityMap: true });
    if (batch.length === 0) break;
    after = batch[batch.length - 1].id;
    const before = new Map(batch.map((o) => [o.id, o.profileHash]));
    const { profiles, events } = await resolveOrganisations(forkEm(orm), resolver, batch.map((o) => o.id), { correlationId, now: options.now });
    const changed = new Set<string>();
    for (const p of profiles) {
      if (p.status === 'resolved') result.resolved++;
      else result.stillUnknown++;
      if (contentHash(profileContent(p)) !== before.get(p.id)) changed.add(p.id);
    }
    const toPublish: OrganisationResolvedEvent[] = events.filter((e) => changed.has(e.aggregateId));
    if (toPublish.length) await bus.publish(TOPICS.organisations, toPublish);
    result.selected += batch.length;
    result.changed += changed.size;
    result.published += toPublish.length;
    options.onBatch?.({ ...result });
    if (batch.length < take) break;
  }
  return result;
}
