import { distributionOf, quantile } from './price-distribution';

describe('distribution of awarded amounts', () => {
  it('interpolates quartiles between closest ranks (type 7, as spreadsheets’ QUARTILE.INC)', () => {
    const sorted = [10, 20, 30, 40];
    expect(quantile(sorted, 0.25)).toBe(17.5);
    expect(quantile(sorted, 0.5)).toBe(25);
    expect(quantile(sorted, 0.75)).toBe(32.5);
    expect(distributionOf([40, 10, 30, 20])).toEqual({ count: 4, min: 10, q1: 17.5, median: 25, q3: 32.5, max: 40, mean: 25 });
  });

  it('gives nulls, never NaN, for no amount', () => {
    expect(distributionOf([])).toEqual({ count: 0, min: null, q1: null, median: null, q3: null, max: null, mean: null });
  });
});
