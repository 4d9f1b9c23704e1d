import { median, safeRatio, weightedMedian } from './stats';
import { haversineKm } from './geo';
import { daysBetween, yearsBefore } from './dates';

describe('statistics', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ])('gives the median of %j as %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it.each([
    [[], null],
    [[{ value: 1, weight: 1 }, { value: 9, weight: 3 }], 9],
    [[{ value: 1, weight: 1 }, { value: 9, weight: 1 }], 5],
    [[{ value: 1, weight: 0 }, { value: 9, weight: 1 }], 9],
  ])('gives the weighted median of %j as %s', (points, expected) => {
    expect(weightedMedian(points)).toBe(expected);
  });

  it('returns null rather than NaN for a zero denominator', () => {
    expect(safeRatio(0, 0)).toBeNull();
    expect(safeRatio(1, 4)).toBe(0.25);
  });
});

describe('geography and dates', () => {
  it('measures Rennes–Brest at about 210 km', () => {
    expect(haversineKm({ latitude: 48.1173, longitude: -1.6778 }, { latitude: 48.3904, longitude: -4.4861 })).toBeCloseTo(210.11, 1);
  });

  it('has no distance without coordinates', () => {
    expect(haversineKm({ latitude: null, longitude: -1.6 }, { latitude: 48, longitude: -4 })).toBeNull();
  });

  it.each([
    ['2024-03-01', '2024-05-01', 61],
    ['2024-03-01', '2024-02-01', -29],
    [null, '2024-02-01', null],
    ['2024-13-45x', '2024-02-01', null],
  ])('counts the days from %s to %s as %s', (a, b, expected) => {
    expect(daysBetween(a, b)).toBe(expected);
  });

  it('goes back three calendar years', () => {
    expect(yearsBefore('2024-02-29', 3)).toBe('2021-02-29');
  });
});
