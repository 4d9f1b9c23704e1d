import { purchaseTypeOf } from '@observatoire/contracts';

export type CpvOutcome =
  | { readonly status: 'absent'; readonly code: null }
  | { readonly status: 'ok'; readonly code: string }
  | { readonly status: 'repaired'; readonly code: string; readonly repair: string }
  | { readonly status: 'invalid'; readonly code: null };

/**
 * CPV normalised to its 8 digits:
 *  - `45210000-2` / `452100002` → `45210000` (the check digit is dropped, as decp-processing does with split("-"));
 *  - 7 digits (`3000000`, a code that lost its leading zero in an integer column) → `03000000`;
 *    decp-processing does not pad; we do because no real CPV has 7 digits and integer casting is the
 *    only known cause (CPV division 03 = agricultural products);
 *  - anything else, or a code whose division is no CPV division, is invalid (null).
 */
export function normaliseCpv(raw: unknown): CpvOutcome {
  if (raw === null || raw === undefined) return { status: 'absent', code: null };
  const text = (typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw : '').trim().replace(/\s+/g, '');
  if (text === '') return { status: 'absent', code: null };
  const m = text.match(/^(\d{7,8})(?:-?(\d))?$/);
  if (!m) return { status: 'invalid', code: null };
  // Greedy: 9 digits read as 8 + check digit; "-d" is always a check digit.
  let digits = m[1];
  const check = m[2];
  const repairs: string[] = [];
  if (check !== undefined) repairs.push('check digit removed');
  if (digits.length === 7) {
    digits = `0${digits}`;
    repairs.push('leading zero restored');
  }
  if (purchaseTypeOf(digits) === null) return { status: 'invalid', code: null };
  return repairs.length ? { status: 'repaired', code: digits, repair: repairs.join(', ') } : { status: 'ok', code: digits };
}
