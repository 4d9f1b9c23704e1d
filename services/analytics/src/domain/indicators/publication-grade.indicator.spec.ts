import { gradeBuyerYear, mandatoryPublicationThreshold, publicationGradeIndicator } from './publication-grade.indicator';
import { buyer, fact } from '../testing/builders';
import { KEY_FIELDS, type ContractFacts, type KeyField } from '../facts';

const complete = Object.fromEntries(KEY_FIELDS.map((k) => [k, true])) as Record<KeyField, boolean>;
const without = (field: KeyField) => ({ ...complete, [field]: false });
/** A 2024 contract of `amount` € published after `delay` days (from 1 March). */
const c = (amount: number | null, delay: number, keyFields = complete): ContractFacts => {
  const published = new Date(Date.UTC(2024, 2, 1 + delay)).toISOString().slice(0, 10);
  return fact({ amount, dateNotification: '2024-03-01', datePublication: published, keyFields });
};

describe('publication grade of one buyer-year (cumulative rules)', () => {
  it.each([
    ['no contract', [], 'E'],
    ['one mandatory contract only', [c(100_000, 10)], 'D'],
    ['an optional contract, but a key field missing', [c(100_000, 10), c(10_000, 10, without('lieuExecution'))], 'C'],
    ['optional contracts, ten key fields, median delay 90 days', [c(100_000, 90), c(10_000, 90)], 'B'],
    ['optional contracts, ten key fields, median delay 22 days', [c(100_000, 14), c(10_000, 30)], 'A'],
    ['median delay exactly 60 days', [c(100_000, 60), c(10_000, 60)], 'A'],
    ['median delay 61 days', [c(100_000, 61), c(10_000, 61)], 'B'],
    ['complete and fast but no optional contract (A and B conditions without C)', [c(100_000, 10), c(50_000, 10)], 'D'],
    ['complete and optional but no known delay', [c(10_000, 10)].map((f) => ({ ...f, datePublication: null })), 'B'],
    ['an optional contract whose amount is unusable (not provably optional)', [c(null, 10)], 'D'],
  ])('grades %s as %s', (_label, facts, grade) => {
    expect(gradeBuyerYear(facts, 2024).grade).toBe(grade);
  });

  it('requires every contract to be complete by default, but each field only once in the Éclaireur Public variant', () => {
    const facts = [c(100_000, 10, without('lieuExecution')), c(10_000, 10, without('formePrix'))];
    expect(gradeBuyerYear(facts, 2024).grade).toBe('C');
    expect(gradeBuyerYear(facts, 2024).missingKeyFields).toEqual(['lieuExecution', 'formePrix']);
    expect(gradeBuyerYear(facts, 2024, { completeness: 'each-field-once' }).grade).toBe('A');
  });

  it.each([
    [2019, 25_000],
    [2020, 40_000],
    [2024, 40_000],
  ])('takes %i mandatory publication threshold as %i €', (year, threshold) => {
    expect(mandatoryPublicationThreshold(year)).toBe(threshold);
  });

  it('judges a 30 k€ contract optional in 2024 but mandatory in 2019', () => {
    expect(gradeBuyerYear([c(30_000, 10)], 2024).conditions.optionalContracts).toBe(true);
    expect(gradeBuyerYear([c(30_000, 10)], 2019).conditions.optionalContracts).toBe(false);
  });
});

describe('publication grade indicator', () => {
  const X = buyer({ id: '21350238800014', siren: '213502388' });
  const Y = buyer({ id: '22350001800013', siren: '223500018' });

  it('grades each buyer-year, E for an expected buyer-year without contract, and counts A over graded ones', () => {
    const facts = [
      { ...c(100_000, 14), buyer: X },
      { ...c(10_000, 30), buyer: X },
      { ...c(100_000, 14), buyer: Y },
      { ...c(100_000, 14), buyer: Y, year: null },
    ];
    const v = publicationGradeIndicator(facts, { expected: [{ buyer: '213502388', year: 2023 }] });
    expect(v.details?.grades.map((g) => [g.buyer, g.year, g.grade])).toEqual([
      ['213502388', 2023, 'E'],
      ['213502388', 2024, 'A'],
      ['223500018', 2024, 'D'],
    ]);
    expect(v.details?.distribution).toEqual({ A: 1, B: 0, C: 0, D: 1, E: 1 });
    expect(v.details?.undatedContracts).toBe(1);
    expect(v.byCount).toMatchObject({ numerator: 1, denominator: 3 });
  });
});
