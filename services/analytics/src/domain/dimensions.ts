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

export function filterFacts(facts: readonly ContractFacts[], filters: FactFilters = {}): ContractFacts[] {
  const active = (Object.entries(filters) as [Dimension, FactFilters[Dimension]][])
    .filter(([, v]) => v !== undefined)
    .map(([d, v]) => [d, new Set((Array.isArray(v) ? v : [v]).map(String))] as const);
  return facts.filter((f) => active.every(([d, accepted]) => accepted.has(dimensionKey(f, d))));
}
