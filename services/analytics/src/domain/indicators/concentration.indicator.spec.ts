import { concentrationIndicator, hhi } from './concentration.indicator';
import { buyer, fact } from '../testing/builders';
import { withCoContractorRule } from '../facts';

const X = buyer({ id: '21350238800014', siren: '213502388' });
const s = (key: string) => ({ id: key, siren: key, key });

describe('concentration (HHI per buyer × CPV division)', () => {
  // given buyer X: division 45 shared 300 k / 100 k between A and B; division 71 shared evenly by five suppliers;
  // one contract without CPV division, one with an unusable amount
  const facts = [
    fact({ buyer: X, cpvDivision: '45', amount: 300_000, suppliers: [s('A')] }),
    fact({ buyer: X, cpvDivision: '45', amount: 100_000, suppliers: [s('B')] }),
    ...['A', 'B', 'C', 'D', 'E'].map((k) => fact({ buyer: X, cpvDivision: '71', amount: 100_000, suppliers: [s(k)] })),
    fact({ buyer: X, cpvDivision: null, amount: 50_000, suppliers: [s('A')] }),
    fact({ buyer: X, cpvDivision: '45', amount: null, amountStatus: 'unusable', suppliers: [s('A')] }),
  ];

  it('computes the HHI and top supplier share of each market', () => {
    const groups = concentrationIndicator(facts).details?.groups;
    expect(groups).toEqual([
      { buyer: '213502388', cpvDivision: '45', contracts: 2, totalAmount: 400_000, suppliers: 2, hhi: 6250, topSupplier: { key: 'A', share: 0.75 }, concentrated: true },
      { buyer: '213502388', cpvDivision: '71', contracts: 5, totalAmount: 500_000, suppliers: 5, hhi: expect.closeTo(2000, 9), topSupplier: { key: 'A', share: 0.2 }, concentrated: false },
    ]);
  });

  it('gives the share of contracts and amounts in concentrated markets; unplaced contracts are unknown, unusable amounts excluded', () => {
    const v = concentrationIndicator(facts);
    expect(v.byCount).toEqual({ numerator: 2, denominator: 7, value: 2 / 7, unknown: 1, unknownShare: 1 / 8 });
    expect(v.byAmount).toMatchObject({ numerator: 400_000, denominator: 900_000, unknown: 50_000 });
    expect(v.excludedUnusableAmounts).toBe(1);
  });

  it('does not flag an HHI of exactly 2,500 (four equal suppliers)', () => {
    const four = ['A', 'B', 'C', 'D'].map((k) => fact({ buyer: X, amount: 10, suppliers: [s(k)] }));
    expect(concentrationIndicator(four).details?.groups[0]).toMatchObject({ hhi: 2500, concentrated: false });
  });

  it('splits a groupement amount between co-contractors, or gives it all to the lead', () => {
    const g = fact({ buyer: X, amount: 200_000, suppliers: [s('A'), s('B')] });
    expect(concentrationIndicator([g]).details?.groups[0].hhi).toBe(5000);
    expect(concentrationIndicator([withCoContractorRule(g, 'lead')]).details?.groups[0].hhi).toBe(10000);
  });

  it('recognises one supplier across its establishments by SIREN', () => {
    const two = [fact({ buyer: X, suppliers: [{ id: '44306184100047', siren: '443061841', key: '443061841' }] }), fact({ buyer: X, suppliers: [{ id: '44306184100054', siren: '443061841', key: '443061841' }] })];
    expect(concentrationIndicator(two).details?.groups[0]).toMatchObject({ suppliers: 1, hhi: 10000 });
  });

  it('leaves framework agreement maxima out of the HHI and counts them', () => {
    const v = concentrationIndicator([fact({ buyer: X, frameworkAgreement: true, suppliers: [s('A')] })]);
    expect(v.details?.groups).toEqual([]);
    expect(v.details?.frameworkAgreementsExcluded).toBe(1);
    expect(v.byCount.value).toBeNull();
  });

  it.each([
    [[], null],
    [[1], 10000],
    [[1, 1], 5000],
    [[3, 1], 6250],
  ])('gives an HHI of %j = %s', (amounts, expected) => {
    expect(hhi(amounts)).toBe(expected);
  });
});
