import { CONTRACT_PUBLISHED, type ContractPublishedV1, type ObservatoireEvent, type OrganisationProfile } from '@observatoire/contracts';
import { cpvLabelOf, type CpvLabels } from '../../domain/cpv-label';
import type { OrganisationProfileStore, StoredProfile } from '../../domain/organisation-profile-store.port';
import { toSearchDocument } from '../../domain/search-document';
import type { SearchIndex } from '../../domain/search-index.port';
import { ContractIndexingFailedError, isTransientIndexFailure } from './index-failure-policy';

export interface IndexContractsReport {
  /** ContractPublished events in the batch. */
  received: number;
  /** Documents written (new, or a newer revision than the index held). */
  applied: number;
  /** Revisions the index already held, or older than what it holds: skipped (redeliveries, out-of-order). */
  stale: number;
  /** Events of other types on the topic: not this consumer's business. */
  ignored: number;
  /** Profiles stored by a concurrent consumer while this batch was written, re-applied to be safe. */
  profilesReapplied: number;
}

/** The newest revision of each contract in a batch (a batch may carry several revisions of one uid). */
export function latestRevisions(events: readonly ContractPublishedV1[]): ContractPublishedV1[] {
  const byUid = new Map<string, ContractPublishedV1>();
  for (const e of events) {
    const uid = e.data.contract.uid;
    const seen = byUid.get(uid);
    if (!seen || e.aggregateVersion >= seen.aggregateVersion) byUid.set(uid, e);
  }
  return [...byUid.values()];
}

/** Identifiers under which a contract's buyer and titulaires may have a stored profile. */
export function organisationIdsOf(events: readonly ContractPublishedV1[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    for (const ref of [e.data.contract.acheteur, ...e.data.contract.titulaires]) {
      ids.add(ref.id);
      ids.add(ref.id.trim());
    }
  }
  return [...ids];
}

/**
 * ContractPublished → search documents, denormalised with the profiles this service stored, with
 * the French CPV label, written with external versioning (version = aggregateVersion). Idempotent
 * by construction: a redelivered or older revision is `stale` and changes nothing.
 *
 * Race with the organisations consumer (another process, or the other topic loop of this one):
 * profiles are read, documents written, then profiles read again; a profile stored in between is
 * applied with `updateOrganisation`. The organisations consumer stores before it re-denormalises,
 * so either it sees these documents or this handler sees its profile — never neither.
 */
export class IndexContractWhenContractPublishedHandler {
  /** Running totals since start (logs, tests). */
  readonly totals: IndexContractsReport = { received: 0, applied: 0, stale: 0, ignored: 0, profilesReapplied: 0 };

  constructor(
    private readonly index: SearchIndex,
    private readonly profiles: OrganisationProfileStore,
    private readonly cpvLabels: CpvLabels,
  ) {}

  async execute(events: readonly ObservatoireEvent[]): Promise<IndexContractsReport> {
    const published = events.filter((e): e is ContractPublishedV1 => e.type === CONTRACT_PUBLISHED);
    const report: IndexContractsReport = { received: published.length, applied: 0, stale: 0, ignored: events.length - published.length, profilesReapplied: 0 };
    if (published.length > 0) {
      const latest = latestRevisions(published);
      const ids = organisationIdsOf(latest);
      const before = await this.profiles.getMany(ids);
      const orgs = new Map<string, OrganisationProfile>([...before].map(([id, s]) => [id, s.profile]));
      const toDocument = (e: ContractPublishedV1, profiles: Map<string, OrganisationProfile>) =>
        toSearchDocument(e.data.contract, profiles, cpvLabelOf(this.cpvLabels, e.data.contract.codeCPV), e.aggregateVersion);
      const upsert = await this.index.upsertMany(latest.map((e) => toDocument(e, orgs)));
      report.applied = upsert.applied;
      report.stale = upsert.stale + (published.length - latest.length);
      report.profilesReapplied = await this.reapplyProfilesStoredMeanwhile(latest, ids, before, toDocument);
      this.accumulate(report);
      if (upsert.failed.length > 0) {
        const versionOf = new Map(latest.map((e) => [e.data.contract.uid, e.aggregateVersion]));
        throw new ContractIndexingFailedError(
          upsert.failed.map((f) => ({ ...f, aggregateVersion: versionOf.get(f.uid) ?? -1, transient: isTransientIndexFailure(f.reason) })),
        );
      }
      return report;
    }
    this.accumulate(report);
    return report;
  }

  /**
   * Profiles stored by the other consumer while this batch was written: this batch's own documents
   * are rebuilt with them and rewritten at the same revision (no lookup in the index, so no refresh
   * and no wait on the profile path); the organisations consumer covers the documents of other batches.
   */
  private async reapplyProfilesStoredMeanwhile(
    latest: ContractPublishedV1[],
    ids: string[],
    before: Map<string, StoredProfile>,
    toDocument: (e: ContractPublishedV1, profiles: Map<string, OrganisationProfile>) => ReturnType<typeof toSearchDocument>,
  ): Promise<number> {
    const after = await this.profiles.getMany(ids);
    const changed = new Set<string>();
    for (const [id, stored] of after) if (before.get(id)?.version !== stored.version) changed.add(id);
    if (changed.size === 0) return 0;
    const orgs = new Map<string, OrganisationProfile>([...after].map(([id, s]) => [id, s.profile]));
    const affected = latest.filter((e) => [e.data.contract.acheteur, ...e.data.contract.titulaires].some((ref) => changed.has(ref.id) || changed.has(ref.id.trim())));
    const rewrite = await this.index.upsertMany(affected.map((e) => toDocument(e, orgs)), { sameVersion: true });
    if (rewrite.failed.length > 0) {
      throw new ContractIndexingFailedError(
        rewrite.failed.map((f) => ({ ...f, aggregateVersion: affected.find((e) => e.data.contract.uid === f.uid)?.aggregateVersion ?? -1, transient: isTransientIndexFailure(f.reason) })),
      );
    }
    return changed.size;
  }

  private accumulate(r: IndexContractsReport) {
    this.totals.received += r.received;
    this.totals.applied += r.applied;
    this.totals.stale += r.stale;
    this.totals.ignored += r.ignored;
    this.totals.profilesReapplied += r.profilesReapplied;
  }
}
