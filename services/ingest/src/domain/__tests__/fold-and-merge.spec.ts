import fc from 'fast-check';
import type { Contract, ContractVersion } from '@observatoire/contracts';
import { foldVersions } from '../normalise/fold-versions';
import { mergeContracts } from '../merge/merge-contracts';
import { sequenceIdModificationFlag } from '../merge/sequence-id';
import { normaliseRecord } from '../normalise/normalise-record';
import type { RawRecord } from '../raw-record';
import { contractOf, item2022, raw2022, TODAY } from './fixture-helpers';

function version(seq: number, montant: number | null, dureeMois: number | null = null): ContractVersion {
  return { seq, kind: seq === 0 ? 'initial' : 'modification', montant, dureeMois, titulaires: null, dateNotification: null, datePublicationDonnees: null };
}

const versionsArb = fc
  .array(fc.record({ montant: fc.option(fc.integer({ min: 1, max: 1e7 })), dureeMois: fc.option(fc.integer({ min: 1, max: 180 })) }), { minLength: 1, maxLength: 8 })
  .map((vs) => vs.map((v, seq) => version(seq, v.montant, v.dureeMois)));

describe('foldVersions', () => {
  it('given versions, the current amount is the latest non-null total — never a sum', () => {
    fc.assert(
      fc.property(versionsArb, (versions) => {
        const state = foldVersions(versions);
        const amounts = versions.map((v) => v.montant).filter((m): m is number => m !== null);
        expect(state.montant).toBe(amounts.length ? amounts[amounts.length - 1] : null);
        expect(state.montantInitial).toBe(versions[0].montant);
      }),
    );
  });

  it('does not depend on the order versions are listed in (seq decides)', () => {
    fc.assert(fc.property(versionsArb, (versions) => {
      expect(foldVersions([...versions].reverse())).toEqual(foldVersions(versions));
    }));
  });
});

function csvRow(overrides: Record<string, string>, position: number): RawRecord {
  const value = {
    uid: '233500016000402024-7', id: '2024-7', acheteur_id: '23350001600040', acheteur_nom: 'REGION BRETAGNE', titulaire_id: '38024392300089',
    titulaire_nom: 'TECAN', montant: '100000', codeCPV: '45210000', procedure: 'Procédure adaptée', dureeMois: '12', dateNotification: '2024-07-01',
    offresRecues: '2', acheteur_departement_code: '35', acheteur_region_code: '53', titulaire_departement_code: '29', titulaire_region_code: '53',
    ...overrides,
  };
  return { file: 'decp.csv', position, format: 'decp-info-csv', schemaVersion: null, kind: 'marche', value, rawText: '', problem: null };
}

const normalise = (raw: RawRecord): Contract => contractOf(normaliseRecord(raw, { source: 'decp.info', today: TODAY }));

