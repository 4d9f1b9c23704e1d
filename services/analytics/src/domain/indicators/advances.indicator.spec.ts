import { advancesCharterIndicator, advancesIndicator } from './advances.indicator';
import { fact } from '../testing/builders';

describe('advances', () => {
  // given five contracts: advance 30 % (100 k), advance with unknown rate (200 k), no advance (100 k),
  // unknown (50 k), advance 10 % (300 k)
  const facts = [
    fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.3 }),
    fact({ amount: 200_000, attributionAvance: true, tauxAvance: null }),
    fact({ amount: 100_000, attributionAvance: false }),
    fact({ amount: 50_000, attributionAvance: 'unknown' }),
    fact({ amount: 300_000, attributionAvance: true, tauxAvance: 0.1 }),
  ];

  it('gives the share with an advance over contracts where it is known', () => {
    const v = advancesIndicator(facts);
    expect(v.byCount).toEqual({ numerator: 3, denominator: 4, value: 0.75, unknown: 1, unknownShare: 0.2 });
    expect(v.byAmount).toMatchObject({ numerator: 600_000, denominator: 700_000, unknown: 50_000 });
  });

  it('averages the known advance rates, plainly and weighted by amount', () => {
    const d = advancesIndicator(facts).details;
    expect(d?.meanTauxAvance).toBeCloseTo(0.2, 12); // (0.3 + 0.1) / 2
    expect(d?.meanTauxAvanceByAmount).toBeCloseTo(0.15, 12); // (0.3 × 100 k + 0.1 × 300 k) / 400 k
    expect([d?.tauxKnown, d?.tauxUnknown]).toEqual([2, 1]);
  });

  it('has no mean rate, not NaN, when no rate is known', () => {
    expect(advancesIndicator([fact({ attributionAvance: false })]).details?.meanTauxAvance).toBeNull();
  });
});

describe('advances, charter variant (TPE/PME, over 25 k€, advance ≥ 30 %)', () => {
  const facts = [
    fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.3, suppliers: [{ categorie: 'PME' }] }), // yes
    fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.2, suppliers: [{ categorie: 'PME' }] }), // no
    fact({ amount: 20_000, attributionAvance: true, tauxAvance: 0.5, suppliers: [{ categorie: 'PME' }] }), // out: ≤ 25 k€
    fact({ amount: 25_000, attributionAvance: true, tauxAvance: 0.5, suppliers: [{ categorie: 'PME' }] }), // out: not over 25 k€
    fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.5, suppliers: [{ categorie: 'GE', tpe: true }] }), // out: GE
    fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.5, suppliers: [{ categorie: 'unknown', tpe: 'unknown' }] }), // population unknown
    fact({ amount: 50_000, attributionAvance: 'unknown', suppliers: [{ categorie: 'unknown', tpe: true }] }), // member, answer unknown
    fact({ amount: null, amountStatus: 'unusable', attributionAvance: true, tauxAvance: 0.5, suppliers: [{ categorie: 'PME' }] }), // excluded
    fact({ amount: 200_000, attributionAvance: true, tauxAvance: 0.4, suppliers: [{ categorie: 'PME' }, { categorie: 'GE' }] }), // half yes
  ];

  it('counts TPE/PME contracts over 25 k€ with an advance of at least 30 %', () => {
    const v = advancesCharterIndicator(facts);
    // yes = 1 + 0.5, no = 1, unknown = 1
    expect(v.byCount).toEqual({ numerator: 1.5, denominator: 2.5, value: 0.6, unknown: 1, unknownShare: 1 / 3.5 });
    // yes = 100 k + 0.5 × 200 k, no = 100 k, unknown = 50 k
    expect(v.byAmount).toMatchObject({ numerator: 200_000, denominator: 300_000, unknown: 50_000 });
  });

  it('reports the unusable amounts it could not test against 25 k€ and the suppliers of unknown size', () => {
    const v = advancesCharterIndicator(facts);
    expect(v.excludedUnusableAmounts).toBe(1);
    expect(v.details?.populationUnknown).toBe(1);
  });

  it('treats an advance with an unknown rate as unknown, not as below 30 %', () => {
    const v = advancesCharterIndicator([fact({ amount: 100_000, attributionAvance: true, tauxAvance: null, suppliers: [{ categorie: 'PME' }] })]);
    expect(v.byCount).toMatchObject({ denominator: 0, value: null, unknown: 1 });
  });
});
