import fc from 'fast-check';
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

  it('finds the same groups whatever order the contracts come in, each a real pair or more under the rule (property)', () => {
    const contractArb = fc.record({
      buyer: fc.constantFrom(QUIMPERLE, '21290197900121'),
      cpv: fc.constantFrom('45212320', '45233140'),
      montant: fc.constantFrom(985_008.19, 40_000, 1_234.56, null),
      titulaire: fc.constantFrom('31974842200064', '31974842200114', '34862985800062'),
      day: fc.option(fc.constantFrom(0, 3, 200), { freq: 5 }), // same days, a gap beyond the window, undated
    });
    fc.assert(
      fc.property(fc.array(contractArb, { minLength: 0, maxLength: 12 }), fc.nat(), (rows, seed) => {
        const contracts = rows.map((r, i) =>
          award(`P${i}`, {
            acheteur: ref(r.buyer),
            uid: `${r.buyer}P${i}`,
            codeCPV: r.cpv,
            montant: r.montant,
            titulaires: [ref(r.titulaire)],
            dateNotification: r.day === null ? null : new Date(Date.UTC(2024, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10),
          }),
        );
        // a seeded Fisher–Yates shuffle
        const shuffled = [...contracts];
        let state = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
          const j = state % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const groups = probableDuplicateGroups(contracts);
        expect(probableDuplicateGroups(shuffled)).toEqual(groups);
        for (const g of groups) {
          const copies = g.copies.map((c) => contracts.find((x) => x.uid === c.uid)!);
          expect(new Set(copies.map((c) => c.uid)).size).toBe(copies.length);
          expect(copies.length).toBeGreaterThanOrEqual(2);
          expect(new Set(copies.map((c) => `${c.acheteur.id}|${c.codeCPV}|${c.montant}|${c.titulaires[0].id.slice(0, 9)}`)).size).toBe(1);
          expect(Math.round(g.montant * 100) % 10_000).not.toBe(0);
          expect(g.excessAmount).toBeCloseTo(g.montant * (copies.length - 1), 6);
        }
        // no contract in two groups
        const all = groups.flatMap((g) => g.copies.map((c) => c.uid));
        expect(new Set(all).size).toBe(all.length);
      }),
      { numRuns: 500 },
    );
  });
});
