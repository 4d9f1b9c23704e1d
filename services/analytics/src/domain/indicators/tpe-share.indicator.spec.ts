import { tpeShareIndicator } from './tpe-share.indicator';
import { fact } from '../testing/builders';

describe('TPE share', () => {
  it.each([
    ['one TPE, one non-TPE, one unknown', [true, false, 'unknown'] as const, { numerator: 1, denominator: 2, value: 0.5, unknown: 1 }],
    ['only unknown headcounts', ['unknown', 'unknown'] as const, { numerator: 0, denominator: 0, value: null, unknown: 2 }],
    ['only TPE', [true] as const, { numerator: 1, denominator: 1, value: 1, unknown: 0 }],
  ])('given %s, reports the share over known headcounts', (_label, tpes, expected) => {
    const facts = tpes.map((tpe) => fact({ suppliers: [{ tpe }] }));
    expect(tpeShareIndicator(facts).byCount).toMatchObject(expected);
  });

  it('weighs a TPE co-contractor by its share of the contract and of its amount', () => {
    const f = fact({ amount: 90_000, suppliers: [{ tpe: true }, { tpe: false }, { tpe: false }] });
    const v = tpeShareIndicator([f]);
    expect(v.byCount.value).toBeCloseTo(1 / 3, 12);
    expect(v.byAmount?.numerator).toBeCloseTo(30_000, 6);
  });
});
