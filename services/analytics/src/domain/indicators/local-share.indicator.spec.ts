import { buyerSupplierDistance, localAnswer, localShareIndicator } from './local-share.indicator';
import { buyer, fact, supplier, RENNES_METROPOLE } from '../testing/builders';
import type { TerritoryFacts } from '../facts';
import { withCoContractorRule } from '../facts';

const BREST_METROPOLE: TerritoryFacts = { communeCode: '29019', epciSiren: '242900314', epciKey: '242900314', departementCode: '29', regionCode: '53' };
const PARIS: TerritoryFacts = { communeCode: '75056', epciSiren: '200054781', epciKey: '200054781', departementCode: '75', regionCode: '11' };
const UNKNOWN_PLACE: TerritoryFacts = { communeCode: null, epciSiren: null, epciKey: null, departementCode: null, regionCode: null };
const island = (commune: string): TerritoryFacts => ({ communeCode: commune, epciSiren: null, epciKey: `commune:${commune}`, departementCode: commune.slice(0, 2), regionCode: '53' });
/** A commune whose EPCI was simply not resolved: its EPCI is unknown. */
const UNRESOLVED_EPCI: TerritoryFacts = { communeCode: '29232', epciSiren: null, epciKey: null, departementCode: '29', regionCode: '53' };

describe('local share', () => {
  // given a Rennes Métropole buyer and five suppliers: same EPCI, Brest Métropole, Paris, abroad, unknown place
  const facts = [
    fact({ suppliers: [{ territory: RENNES_METROPOLE }] }),
    fact({ suppliers: [{ territory: BREST_METROPOLE }] }),
    fact({ suppliers: [{ territory: PARIS }] }),
    fact({ suppliers: [{ territory: UNKNOWN_PLACE, foreign: true }] }),
    fact({ suppliers: [{ territory: UNKNOWN_PLACE }] }),
  ];

  it.each([
    ['epci', { numerator: 1, denominator: 4, value: 0.25, unknown: 1 }],
    ['departement', { numerator: 1, denominator: 4, value: 0.25, unknown: 1 }],
    ['bretagne', { numerator: 2, denominator: 4, value: 0.5, unknown: 1 }],
  ] as const)('at level %s, counts a foreign supplier as non-local and an unplaced one as unknown', (level, expected) => {
    expect(localShareIndicator(facts, { level }).byCount).toMatchObject(expected);
  });

  it.each([
    ['an Ouessant buyer and an Ouessant supplier', island('29155'), island('29155'), 'yes'],
    ['an Ouessant buyer and an Île-de-Sein supplier', island('29155'), island('29083'), 'no'],
    ['a Bréhat buyer and a Brest Métropole supplier', island('22016'), BREST_METROPOLE, 'no'],
    ['an Ouessant buyer and a supplier whose EPCI is unresolved', island('29155'), UNRESOLVED_EPCI, 'unknown'],
    ['two communes whose EPCIs are both unresolved', UNRESOLVED_EPCI, UNRESOLVED_EPCI, 'unknown'],
  ])('at EPCI level, judges %s as %s', (_label, buyerPlace, supplierPlace, expected) => {
    expect(localAnswer(buyer({ territory: buyerPlace }), supplier({ territory: supplierPlace }), 'epci')).toBe(expected);
  });

  it('still finds an island buyer and a supplier of its département local at département level', () => {
    expect(localAnswer(buyer({ territory: island('29155') }), supplier({ territory: BREST_METROPOLE }), 'departement')).toBe('yes');
  });

  it('leaves every supplier unknown when the buyer itself is not located', () => {
    expect(localAnswer(buyer({ territory: UNKNOWN_PLACE }), supplier({ territory: RENNES_METROPOLE }), 'departement')).toBe('unknown');
  });

  it('weighs local and non-local co-contractors by their shares, in number and amount', () => {
    const f = fact({ amount: 200_000, suppliers: [{ territory: RENNES_METROPOLE }, { territory: PARIS }] });
    expect(localShareIndicator([f], { level: 'departement' }).byAmount).toMatchObject({ numerator: 100_000, denominator: 200_000, value: 0.5 });
    expect(localShareIndicator([withCoContractorRule(f, 'lead')], { level: 'departement' }).byCount.value).toBe(1);
  });
});

describe('buyer–supplier distance', () => {
  it('takes the median of known distances and counts the missing ones apart', () => {
    const facts = [10, 30, 200, null].map((d) => fact({ suppliers: [{ distanceKm: d }] }));
    expect(buyerSupplierDistance(facts)).toEqual({ medianKm: 30, known: 3, missing: 1 });
  });

  it('weighs co-contractors by their share (even split gives 20 km, lead gives 15 km)', () => {
    // given a groupement at 10 km (lead) and 50 km, and a single supplier at 20 km
    const group = fact({ suppliers: [{ distanceKm: 10 }, { distanceKm: 50 }] });
    const single = fact({ suppliers: [{ distanceKm: 20 }] });
    // even split: 10 (0.5), 20 (1), 50 (0.5) → cumulative 0.5, 1.5 > 1 → 20
    expect(buyerSupplierDistance([group, single]).medianKm).toBe(20);
    // lead: 10 (1), 20 (1) → half reached exactly at 10 → (10 + 20) / 2
    expect(buyerSupplierDistance([withCoContractorRule(group, 'lead'), single]).medianKm).toBe(15);
  });

  it('is null, not NaN, when no distance is known', () => {
    expect(buyerSupplierDistance([fact({ suppliers: [{ distanceKm: null }] })]).medianKm).toBeNull();
    expect(localShareIndicator([], { level: 'bretagne' }).details?.distance).toEqual({ medianKm: null, known: 0, missing: 0 });
  });
});
