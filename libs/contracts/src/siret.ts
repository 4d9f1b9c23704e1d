/**
 * The identifier rules every service applies the same way (DOMAIN.md §3): SIRET = SIREN (9 digits)
 * + NIC (5 digits); the Luhn check runs on the SIREN only, which accepts La Poste's establishments.
 */

/** SIREN of La Poste: its SIRETs fail the 14-digit Luhn check and are valid by exception. */
export const LA_POSTE_SIREN = '356000000';

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A SIREN is 9 digits passing Luhn (La Poste accepted). */
export function isValidSiren(siren: string): boolean {
  return /^\d{9}$/.test(siren) && (luhnValid(siren) || siren === LA_POSTE_SIREN);
}

/** The consolidators' SIRET rule: exactly 14 digits, Luhn checked on the SIREN, La Poste accepted. */
export function isValidSiret(id: string): boolean {
  return /^\d{14}$/.test(id) && isValidSiren(id.slice(0, 9));
}
