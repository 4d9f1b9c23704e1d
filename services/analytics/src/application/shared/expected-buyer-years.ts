import type { OrganisationProfile } from '@observatoire/contracts';
import { BRETAGNE_REGION_CODE, buyerTypeOfProfile, territoryOfProfile, UNKNOWN, type ExpectedBuyerYear } from '../../domain';
import type { AnalyticsFilters } from './analytics-filters';

/**
 * Which buyer-years are EXPECTED to publish, so that the publication grade can say E ("nothing published") for
 * those without any contract (docs/indicators.md, grade 12). Pure: the registry, the filters, the years present in
 * the data and the profiles are given.
 */

/** A buyer of the ingest feed registry, as projected from BuyerRegistered. */
export interface RegisteredBuyer {
  siret: string;
  siren: string;
  nom: string;
  /** False when the registry no longer follows the buyer (every feed disabled): nothing is expected from it. */
  active: boolean;
}

export type { ExpectedBuyerYear };

/**
 * The filters an expected buyer-year can be judged on: the buyer, its type, its territory, the period (and the
 * co-contractor rule, which selects nothing). Any other filter is about the contracts' content (CPV, purchase type…):
 * a buyer is not expected to publish in every CPV or purchase type, so such a query expects nothing. A filter added
 * later is a content filter until it is listed here.
 */
const BUYER_LEVEL_FILTERS = new Set<keyof AnalyticsFilters>(['acheteur', 'typeAcheteur', 'territoire', 'annee', 'du', 'au', 'coTraitance']);

/** True when the filters are only about buyers, territory and period: expected buyer-years apply. */
export function expectedBuyerYearsApply(filters: AnalyticsFilters): boolean {
  return (Object.entries(filters) as [keyof AnalyticsFilters, unknown][]).every(([k, v]) => v === undefined || BUYER_LEVEL_FILTERS.has(k));
}

const yearOf = (isoDate: string): number => Number(isoDate.slice(0, 4));

/**
 * The years of the period asked, within what the observatory can judge:
 * - `annee` → that year; `du` / `au` → every calendar year the range touches (an open end stops at the first / last
 *   year present in the data); no period → every year present in the data;
 * - then only years from the first year present in the data (before it the observatory holds nothing to judge by)
 *   up to the current year (nobody is expected to have published for a year to come).
 * No data at all → no year.
 */
export function periodYears(filters: Pick<AnalyticsFilters, 'annee' | 'du' | 'au'>, dataYears: readonly number[], currentYear: number): number[] {
  const present = [...new Set(dataYears)].filter((y) => Number.isInteger(y)).sort((a, b) => a - b);
  if (present.length === 0) return [];
  const first = present[0];
  const last = present[present.length - 1];
  let years: number[];
  if (filters.annee !== undefined) years = [filters.annee];
  else if (filters.du !== undefined || filters.au !== undefined) {
    const from = filters.du !== undefined ? yearOf(filters.du) : first;
    const to = filters.au !== undefined ? yearOf(filters.au) : last;
    years = [];
    for (let y = from; y <= to; y++) years.push(y);
  } else years = present;
  return years.filter((y) => y >= first && y <= currentYear);
}

/**
 * A registered buyer's keys on the buyer dimensions, from its organisation profile, exactly as the contracts' buyer
 * columns are computed (type from `typeOrganisation`, else `categorieJuridique`; EPCI key, département, région).
 * Without a profile every key is `unknown`, as for a contract whose buyer has no profile.
 */
export function registeredBuyerKeys(profile: OrganisationProfile | undefined): NonNullable<ExpectedBuyerYear['keys']> {
  if (!profile) return { buyerType: UNKNOWN, epci: UNKNOWN, departement: UNKNOWN, bretagne: UNKNOWN };
  const t = territoryOfProfile(profile);
  return {
    buyerType: buyerTypeOfProfile(profile) || UNKNOWN,
    epci: t.epciKey ?? UNKNOWN,
    departement: t.departementCode ?? UNKNOWN,
    bretagne: t.regionCode == null ? UNKNOWN : t.regionCode === BRETAGNE_REGION_CODE ? 'bretagne' : 'hors-bretagne',
  };
}

/**
 * Does a registered buyer pass the buyer filters? `acheteur` (SIRET = that establishment, SIREN = the legal unit) is
 * judged on the registry itself. Type and territory are judged on the buyer's organisation profile, like the
 * contracts' buyer columns. A buyer without a profile — registered, never seen in a contract — has an unknown type
 * and territory: it matches no territory filter and no type filter (but `typeAcheteur=unknown`), so it is never
 * given an E in a territory it may not belong to; it matches every query without such a filter.
 */
export function registeredBuyerMatches(buyer: RegisteredBuyer, profile: OrganisationProfile | undefined, filters: AnalyticsFilters): boolean {
  if (filters.acheteur !== undefined && (filters.acheteur.length === 14 ? buyer.siret : buyer.siren) !== filters.acheteur) return false;
  if (filters.typeAcheteur !== undefined && registeredBuyerKeys(profile).buyerType !== filters.typeAcheteur) return false;
  if (filters.territoire) {
    if (!profile) return false;
    const t = territoryOfProfile(profile);
    const value = { epci: t.epciKey, departement: t.departementCode, region: t.regionCode, bretagne: t.regionCode }[filters.territoire.level];
    if (value !== filters.territoire.code) return false;
  }
  return true;
}

export interface ExpectedBuyerYearsInput {
  registry: readonly RegisteredBuyer[];
  filters: AnalyticsFilters;
  /** Years of notification present in the projection (every contract, whatever the filters). */
  dataYears: readonly number[];
  currentYear: number;
  /** The organisation profile of a registered buyer (its SIRET's, else one of its SIREN's), if any. */
  profileOf: (buyer: RegisteredBuyer) => OrganisationProfile | undefined;
}

/**
 * Expected buyer-years = every ACTIVE registered buyer that passes the buyer filters × every year of the period
 * (`periodYears`); none when a filter is about the contracts' content. Buyers are SIRENs: several registered
 * establishments of one legal unit give one buyer-year (keys of the first one by SIRET). Each carries the buyer's keys
 * (`registeredBuyerKeys`) so breakdowns by buyer type or territory place it. Sorted by buyer, then year.
 */
export function buildExpectedBuyerYears(input: ExpectedBuyerYearsInput): ExpectedBuyerYear[] {
  if (!expectedBuyerYearsApply(input.filters)) return [];
  const years = periodYears(input.filters, input.dataYears, input.currentYear);
  if (years.length === 0) return [];
  const buyers = new Map<string, NonNullable<ExpectedBuyerYear['keys']>>();
  const registry = [...input.registry].sort((a, b) => a.siret.localeCompare(b.siret));
  for (const b of registry) {
    if (!b.active || buyers.has(b.siren)) continue;
    const profile = input.profileOf(b);
    if (registeredBuyerMatches(b, profile, input.filters)) buyers.set(b.siren, registeredBuyerKeys(profile));
  }
  return [...buyers.keys()].sort().flatMap((buyer) => years.map((year) => ({ buyer, year, keys: buyers.get(buyer) })));
}
