import { BUYER_RESOLVED, SUPPLIER_RESOLVED, type BuyerResolvedV1, type ObservatoireEvent, type SupplierResolvedV1 } from '@observatoire/contracts';
import type { OrganisationProfileStore } from '../../domain/organisation-profile-store.port';
import type { SearchIndex } from '../../domain/search-index.port';

type OrganisationResolved = SupplierResolvedV1 | BuyerResolvedV1;

export interface UpdateOrganisationsReport {
  /** SupplierResolved / BuyerResolved events in the batch. */
  received: number;
  /** Profiles stored and re-denormalised into the documents naming them. */
  applied: number;
  /** Profiles older than the stored one, or already applied at this version (redeliveries): nothing done. */
  skipped: number;
  /** Documents rewritten by `updateOrganisation`. */
  documentsUpdated: number;
  ignored: number;
}

/** The newest event per organisation id in a batch (the same profile comes as BuyerResolved and SupplierResolved). */
export function latestProfiles(events: readonly OrganisationResolved[]): OrganisationResolved[] {
  const byId = new Map<string, OrganisationResolved>();
  for (const e of events) {
    const seen = byId.get(e.data.id);
    if (!seen || e.aggregateVersion > seen.aggregateVersion) byId.set(e.data.id, e);
  }
  return [...byId.values()];
}

/**
 * SupplierResolved / BuyerResolved → the profiles of the batch are stored (external versioning on
 * aggregateVersion), then every document naming any of them is re-denormalised in one set-based
 * `updateOrganisations`, then the store records that each version was applied. Order matters:
 *  - store before re-denormalising: a contract indexed concurrently either is found by
 *    `updateOrganisation` or finds the stored profile (see IndexContractWhenContractPublishedHandler);
 *  - mark after re-denormalising: a crash in between re-runs the effect on redelivery, never loses it;
 *    a redelivery after the mark skips the effect ("delivered twice, changed once").
 */
export class UpdateOrganisationWhenResolvedHandler {
  readonly totals: UpdateOrganisationsReport = { received: 0, applied: 0, skipped: 0, documentsUpdated: 0, ignored: 0 };

  constructor(
    private readonly index: SearchIndex,
    private readonly profiles: OrganisationProfileStore,
  ) {}

  async execute(events: readonly ObservatoireEvent[]): Promise<UpdateOrganisationsReport> {
    const resolved = events.filter((e): e is OrganisationResolved => e.type === SUPPLIER_RESOLVED || e.type === BUYER_RESOLVED);
    const report: UpdateOrganisationsReport = { received: resolved.length, applied: 0, skipped: 0, documentsUpdated: 0, ignored: events.length - resolved.length };
    const latest = latestProfiles(resolved);
    report.skipped += resolved.length - latest.length;
    const stored = await this.profiles.getMany(latest.map((e) => e.data.id));
    const toApply: OrganisationResolved[] = [];
    for (const e of latest) {
      const current = stored.get(e.data.id);
      const alreadyDone = current && (current.version > e.aggregateVersion || (current.appliedVersion ?? -1) >= e.aggregateVersion);
      if (alreadyDone || !(await this.profiles.put(e.data, e.aggregateVersion))) {
        report.skipped++;
        continue;
      }
      toApply.push(e);
    }
    if (toApply.length > 0) {
      // Set-based: one lookup (and, on Elasticsearch, one refresh) for the whole batch of profiles.
      const { updated } = await this.index.updateOrganisations(toApply.map((e) => e.data));
      for (const e of toApply) await this.profiles.markApplied(e.data, e.aggregateVersion);
      report.applied += toApply.length;
      report.documentsUpdated += updated;
    }
    for (const k of Object.keys(report) as (keyof UpdateOrganisationsReport)[]) this.totals[k] += report[k];
    return report;
  }
}
