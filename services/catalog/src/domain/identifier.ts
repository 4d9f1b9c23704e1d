/**
 * Classifies an organisation identifier as published in a contract (DOMAIN.md §2–§4).
 * SIRET = SIREN (9 digits) + NIC (5 digits); the Luhn check runs on the SIREN only,
 * which also accepts La Poste's establishments (their 14-digit SIRETs fail a 14-digit Luhn).
 */
export type IdentifierKind = 'SIRET' | 'SIREN' | 'FOREIGN' | 'INVALID';

export interface ClassifiedIdentifier {
  kind: IdentifierKind;
  /** The identifier as used in contracts (trimmed, inner spaces removed). */
  id: string;
  siret: string | null;
  siren: string | null;
  /** Why the identifier is FOREIGN or INVALID; null for SIRET/SIREN. */
  reason: string | null;
}

/** typeIdentifiant values that name an identifier outside SIRENE. */
const OUTSIDE_SIRENE_TYPES = new Set(['HORS_UE', 'HORS-UE', 'UE', 'TVA', 'TVA_INTRACOMMUNAUTAIRE', 'TAHITI', 'RIDET', 'FRWF', 'ONU', 'IREP']);

import { isValidSiren, luhnValid } from '@observatoire/contracts';

export { luhnValid };

function normaliseType(typeIdentifiant: string | null): string | null {
  if (!typeIdentifiant) return null;
  return typeIdentifiant.trim().toUpperCase().replace(/[\s-]+/g, '_').replace(/^TVA_.*/, 'TVA');
}

export function classifyIdentifier(rawId: string, typeIdentifiant: string | null): ClassifiedIdentifier {
  const id = rawId.trim().replace(/[\s.]/g, '');
  const type = normaliseType(typeIdentifiant);
  const invalid = (reason: string): ClassifiedIdentifier => ({ kind: 'INVALID', id, siret: null, siren: null, reason });
  const foreign = (reason: string): ClassifiedIdentifier => ({ kind: 'FOREIGN', id, siret: null, siren: null, reason });

  if (id === '') return invalid('empty identifier');
  // A French VAT number embeds the SIREN: FR + 2 check characters + SIREN.
  const frVat = /^FR[0-9A-Z]{2}(\d{9})$/.exec(id.toUpperCase());
  if (frVat) {
    return isValidSiren(frVat[1])
      ? { kind: 'SIREN', id, siret: null, siren: frVat[1], reason: null }
      : invalid('French VAT number whose SIREN fails the Luhn check');
  }
  if (/^\d+$/.test(id)) {
    if (type && OUTSIDE_SIRENE_TYPES.has(type) && type !== 'TVA') return foreign(`identifier of type ${type}, outside SIRENE`);
    if (id.length === 14) {
      return isValidSiren(id.slice(0, 9))
        ? { kind: 'SIRET', id, siret: id, siren: id.slice(0, 9), reason: null }
        : invalid('14 digits but the SIREN part fails the Luhn check');
    }
    if (id.length === 9) {
      return isValidSiren(id) ? { kind: 'SIREN', id, siret: null, siren: id, reason: null } : invalid('9 digits but the Luhn check fails');
    }
    return invalid(`${id.length} digits: neither a SIRET (14) nor a SIREN (9)`);
  }
  if (/^[A-Z]{2}[0-9A-Z+*]{2,13}$/i.test(id)) return foreign(`VAT-like identifier of country ${id.slice(0, 2).toUpperCase()}`);
  if (type && OUTSIDE_SIRENE_TYPES.has(type)) return foreign(`identifier of type ${type}, outside SIRENE`);
  return invalid('not a SIRET, SIREN or recognisable foreign identifier');
}