describe('mergeContracts', () => {
  it('given two co-titulaire rows of the same version, unites the titulaires and keeps one version', () => {
    const merged = mergeContracts(normalise(csvRow({}, 1)), normalise(csvRow({ titulaire_id: '57172266900264', titulaire_nom: 'LYRECO' }, 2)));
    expect(merged.versions).toHaveLength(1);
    expect(merged.titulaires.map((t) => t.id)).toEqual(['38024392300089', '57172266900264']);
    expect(merged.enrichment?.titulaires?.map((t) => t.nom)).toEqual(['TECAN', 'LYRECO']);
    expect(merged.provenance).toHaveLength(2);
    expect(merged.flags).toEqual([]);
  });

  it('given a modification row (modification_id 1), adds version 1 and folds its new total', () => {
    const merged = mergeContracts(normalise(csvRow({}, 1)), normalise(csvRow({ modification_id: '1', montant: '120000', dateNotification: '2024-10-01' }, 2)));
    expect(merged.versions.map((v) => [v.seq, v.montant])).toEqual([[0, 100000], [1, 120000]]);
    expect([merged.montantInitial, merged.montant]).toEqual([100000, 120000]);
  });

  it('given the same seq with different facts, keeps the latest published one and flags VERSION_CONFLICT', () => {
    const a = normalise(csvRow({ datePublicationDonnees: '2024-07-05' }, 1));
    const b = normalise(csvRow({ montant: '110000', datePublicationDonnees: '2024-08-05' }, 2));
    for (const merged of [mergeContracts(a, b), mergeContracts(b, a)]) {
      expect(merged.montant).toBe(110000);
      expect(merged.flags.map((f) => f.code)).toEqual(['VERSION_CONFLICT']);
      expect(merged.flags[0].field).toBe('versions[0]');
    }
  });

  it('flags ID_REUSED when the initial notification dates AND the CPV differ', () => {
    const a = normalise(csvRow({}, 1));
    const b = normalise(csvRow({ dateNotification: '2024-11-02', codeCPV: '71000000' }, 2));
    expect(mergeContracts(a, b).flags.map((f) => f.code)).toContain('ID_REUSED');
    const sameCpv = normalise(csvRow({ dateNotification: '2024-11-02' }, 3));
    expect(mergeContracts(a, sameCpv).flags.map((f) => f.code)).not.toContain('ID_REUSED');
  });

  it('is idempotent: merging a state with itself changes nothing', () => {
    const samples = [
      normalise(csvRow({}, 1)),
      contractOf(normaliseRecord(raw2022(item2022({ modifications: [{ modification: { id: 1, montant: 200000 } }], montant: 1e17 })), { source: 's', today: TODAY })),
    ];
    for (const c of samples) expect(mergeContracts(c, c)).toEqual(c);
  });

  it('keeps the same conflicting version whichever order the rows come in, even when co-titulaire rows were united first', () => {
    // Found by the property below (seed 1323410636): two rows of version 1 at 1,012 € (two titulaires) and one at
    // 1,013 €. Forward, the united 1,012 € version held more titulaires and won; backward, 1,013 € won.
    const rows = [
      { titulaire: '38024392300089', seq: 1, montant: 1012 },
      { titulaire: '30259089800326', seq: 1, montant: 1012 },
      { titulaire: '38024392300089', seq: 1, montant: 1013 },
      { titulaire: '38024392300089', seq: 0, montant: 1000 },
    ];
    const contracts = rows.map((r, i) => normalise(csvRow({ titulaire_id: r.titulaire, modification_id: String(r.seq), montant: String(r.montant) }, i + 1)));
    const forward = contracts.reduce(mergeContracts);
    const backward = [...contracts].reverse().reduce(mergeContracts);
    expect(forward.montant).toBe(backward.montant);
    expect(forward.versions.map((v) => [v.seq, v.montant])).toEqual([[0, 1000], [1, 1013]]);
    expect(backward.versions.map((v) => [v.seq, v.montant])).toEqual([[0, 1000], [1, 1013]]);
  });

  it('is idempotent and order-insensitive on any set of rows of one contract (property)', () => {
    const rowArb = fc.record({
      titulaire: fc.constantFrom('38024392300089', '57172266900264', '30259089800326'),
      seq: fc.integer({ min: 0, max: 2 }),
      montant: fc.integer({ min: 1000, max: 500000 }),
    });
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 6 }), (rows) => {
        const contracts = rows.map((r, i) => normalise(csvRow({ titulaire_id: r.titulaire, modification_id: String(r.seq), montant: String(r.montant) }, i + 1)));
        const forward = contracts.reduce(mergeContracts);
        const backward = [...contracts].reverse().reduce(mergeContracts);
        expect(mergeContracts(forward, forward)).toEqual(forward);
        expect(contracts.reduce(mergeContracts, forward)).toEqual(forward); // the same file merged twice
        expect(backward.montant).toBe(forward.montant);
        expect(backward.versions.map((v) => [v.seq, v.montant])).toEqual(forward.versions.map((v) => [v.seq, v.montant]));
      }),
    );
  });
});

describe('sequenceIdModificationFlag', () => {
  it.each([
    ['2018MAPA20180501', ['2018MAPA20180500'], true, 'same id ending 00'],
    ['2018MAPA2018050102', ['2018MAPA20180501'], true, 'the id without its 2-digit suffix'],
    ['2024-LOT-02', ['2024-LOT-01'], false, 'lot numbers (no 00 original)'],
    ['2018MAPA20180500', ['2018MAPA20180501'], false, 'the original itself'],
    ['2018MAPA2018059Z', ['2018MAPA2018059Y'], false, 'no numeric suffix'],
  ])('given %s and neighbours %j → flagged %s (%s)', (id, neighbours, flagged) => {
    expect(sequenceIdModificationFlag(id, neighbours)?.code === 'SEQUENCE_ID_MODIFICATION').toBe(flagged);
  });
});
