import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import { probableDuplicateGroups, toFacts, yearsBefore, type ContractFacts, type ExpectedBuyerYear } from '../../domain';
import { coContractorRuleOf, filtersKey, type AnalyticsFilters } from './analytics-filters';
import { buildExpectedBuyerYears, expectedBuyerYearsApply } from './expected-buyer-years';
import type { ProjectionReadPort } from './projection-read.port';
import { QueryCache } from './query-cache';

/** First-time suppliers look 3 years back (DOMAIN.md §5.10). */
const HISTORY_YEARS = 3;
/** Above this many buyers, the history query reads every buyer's contracts of the window (one query). */
const MAX_HISTORY_BUYERS = 2_000;

/** The buyer-years expected to publish under some filters, and the registry names of their buyers (by SIREN). */
export interface ExpectedBuyers {
  buyerYears: ExpectedBuyerYear[];
  names: Map<string, string>;
}

export interface LoadedFacts {
  contracts: Contract[];
  /** Facts of the selected contracts, built with the CURRENT profiles and the requested co-contractor rule. */
  facts: ContractFacts[];
  /** Facts of the same buyers' contracts of the 3 previous years (first-time suppliers). */
  history: ContractFacts[];
  /** The store's earliest notification date: first-time suppliers are unknown within 3 years of it. */
  historyStart: string | undefined;
  profiles: Map<string, OrganisationProfile>;
}

/**
 * Loads the facts of the contracts matching the filters: SQL pre-filter on the flattened columns, then the
 * domain's `toFacts` with the current profiles. Facts are computed at query time, never stored: a profile that
 * arrives late (SupplierResolved) is used by the very next query. Recent loads are cached per projection revision.
 */
export class FactsLoader {
  private readonly cache: QueryCache;

  constructor(
    readonly store: ProjectionReadPort,
    cachedLoads = 8,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.cache = new QueryCache(() => store.revision(), cachedLoads);
  }

  load(filters: AnalyticsFilters): Promise<LoadedFacts> {
    return this.cache.get(`facts:${filtersKey(filters)}`, () => this.loadNow(filters));
  }

  /**
   * The buyer-years expected to publish under these filters (`buildExpectedBuyerYears`): the active buyers of the
   * registry projection that pass the buyer filters × the years of the period, each with its buyer's type and
   * territory keys from its profile (the registered SIRET's own, else one of its SIREN's). Nothing when a filter is
   * about the contracts' content.
   */
  async expectedBuyers(filters: AnalyticsFilters): Promise<ExpectedBuyers> {
    const none: ExpectedBuyers = { buyerYears: [], names: new Map() };
    if (!expectedBuyerYearsApply(filters)) return none;
    const registry = (await this.store.registeredBuyers()).filter((b) => b.active);
    if (registry.length === 0) return none;
    const dataYears = await this.store.notificationYears();
    const bySiret = await this.store.profiles(registry.map((b) => b.siret));
    const bySiren = await this.store.profilesBySiren(registry.filter((b) => !bySiret.has(b.siret)).map((b) => b.siren));
    const buyerYears = buildExpectedBuyerYears({
      registry,
      filters,
      dataYears,
      currentYear: this.clock().getUTCFullYear(),
      profileOf: (b) => bySiret.get(b.siret) ?? bySiren.get(b.siren),
    });
    const names = new Map<string, string>();
    for (const b of registry) if (!names.has(b.siren)) names.set(b.siren, b.nom);
    return { buyerYears, names };
  }

  private async loadNow(filters: AnalyticsFilters): Promise<LoadedFacts> {
    const rule = coContractorRuleOf(filters);
    const contracts = await this.store.contracts(filters);
    const profiles = await this.store.profiles(partiesOf(contracts));
    const lookup = (id: string) => profiles.get(id);
    // probable duplicates among the selected contracts (both copies must match the filters, as /api/qualite/doublons)
    const duplicated = new Set(probableDuplicateGroups(contracts).flatMap((g) => g.copies.map((c) => c.uid)));
    const facts = contracts.map((c) => {
      const f = toFacts(c, lookup, { coContractorRule: rule });
      return duplicated.has(c.uid) ? { ...f, probableDuplicate: true } : f;
    });

    const dates = facts.map((f) => f.dateNotification).filter((d): d is string => d != null).sort();
    let history: ContractFacts[] = [];
    if (dates.length > 0) {
      const buyers = [...new Set(facts.map((f) => f.buyer.siren ?? f.buyer.id))];
      const selected = new Set(contracts.map((c) => c.uid));
      const past = await this.store.history(
        buyers.length > MAX_HISTORY_BUYERS ? null : buyers,
        yearsBefore(dates[0], HISTORY_YEARS),
        dates[dates.length - 1],
        selected,
      );
      const missing = partiesOf(past).filter((id) => !profiles.has(id));
      for (const [id, p] of await this.store.profiles(missing)) profiles.set(id, p);
      history = past.map((c) => toFacts(c, lookup, { coContractorRule: rule }));
    }
    const historyStart = (await this.store.earliestNotificationDate()) ?? undefined;
    return { contracts, facts, history, historyStart, profiles };
  }
}

function partiesOf(contracts: readonly Contract[]): string[] {
  const ids = new Set<string>();
  for (const c of contracts) {
    ids.add(c.acheteur.id);
    for (const t of c.titulaires) ids.add(t.id);
  }
  return [...ids];
}
