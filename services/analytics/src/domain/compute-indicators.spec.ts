import { computeIndicators, computeIndicatorsBy } from './compute-indicators';
import { INDICATOR_KEYS } from './indicators/indicator';
import { DEFAULT_CHARTER_TARGETS } from './targets';
import { fact } from './testing/builders';

const hasNaN = (value: unknown): boolean =>
  typeof value === 'number' ? Number.isNaN(value) : value != null && typeof value === 'object' ? Object.values(value).some(hasNaN) : false;

describe('computeIndicators', () => {
  it('returns all the indicators, with null values and no NaN anywhere on an empty selection', () => {
    const set = computeIndicators([]);
    expect(Object.keys(set).sort()).toEqual([...INDICATOR_KEYS].sort());
    for (const v of Object.values(set)) expect(v.byCount.value).toBeNull();
    expect(hasNaN(set)).toBe(false);
  });

  it('shows the charter targets by default: advances 50 %, first-time suppliers 30 %, nothing else', () => {
    const set = computeIndicators([fact({ amount: 100_000, attributionAvance: true, tauxAvance: 0.3 })]);
    expect(DEFAULT_CHARTER_TARGETS).toEqual({ 'advances-charter': 0.5, 'first-time-suppliers': 0.3 });
    expect(set['advances-charter']).toMatchObject({ target: 0.5, targetMet: true });
    expect(set['first-time-suppliers']).toMatchObject({ target: 0.3, targetMet: true });
    expect(set['sme-share'].target).toBeUndefined();
  });

  it('takes targets from configuration and says when a value misses one', () => {
    const set = computeIndicators([fact({ suppliers: [{ categorie: 'GE' }] })], { targets: { 'sme-share': 0.5 } });
    expect(set['sme-share']).toMatchObject({ target: 0.5, targetMet: false });
    expect(set['advances-charter'].target).toBeUndefined();
  });

  it('switches the co-contractor rule for every indicator', () => {
    const group = fact({ suppliers: [{ categorie: 'PME' }, { categorie: 'GE' }] });
    expect(computeIndicators([group])['sme-share'].byCount.value).toBe(0.5);
    expect(computeIndicators([group], { coContractorRule: 'lead' })['sme-share'].byCount.value).toBe(1);
  });

  it('computes over the filtered contracts only', () => {
    const facts = [fact({ year: 2023, suppliers: [{ categorie: 'PME' }] }), fact({ year: 2024, suppliers: [{ categorie: 'GE' }] })];
    expect(computeIndicators(facts, { filters: { year: 2024 } })['sme-share'].byCount).toMatchObject({ numerator: 0, denominator: 1 });
  });

  it('computes one indicator set per group of a dimension', () => {
    const facts = [fact({ year: 2023, suppliers: [{ categorie: 'PME' }] }), fact({ year: 2024, suppliers: [{ categorie: 'GE' }] })];
    const byYear = computeIndicatorsBy(facts, 'year');
    expect([...byYear.keys()]).toEqual(['2023', '2024']);
    expect(byYear.get('2023')?.['sme-share'].byCount.value).toBe(1);
    expect(byYear.get('2024')?.['sme-share'].byCount.value).toBe(0);
  });

  it('remembers suppliers from contracts outside the filter when judging first-time suppliers', () => {
    const supplier = { id: '44306184100047', siren: '443061841', key: '443061841' };
    const y2023 = fact({ uid: 'a', year: 2023, dateNotification: '2023-05-01', suppliers: [supplier] });
    const y2024 = fact({ uid: 'b', year: 2024, dateNotification: '2024-05-01', suppliers: [supplier] });
    expect(computeIndicators([y2023, y2024], { filters: { year: 2024 } })['first-time-suppliers'].byCount.value).toBe(0);
    expect(computeIndicatorsBy([y2023, y2024], 'year').get('2024')?.['first-time-suppliers'].byCount.value).toBe(0);
  });

  it('grades an expected buyer-year without contract E only in its own buyer group', () => {
    const facts = [fact({ year: 2024 })];
    const byBuyer = computeIndicatorsBy(facts, 'buyer', { expectedBuyerYears: [{ buyer: '213502388', year: 2023 }, { buyer: '999999999', year: 2024 }] });
    expect(byBuyer.get('213502388')?.['publication-grade'].details).toMatchObject({ distribution: { A: 0, B: 0, C: 0, D: 1, E: 1 } });
  });

  it('gives an expected buyer or year without any contract a group of its own, after the others, graded E', () => {
    const facts = [fact({ year: 2024 })];
    const expected = [
      { buyer: '213502388', year: 2024 },
      { buyer: '999999999', year: 2023 },
      { buyer: '999999999', year: 2024 },
    ];
    const byBuyer = computeIndicatorsBy(facts, 'buyer', { expectedBuyerYears: expected });
    expect([...byBuyer.keys()]).toEqual(['213502388', '999999999']);
    expect(byBuyer.get('999999999')?.['publication-grade'].details).toMatchObject({ distribution: { A: 0, B: 0, C: 0, D: 0, E: 2 } });
    expect(byBuyer.get('999999999')?.['sme-share'].byCount.value).toBeNull();
    const byYear = computeIndicatorsBy(facts, 'year', { expectedBuyerYears: expected });
    expect([...byYear.keys()]).toEqual(['2024', '2023']);
    expect(byYear.get('2024')?.['publication-grade'].details).toMatchObject({ distribution: { D: 1, E: 1 } });
    expect(byYear.get('2023')?.['publication-grade'].details).toMatchObject({ distribution: { D: 0, E: 1 } });
  });

  it('places expected buyer-years on buyer type and territory by their keys, and never on CPV division or purchase type', () => {
    const facts = [fact({ year: 2024 })];
    const expected = [
      { buyer: '999999999', year: 2024, keys: { buyerType: 'epci', epci: '242900694', departement: '29', bretagne: 'bretagne' } },
      { buyer: '888888888', year: 2024 },
    ];
    const byType = computeIndicatorsBy(facts, 'buyerType', { expectedBuyerYears: expected });
    expect(byType.get('epci')?.['publication-grade'].details).toMatchObject({ distribution: { E: 1 } });
    const byDepartement = computeIndicatorsBy(facts, 'departement', { expectedBuyerYears: expected });
    expect(byDepartement.get('29')?.['publication-grade'].details).toMatchObject({ distribution: { E: 1 } });
    const byCpv = computeIndicatorsBy(facts, 'cpvDivision', { expectedBuyerYears: expected });
    expect([...byCpv.keys()]).toEqual(['45']);
    expect(byCpv.get('45')?.['publication-grade'].details).toMatchObject({ distribution: { E: 0 } });
  });

  it('applies the filters to expected buyer-years; a filter on a contract dimension keeps none', () => {
    const expected = [
      { buyer: '999999999', year: 2023 },
      { buyer: '999999999', year: 2024 },
    ];
    const grades = (filters: Parameters<typeof computeIndicators>[1]) => computeIndicators([], { ...filters, expectedBuyerYears: expected })['publication-grade'].details;
    expect(grades({ filters: { year: 2024 } })).toMatchObject({ distribution: { E: 1 } });
    expect(grades({ filters: { buyer: '999999999' } })).toMatchObject({ distribution: { E: 2 } });
    expect(grades({ filters: { cpvDivision: '45' } })).toMatchObject({ distribution: { E: 0 } });
    expect(grades({ filters: { departement: '29' } })).toMatchObject({ distribution: { E: 0 } });
  });
});
