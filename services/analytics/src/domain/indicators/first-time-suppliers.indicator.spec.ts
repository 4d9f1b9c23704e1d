import { firstTimeSuppliersIndicator } from './first-time-suppliers.indicator';
import { buyer, fact } from '../testing/builders';

const X = buyer({ id: '21350238800014', siren: '213502388' });
const Y = buyer({ id: '22350001800013', siren: '223500018' });
const A = { id: '44306184100047', siren: '443061841', key: '443061841' };
const A2 = { id: '44306184100054', siren: '443061841', key: '443061841' }; // another establishment of A
const B = { id: '55208131766522', siren: '552081317', key: '552081317' };

const current = fact({ uid: 'current', buyer: X, dateNotification: '2024-03-01', suppliers: [A] });
const past = (date: string | null, who = A, by = X) => fact({ uid: `past-${date}-${who.id}-${by.id}`, buyer: by, dateNotification: date, suppliers: [who] });

describe('first-time suppliers', () => {
  it.each([
    ['no history at all', [], 1],
    ['a contract with the same buyer exactly 3 years before', [past('2021-03-01')], 0],
    ['a contract with the same buyer 3 years and one day before', [past('2021-02-28')], 1],
    ['a recent contract with another buyer', [past('2023-01-01', A, Y)], 1],
    ['a contract with the same buyer on the same day', [past('2024-03-01')], 1],
    ['a contract with the same buyer after this one', [past('2025-01-01')], 1],
    ["a recent contract of another establishment of the same company", [past('2023-06-01', A2)], 0],
    ['an undated contract with the same buyer', [past(null)], 1],
    ['only this very contract repeated in the history', [current], 1],
  ])('given %s, counts the supplier as first-time = %s', (_label, history, expected) => {
    expect(firstTimeSuppliersIndicator([current], { history }).byCount.value).toBe(expected);
  });

  it('counts an undated current contract as unknown', () => {
    const undated = fact({ buyer: X, dateNotification: null, suppliers: [A] });
    expect(firstTimeSuppliersIndicator([undated]).byCount).toMatchObject({ denominator: 0, value: null, unknown: 1 });
  });

  it('counts as unknown a contract whose 3-year window starts before the history does', () => {
    const v = firstTimeSuppliersIndicator([current], { history: [], historyStart: '2022-01-01' });
    expect(v.byCount).toMatchObject({ denominator: 0, unknown: 1 });
    expect(firstTimeSuppliersIndicator([current], { history: [], historyStart: '2021-03-01' }).byCount.value).toBe(1);
  });

  it('weighs co-contractors by their share: a known partner and a newcomer give one half', () => {
    const group = fact({ uid: 'group', buyer: X, dateNotification: '2024-03-01', suppliers: [A, B] });
    expect(firstTimeSuppliersIndicator([group], { history: [past('2023-01-01')] }).byCount.value).toBe(0.5);
  });

  it('counts a past co-contractor as a known supplier even if it was not the lead', () => {
    const pastGroup = fact({ uid: 'pg', buyer: X, dateNotification: '2023-01-01', coContractorRule: 'lead', suppliers: [B, A] });
    expect(firstTimeSuppliersIndicator([current], { history: [pastGroup] }).byCount.value).toBe(0);
  });

  it('uses the other current contracts as history too', () => {
    const earlier = fact({ uid: 'earlier', buyer: X, dateNotification: '2023-05-01', suppliers: [A] });
    expect(firstTimeSuppliersIndicator([earlier, current]).byCount).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
  });
});
