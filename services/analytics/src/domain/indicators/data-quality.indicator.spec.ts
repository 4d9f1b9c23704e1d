import { dataQualityIndicator } from './data-quality.indicator';
import { buyer, fact } from '../testing/builders';

describe('data-quality flags', () => {
  const facts = [
    fact({}),
    fact({ amount: null, amountStatus: 'unusable', flags: ['AMOUNT_UNUSABLE'] }),
    fact({ buyer: buyer({ idValid: false }) }),
    fact({ suppliers: [{ idStatus: 'invalid', id: '00001' }] }),
    fact({ suppliers: [{ idStatus: 'other-scheme', foreign: true }] }), // a foreign VAT number is no error
    fact({ sources: ['megalis', 'pes-dgfip'] }),
    fact({ probableDuplicate: true }), // the same award published under two ids: both copies count
    fact({ probableDuplicate: true }),
  ];

  it('gives the share of contracts with an unusable amount, an invalid identifier, a cross-source duplicate or a probable duplicate', () => {
    expect(dataQualityIndicator(facts).byCount).toEqual({ numerator: 6, denominator: 8, value: 6 / 8, unknown: 0, unknownShare: 0 });
  });

  it('counts each problem and each flag code', () => {
    expect(dataQualityIndicator(facts).details).toEqual({
      unusableAmounts: 1,
      invalidIdentifiers: 2,
      duplicatesAcrossSources: 1,
      probableDuplicates: 2,
      flags: { AMOUNT_UNUSABLE: 1 },
    });
    expect(dataQualityIndicator(facts).excludedUnusableAmounts).toBe(1);
  });

  it('returns null on no contract', () => {
    expect(dataQualityIndicator([]).byCount.value).toBeNull();
  });
});
