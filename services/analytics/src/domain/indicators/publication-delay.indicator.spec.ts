import { publicationDelayIndicator } from './publication-delay.indicator';
import { fact } from '../testing/builders';

describe('publication delay', () => {
  // given delays of 14, 61, 62 and 100 days, one publication before notification, one missing date
  const facts = [
    ['2024-03-01', '2024-03-15'],
    ['2024-03-01', '2024-05-01'],
    ['2024-03-01', '2024-05-02'],
    ['2024-01-01', '2024-04-10'],
    ['2024-03-01', '2024-02-01'],
    ['2024-03-01', null],
  ].map(([n, p]) => fact({ dateNotification: n, datePublication: p }));

  it('counts publications within 61 days over known, non-negative delays', () => {
    const v = publicationDelayIndicator(facts);
    expect(v.byCount).toEqual({ numerator: 2, denominator: 4, value: 0.5, unknown: 2, unknownShare: 1 / 3 });
  });

  it('reports the median delay and the negative and missing delays apart', () => {
    expect(publicationDelayIndicator(facts).details).toMatchObject({ medianDays: 61.5, withinDays: 61, negative: 1, missing: 1 });
  });

  it('has no median, not NaN, without any known delay', () => {
    expect(publicationDelayIndicator([fact({ datePublication: null })]).details?.medianDays).toBeNull();
  });
});
