import { subcontractingIndicator } from './subcontracting.indicator';
import { innovationIndicator } from './innovation.indicator';
import { fact } from '../testing/builders';

describe('declared subcontracting and innovation', () => {
  it('gives the share of declared subcontracting over contracts where it is known', () => {
    const facts = [true, true, false, 'unknown' as const].map((s) => fact({ amount: 10_000, sousTraitanceDeclaree: s }));
    const v = subcontractingIndicator(facts);
    expect(v.byCount).toEqual({ numerator: 2, denominator: 3, value: 2 / 3, unknown: 1, unknownShare: 0.25 });
    expect(v.byAmount).toMatchObject({ numerator: 20_000, denominator: 30_000, unknown: 10_000 });
  });

  it('gives the share of innovative contracts over contracts where it is known', () => {
    const facts = [true, false, 'unknown' as const, 'unknown' as const].map((m) => fact({ marcheInnovant: m }));
    expect(innovationIndicator(facts).byCount).toEqual({ numerator: 1, denominator: 2, value: 0.5, unknown: 2, unknownShare: 0.5 });
  });

  it('returns null when every answer is unknown', () => {
    expect(innovationIndicator([fact({ marcheInnovant: 'unknown' })]).byCount.value).toBeNull();
  });
});
