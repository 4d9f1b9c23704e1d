import {
  disjunctiveFacets,
  facetFilterOnly,
  selectedFacetKeys,
  withSelectedBuckets,
  withoutFacetFilter,
} from './disjunctive-facets';
import { FACET_NAMES, parseSearchQuery } from './search-query';

describe('disjunctive facets: which filter belongs to which facet', () => {
  const q = parseSearchQuery({
    q: 'voirie',
    filters: {
      purchaseType: 'travaux',
      cpv: ['45', '4523'],
      buyerTerritory: { departement: ['29', '56'], bretagne: true },
      buyerType: 'commune',
      supplierCategorie: ['PME', 'ETI'],
      supplierTerritory: { departement: '29' },
      procedure: "Appel d'offres ouvert",
      year: [2024, 2023],
      amount: { min: 1000 },
    },
    facets: ['buyerDepartement', 'supplierCategorie', 'year'],
  });

  it('counts apart only the requested facets whose own filter is set', () => {
    expect(disjunctiveFacets(q)).toEqual(['buyerDepartement', 'supplierCategorie', 'year']);
    expect(disjunctiveFacets({ filters: { amount: { min: 1 } }, facets: [...FACET_NAMES] })).toEqual([]);
    expect(disjunctiveFacets({ filters: q.filters, facets: [] })).toEqual([]);
  });

  it("drops only the facet's own filter, keeping the rest of a territory", () => {
    expect(withoutFacetFilter(q.filters, 'buyerDepartement').buyerTerritory).toEqual({ bretagne: true });
    expect(withoutFacetFilter({ buyerTerritory: { departement: ['29'] } }, 'buyerDepartement')).toEqual({});
    const { supplierCategorie, supplierTerritory, year, cpv } = withoutFacetFilter(q.filters, 'supplierCategorie');
    expect(supplierCategorie).toBeUndefined();
    expect(supplierTerritory).toEqual({ departement: ['29'] }); // a filter of no facet: applies to every facet
    expect(year).toEqual([2024, 2023]);
    expect(withoutFacetFilter(q.filters, 'cpvDivision').cpv).toBeUndefined();
    expect(cpv).toEqual(['45', '4523']);
  });

  it('keeps the supplier territory with the supplier size (one and the same titulaire)', () => {
    expect(facetFilterOnly(q.filters, 'supplierCategorie')).toEqual({ supplierCategorie: ['PME', 'ETI'], supplierTerritory: { departement: ['29'] } });
    expect(facetFilterOnly(q.filters, 'buyerDepartement')).toEqual({ buyerTerritory: { departement: ['29', '56'] } });
  });

  it('names the selected keys as the facet spells them (years as text, CPV divisions only)', () => {
    expect(selectedFacetKeys(q.filters, 'year')).toEqual(['2024', '2023']);
    expect(selectedFacetKeys(q.filters, 'cpvDivision')).toEqual(['45']);
    expect(selectedFacetKeys(q.filters, 'buyerDepartement')).toEqual(['29', '56']);
    expect(selectedFacetKeys({}, 'procedure')).toEqual([]);
  });

  it('lists a selected key without match with count 0, after the others', () => {
    expect(withSelectedBuckets([{ key: '29', count: 2, amount: 10.004 }], ['56', '29'])).toEqual([
      { key: '29', count: 2, amount: 10 },
      { key: '56', count: 0, amount: 0 },
    ]);
  });
});
