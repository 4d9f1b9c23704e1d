import fc from 'fast-check';
import { normaliseCpv } from '../normalise/cpv';
import { parseDecpDate } from '../normalise/dates';
import { amountUnusableReason } from '../normalise/amounts';
import { isValidSiret, luhnValid } from '../normalise/siret';

const TODAY = '2026-11-28';

function withLuhn(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error('unreachable');
}

describe('SIRET rule', () => {
  it.each([
    ['38024392300089', true, 'a SIRET whose SIREN passes Luhn'],
    ['35600000000048', true, 'a La Poste SIRET (SIREN 356000000) even though the 14 digits fail Luhn'],
    ['12345678900022', false, 'a SIREN failing Luhn'],
    ['380243923', false, 'a 9-digit SIREN'],
    ['00001', false, 'a short placeholder'],
    [' 38024392300089', false, 'an id with a leading space (repaired before the check)'],
    ['DE814864138', false, 'a VAT number'],
  ])('given %s, it answers %s (%s)', (id, expected) => {
    expect(isValidSiret(id)).toBe(expected);
  });

  it('accepts any 14 digits whose SIREN carries a valid Luhn digit, whatever the NIC', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), fc.stringMatching(/^\d{5}$/), (sirenPrefix, nic) => {
        expect(isValidSiret(`${withLuhn(sirenPrefix)}${nic}`)).toBe(true);
      }),
    );
  });

  it('rejects a SIRET whose SIREN has one digit changed (Luhn catches single-digit errors)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (prefix, pos, delta) => {
        const siren = withLuhn(prefix);
        fc.pre(siren !== '356000000');
        const changed = `${siren.slice(0, pos)}${(Number(siren[pos]) + delta) % 10}${siren.slice(pos + 1)}`;
        fc.pre(changed !== '356000000');
        expect(isValidSiret(`${changed}00012`)).toBe(false);
      }),
    );
  });
});

describe('CPV normalisation', () => {
  it.each([
    ['45210000', '45210000', 'ok'],
    ['45210000-2', '45210000', 'repaired'],
    ['452100002', '45210000', 'repaired'],
    ['3000000', '03000000', 'repaired'],
    [' 71000000 ', '71000000', 'ok'],
    ['ABC', null, 'invalid'],
    ['99000000', null, 'invalid'],
    ['', null, 'absent'],
  ])('given %j it yields %j (%s)', (raw, code, status) => {
    const out = normaliseCpv(raw);
    expect(out.code).toBe(code);
    expect(out.status).toBe(status);
  });

  it('always yields 8 digits or null, and is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.stringMatching(/^\d{7,8}(-\d)?$/), fc.string()), (raw) => {
        const out = normaliseCpv(raw);
        if (out.code !== null) {
          expect(out.code).toMatch(/^\d{8}$/);
          expect(normaliseCpv(out.code)).toEqual({ status: 'ok', code: out.code });
        }
      }),
    );
  });
});

describe('DECP dates', () => {
  it.each([
    ['2024-05-15', '2024-05-15', 'ok'],
    ['2018-07-10+02:00', '2018-07-10', 'repaired'],
    ['2021-09-16T00:00:00Z', '2021-09-16', 'repaired'],
    ['September, 16 2021 00:00:00', '2021-09-16', 'repaired'],
    ['16/09/2021', '2021-09-16', 'repaired'],
    ['0222-04-29', null, 'invalid'],
    ['5021-02-18', null, 'invalid'],
    ['2007-08-13', null, 'invalid'],
    ['2027-01-01', null, 'invalid'],
    ['2024-02-30', null, 'invalid'],
    ['test', null, 'invalid'],
    ['', null, 'absent'],
  ])('given %j it yields %j (%s)', (raw, date, status) => {
    const out = parseDecpDate(raw, TODAY);
    expect(out.date).toBe(date);
    expect(out.status).toBe(status);
  });

  it('never returns a date outside 2010..today, and returns every valid ISO day in range unchanged', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2060-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        const out = parseDecpDate(iso, TODAY);
        if (iso >= '2010-01-01' && iso <= TODAY) expect(out).toEqual({ status: 'ok', date: iso });
        else expect(out.date).toBeNull();
      }),
    );
  });
});

describe('amount usability', () => {
  it.each([
    [1e17, 'above 3 bn EUR'],
    [999999999, 'placeholder'],
    [123456789.5, 'placeholder pattern 123456789'],
    [111111, 'one digit repeated'],
    [0.5, 'below 1 EUR'],
  ])('flags %s as unusable (%s)', (amount, reason) => {
    expect(amountUnusableReason(amount)).toContain(reason.split(' ')[0]);
  });

  it.each([1000000, 125000, 1, 2999999999])('keeps %s usable (round amounts are legitimate)', (amount) => {
    expect(amountUnusableReason(amount)).toBeNull();
  });
});
