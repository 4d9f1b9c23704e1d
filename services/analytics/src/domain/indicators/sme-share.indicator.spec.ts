import { smeShareIndicator } from './sme-share.indicator';
import { fact } from '../testing/builders';
import { withCoContractorRule } from '../facts';

describe('SME share', () => {
  // given: A PME 100 k€, B GE 300 k€, C unknown size 50 k€, D PME + GE co-contractors 200 k€
  const A = fact({ amount: 100_000, suppliers: [{ categorie: 'PME' }] });
  const B = fact({ amount: 300_000, suppliers: [{ categorie: 'GE' }] });
  const C = fact({ amount: 50_000, suppliers: [{ categorie: 'unknown' }] });
  const D = fact({ amount: 200_000, suppliers: [{ categorie: 'PME', id: 'p', siren: 'p' }, { categorie: 'GE', id: 'g', siren: 'g' }] });

  it('counts co-contractors by even split, and keeps unknown size out of the denominator', () => {
    const v = smeShareIndicator([A, B, C, D]);
    // by count: yes = 1 (A) + 0.5 (D); known = 3; unknown = 1 (C)
    expect(v.byCount).toEqual({ numerator: 1.5, denominator: 3, value: 0.5, unknown: 1, unknownShare: 0.25 });
    // by amount: yes = 100 k + 100 k; known = 600 k; unknown = 50 k
    expect(v.byAmount).toEqual({ numerator: 200_000, denominator: 600_000, value: 1 / 3, unknown: 50_000, unknownShare: 50_000 / 650_000 });
  });

  it('gives the whole contract to the lead contractor under the lead rule', () => {
    const v = smeShareIndicator([A, B, C, D].map((f) => withCoContractorRule(f, 'lead')));
    expect(v.byCount.value).toBeCloseTo(2 / 3, 12);
    expect(v.byAmount?.value).toBeCloseTo(300_000 / 600_000, 12);
  });

  it('counts nothing for the PME when a GE leads the groupement under the lead rule', () => {
    const gFirst = fact({ coContractorRule: 'lead', suppliers: [{ categorie: 'GE' }, { categorie: 'PME' }] });
    expect(smeShareIndicator([gFirst]).byCount).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
  });

  it('counts a foreign supplier (unknown size) and a contract without titulaire as unknown, not as non-SME', () => {
    const foreign = fact({ suppliers: [{ categorie: 'unknown', foreign: true }] });
    const none = fact({ suppliers: [] });
    const v = smeShareIndicator([A, foreign, none]);
    expect(v.byCount).toEqual({ numerator: 1, denominator: 1, value: 1, unknown: 2, unknownShare: 2 / 3 });
  });

  it('excludes an absurd amount from the amount share, keeps it by count, and reports it', () => {
    const absurd = fact({ amount: null, amountStatus: 'unusable', suppliers: [{ categorie: 'GE' }] });
    const v = smeShareIndicator([A, absurd]);
    expect(v.byCount).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(v.byAmount).toMatchObject({ numerator: 100_000, denominator: 100_000, value: 1 });
    expect(v.excludedUnusableAmounts).toBe(1);
  });

  it('returns null values, never NaN, when nothing is known', () => {
    expect(smeShareIndicator([]).byCount).toEqual({ numerator: 0, denominator: 0, value: null, unknown: 0, unknownShare: null });
    const v = smeShareIndicator([C]);
    expect(v.byCount.value).toBeNull();
    expect(v.byCount.unknownShare).toBe(1);
    expect(v.byAmount?.value).toBeNull();
  });

  it("keeps a framework agreement's maximum apart from the amount share, but counts it by number", () => {
    const frameworkPme = fact({ amount: 1_000_000, frameworkAgreement: true, suppliers: [{ categorie: 'PME' }] });
    const v = smeShareIndicator([frameworkPme, B]);
    expect(v.byCount.value).toBe(0.5);
    expect(v.byAmount).toMatchObject({ numerator: 0, denominator: 300_000, value: 0 });
    expect(v.details?.frameworkAgreements).toEqual({
      contracts: 1,
      amountsIncluded: false,
      byAmount: { numerator: 1_000_000, denominator: 1_000_000, value: 1, unknown: 0, unknownShare: 0 },
    });
  });

  it('adds framework agreement maxima to the amount share when asked to include them', () => {
    const frameworkPme = fact({ amount: 1_000_000, frameworkAgreement: true, suppliers: [{ categorie: 'PME' }] });
    const v = smeShareIndicator([frameworkPme, B], { frameworkAgreementAmounts: 'include' });
    expect(v.byAmount).toMatchObject({ numerator: 1_000_000, denominator: 1_300_000 });
  });

  it('carries the OECP national reference', () => {
    expect(smeShareIndicator([]).details?.nationalReference).toMatchObject({ byCount: 0.599, byAmount: 0.272 });
  });
});
