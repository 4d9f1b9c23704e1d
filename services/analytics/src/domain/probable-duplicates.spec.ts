import type { Contract } from '@observatoire/contracts';
import { countedAsSpend, DUPLICATE_WINDOW_DAYS, probableDuplicateGroups } from './probable-duplicates';
import { contract, ref } from './testing/builders';

const QUIMPERLE = '24290069400173';

/** A contract of Quimperlé Communauté, CPV 45212320, with what a test is about. */
function award(id: string, overrides: Partial<Contract> = {}): Contract {
  return contract({ uid: `${QUIMPERLE}${id}`, id, acheteur: ref(QUIMPERLE, { denominationSociale: 'CA QUIMPERLE COMMUNAUTE' }), codeCPV: '45212320', montant: 985_008.19, dateNotification: '2024-08-14', titulaires: [ref('31974842200064')], ...overrides });
}

describe('probableDuplicateGroups', () => {
  it('groups the award Quimperlé published twice under two ids, to two establishments of one company, and says what it counts twice', () => {
    const groups = probableDuplicateGroups([
      award('20242024-12-13'),
      award('2024T00053', { titulaires: [ref('31974842200114')] }),
      award('2024T00054', { montant: 157_781.5 }),
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ acheteurId: QUIMPERLE, acheteurNom: 'CA QUIMPERLE COMMUNAUTE', codeCPV: '45212320', montant: 985_008.19, titulaires: ['319748422'], excessAmount: 985_008.19 });
    expect(groups[0].copies.map((c) => [c.id, c.titulaires])).toEqual([
      ['20242024-12-13', ['31974842200064']],
      ['2024T00053', ['31974842200114']],
    ]);
  });

  it('leaves round amounts alone: the same 40,000 € to the same firm twice is two orders, not a duplicate', () => {
    expect(probableDuplicateGroups([award('A', { montant: 40_000 }), award('B', { montant: 40_000 })])).toEqual([]);
    expect(probableDuplicateGroups([award('A', { montant: 40_050 }), award('B', { montant: 40_050 })])).toHaveLength(1);
  });

  it.each([
    ['another CPV code', { codeCPV: '45233140' }],
    ['another buyer', { acheteur: ref('21290197900121') }],
    ['another company', { titulaires: [ref('34862985800062')] }],
    ['an extra co-contractor', { titulaires: [ref('31974842200064'), ref('34862985800062')] }],
    ['one cent more', { montant: 985_008.2 }],
    [`a notification ${DUPLICATE_WINDOW_DAYS + 1} days later`, { dateNotification: '2024-11-13' }],
  ])('does not group two awards that differ by %s', (_what, other) => {
    expect(probableDuplicateGroups([award('A'), award('B', other as Partial<Contract>)])).toEqual([]);
  });

  it('groups copies whose co-contractors are listed in another order or as other establishments', () => {
    const a = award('A', { titulaires: [ref('31974842200064'), ref('34862985800062')] });
    const b = award('B', { titulaires: [ref('34862985800088'), ref('31974842200114')] });
    expect(probableDuplicateGroups([a, b])[0].titulaires).toEqual(['319748422', '348629858']);
  });

  it('chains copies notified within the window of each other and starts a new group after a longer gap', () => {
    const groups = probableDuplicateGroups([
      award('A', { dateNotification: '2024-01-10' }),
      award('B', { dateNotification: '2024-03-20' }),
      award('C', { dateNotification: '2024-06-10' }),
      award('D', { dateNotification: '2025-01-15' }),
    ]);
    expect(groups.map((g) => g.copies.map((c) => c.id))).toEqual([['A', 'B', 'C']]);
    expect(groups[0].excessAmount).toBeCloseTo(2 * 985_008.19, 2);
  });

  it('keeps a group together when a copy has no notification date', () => {
    const groups = probableDuplicateGroups([award('A', { dateNotification: '2024-01-10' }), award('B', { dateNotification: '2024-12-20' }), award('C', { dateNotification: null })]);
    expect(groups.map((g) => g.copies.map((c) => c.id))).toEqual([['C', 'A', 'B']]);
  });

  it('never groups a contract with itself (the same uid delivered twice), nor contracts without amount or titulaires', () => {
    expect(probableDuplicateGroups([award('A'), award('A')])).toEqual([]);
    expect(probableDuplicateGroups([award('A', { montant: null }), award('B', { montant: null })])).toEqual([]);
    expect(probableDuplicateGroups([award('A', { titulaires: [] }), award('B', { titulaires: [] })])).toEqual([]);
  });

  it('lists the largest amount counted twice first, and the sources of each copy', () => {
    const small = [award('S1', { montant: 1_234.56 }), award('S2', { montant: 1_234.56, provenance: [{ source: 'decp.info', file: 'x.csv', position: 3, format: 'decp-info-csv', schemaVersion: null }] })];
    const groups = probableDuplicateGroups([...small, award('A'), award('B')]);
    expect(groups.map((g) => g.montant)).toEqual([985_008.19, 1_234.56]);
    expect(groups[1].copies.map((c) => c.sources)).toEqual([['megalis'], ['decp.info']]);
  });

  it('counts as spend a usable amount that is no framework-agreement maximum', () => {
    expect(countedAsSpend(award('A'))).toBe(true);
    expect(countedAsSpend(award('A', { techniques: ['Accord-cadre'] }))).toBe(false);
    expect(countedAsSpend(award('A', { montant: 1e17, montantUtilisable: false }))).toBe(false);
  });
});
