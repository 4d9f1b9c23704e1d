import type { FacetName, SearchFilters, SearchQuery } from './search-query';
import { orderBuckets, type FacetBucket } from './search-result';

/**
 * Disjunctive facets: each facet is counted with every filter except the one on its own field, so
 * that picking a value in a facet keeps the other values of that facet (with the counts they would
 * have if ticked too: values of one facet combine with OR), while hits and total use every filter.
 *
 * The filter each facet's values select ("its own filter"):
 *
 * | facet               | own filter                          | facet keys selected by the filter     |
 * |---------------------|-------------------------------------|---------------------------------------|
 * | `purchaseType`      | `purchaseType`                      | its values                            |
 * | `cpvDivision`       | `cpv` (every prefix, 2 to 8 digits) | its 2-digit prefixes (CPV divisions)  |
 * | `buyerDepartement`  | `buyerTerritory.departement`        | its values                            |
 * | `buyerType`         | `buyerType`                         | its values                            |
 * | `supplierCategorie` | `supplierCategorie`                 | its values                            |
 * | `procedure`         | `procedure`                         | its values                            |
 * | `year`              | `year`                              | its values                            |
 *
 * Every other filter (text, buyer, EPCI, région, supplier territory, nature, dates, amounts, flags)
 * applies to every facet. Supplier conditions hold for one and the same titulaire: the
 * `supplierCategorie` condition is therefore always evaluated together with the supplier territory
 * (see `facetFilterOnly`), and the supplier-size buckets only count titulaires that meet the
 * supplier territory filter.
 *
 * Pure functions over the validated query: both engines derive their engine queries from them.
 */

/** The top-level filter each facet selects with (the buyer's département lives inside `buyerTerritory`). */
const OWN_FILTER = {
  purchaseType: 'purchaseType',
  cpvDivision: 'cpv',
  buyerType: 'buyerType',
  supplierCategorie: 'supplierCategorie',
  procedure: 'procedure',
  year: 'year',
} as const satisfies Record<Exclude<FacetName, 'buyerDepartement'>, keyof SearchFilters>;

/** True when the filter on this facet's own field is set. */
export function facetFilterActive(filters: SearchFilters, facet: FacetName): boolean {
  if (facet === 'buyerDepartement') return filters.buyerTerritory?.departement !== undefined;
  return filters[OWN_FILTER[facet]] !== undefined;
}

/** The filters without this facet's own filter (what the facet is counted with, together with the other facets' filters). */
export function withoutFacetFilter(filters: SearchFilters, facet: FacetName): SearchFilters {
  if (facet === 'buyerDepartement') {
    const { buyerTerritory, ...rest } = filters;
    if (!buyerTerritory) return rest;
    const { departement: _, ...territory } = buyerTerritory;
    return Object.values(territory).some((v) => v !== undefined) ? { ...rest, buyerTerritory: territory } : rest;
  }
  const rest: SearchFilters = { ...filters };
  delete rest[OWN_FILTER[facet]];
  return rest;
}

/**
 * Only this facet's own filter, as a filter object the engines' filter builders accept. The supplier
 * size keeps the supplier territory with it: both must hold for the same titulaire.
 */
export function facetFilterOnly(filters: SearchFilters, facet: FacetName): SearchFilters {
  if (facet === 'buyerDepartement') return { buyerTerritory: { departement: filters.buyerTerritory?.departement } };
  if (facet === 'supplierCategorie') return { supplierCategorie: filters.supplierCategorie, supplierTerritory: filters.supplierTerritory };
  const key = OWN_FILTER[facet];
  return { [key]: filters[key] } as SearchFilters;
}

/**
 * The facets of this query that are counted apart from the main result set: those requested whose
 * own filter is set. The other requested facets are counted over the fully filtered set.
 */
export function disjunctiveFacets(q: Pick<SearchQuery, 'filters' | 'facets'>): FacetName[] {
  return q.facets.filter((f) => facetFilterActive(q.filters, f));
}

/** The facet keys the filters select (a CPV prefix longer than a division selects no cpvDivision key). */
export function selectedFacetKeys(filters: SearchFilters, facet: FacetName): string[] {
  const keys = (() => {
    switch (facet) {
      case 'purchaseType':
        return filters.purchaseType ?? [];
      case 'cpvDivision':
        return (filters.cpv ?? []).filter((p) => p.length === 2);
      case 'buyerDepartement':
        return filters.buyerTerritory?.departement ?? [];
      case 'buyerType':
        return filters.buyerType ?? [];
      case 'supplierCategorie':
        return filters.supplierCategorie ?? [];
      case 'procedure':
        return filters.procedure ?? [];
      case 'year':
        return (filters.year ?? []).map(String);
    }
  })();
  return [...new Set<string>(keys)];
}

/**
 * The facet's buckets with every selected key listed, with count 0 when nothing matches it (so a
 * user interface can still show it ticked and let the user untick it), in the common bucket order.
 */
export function withSelectedBuckets(buckets: FacetBucket[], selected: readonly string[]): FacetBucket[] {
  const present = new Set(buckets.map((b) => b.key));
  return orderBuckets([...buckets, ...selected.filter((k) => !present.has(k)).map((key) => ({ key, count: 0, amount: 0 }))]);
}
