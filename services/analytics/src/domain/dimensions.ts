import { UNKNOWN, type ContractFacts } from './facts';
import { BRETAGNE_REGION_CODE } from './geo';

export const DIMENSIONS = ['buyer', 'buyerType', 'epci', 'departement', 'bretagne', 'cpvDivision', 'purchaseType', 'year'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Value of the "bretagne" dimension. */
export type BretagneKey = 'bretagne' | 'hors-bretagne' | typeof UNKNOWN;

/**
 * The key of one contract on a dimension; territories are the BUYER's. Missing values give "unknown".
 * - buyer: SIREN, else the published id;
 * - epci: EPCI SIREN, or `commune:<code>` for an island commune without EPCI;
 * - bretagne: buyer in région 53 or not.
 */
export function dimensionKey(f: ContractFacts, dimension: Dimension): string {
  switch (dimension) {
    case 'buyer':
      return f.buyer.siren ?? f.buyer.id;
    case 'buyerType':
      return f.buyer.type || UNKNOWN;
    case 'epci':
      return f.buyer.territory.epciKey ?? UNKNOWN;
    case 'departement':
      return f.buyer.territory.departementCode ?? UNKNOWN;
    case 'bretagne': {
      const region = f.buyer.territory.regionCode;
      const key: BretagneKey = region == null ? UNKNOWN : region === BRETAGNE_REGION_CODE ? 'bretagne' : 'hors-bretagne';
      return key;
    }
    case 'cpvDivision':
      return f.cpvDivision ?? UNKNOWN;
    case 'purchaseType':
      return f.purchaseType;
    case 'year':
      return f.year == null ? UNKNOWN : String(f.year);
  }
}

/** Group facts by a dimension, in first-seen order; "unknown" is a group of its own. */
export function groupFacts(facts: readonly ContractFacts[], dimension: Dimension): Map<string, ContractFacts[]> {
  const groups = new Map<string, ContractFacts[]>();
  for (const f of facts) {
    const key = dimensionKey(f, dimension);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

/** Filters: for each dimension, the accepted key or keys ("unknown" included if wanted). */
export type FactFilters = Partial<Record<Dimension, string | number | readonly (string | number)[]>>;

/**
 * A buyer-year expected to publish (publication grade E when it has no contract): buyer = SIREN (else id), year of
 * notification, and — to be placed in breakdowns by buyer type or territory — the buyer's keys on those dimensions.
 */
export interface ExpectedBuyerYear {
  buyer: string;
  year: number;
  keys?: Partial<Record<'buyerType' | 'epci' | 'departement' | 'bretagne', string>>;
}

/**
 * The key of an expected buyer-year on a dimension; undefined when it cannot be placed there: contract dimensions
 * (CPV division, purchase type — a buyer is not expected to publish in every one), or keys not given.
 */
export function expectedKey(e: ExpectedBuyerYear, dimension: Dimension): string | undefined {
  switch (dimension) {
    case 'buyer':
      return e.buyer;
    case 'year':
      return String(e.year);
    case 'buyerType':
    case 'epci':
    case 'departement':
    case 'bretagne':
      return e.keys?.[dimension];
    case 'cpvDivision':
    case 'purchaseType':
      return undefined;
  }
}

/** The expected buyer-years that pass the filters (a filter on a dimension they cannot be placed on keeps none). */
export function filterExpected(expected: readonly ExpectedBuyerYear[], filters: FactFilters = {}): ExpectedBuyerYear[] {
  const active = (Object.entries(filters) as [Dimension, FactFilters[Dimension]][])
    .filter(([, v]) => v !== undefined)
    .map(([d, v]) => [d, new Set((Array.isArray(v) ? v : [v]).map(String))] as const);
  return expected.filter((e) =>
    active.every(([d, accepted]) => {
      const key = expectedKey(e, d);
      return key !== undefined && accepted.has(key);
    }),
  );
}

export function filterFacts(facts: readonly ContractFacts[], filters: FactFilters = {}): ContractFacts[] {
  const active = (Object.entries(filters) as [Dimension, FactFilters[Dimension]][])
    .filter(([, v]) => v !== undefined)
    .map(([d, v]) => [d, new Set((Array.isArray(v) ? v : [v]).map(String))] as const);
  return facts.filter((f) => active.every(([d, accepted]) => accepted.has(dimensionKey(f, d))));
}
