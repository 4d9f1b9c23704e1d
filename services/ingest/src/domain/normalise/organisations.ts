import type { OrganisationRef } from '@observatoire/contracts';
import { canonicalEnum } from './enums';
import type { FlagSink } from './flag-sink';
import { isObject } from './shapes';
import { isValidSiret } from './siret';

const FOREIGN_TYPES = new Set(['TVA', 'TAHITI', 'RIDET', 'FRWF', 'IREP', 'UE', 'HORS-UE']);

/** Identifier as published: trimmed; spaces, dots and dashes inside a digit string removed (SUPPLIER_ID_REPAIRED). */
export function cleanIdentifier(raw: unknown, field: string, flags: FlagSink | null): string | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const text = String(raw);
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const compact = /^[\d\s.\-\u00a0]+$/.test(trimmed) ? trimmed.replace(/[\s.\-\u00a0]/g, '') : trimmed;
  if (compact !== text && flags) flags.add('SUPPLIER_ID_REPAIRED', field, `${field}: identifier "${text}" read as "${compact}"`, text);
  return compact;
}

/**
 * One titulaire / concessionnaire / sous-traitant. Never dropped for a bad id: flagged
 * SUPPLIER_ID_INVALID (claims to be a SIRET and is not) or SUPPLIER_ID_NOT_SIRET (SIREN, VAT, foreign).
 */
export function readSupplier(item: unknown, field: string, flags: FlagSink): OrganisationRef | null {
  if (!isObject(item)) {
    flags.add('SCHEMA_DEVIATION', field, `${field}: ${JSON.stringify(item)} is not a titulaire object; dropped`, item);
    return null;
  }
  const id = cleanIdentifier(item.id, `${field}.id`, flags);
  if (!id) {
    flags.add('SCHEMA_DEVIATION', `${field}.id`, `${field}: titulaire without id; dropped`, item);
    return null;
  }
  const rawType = typeof item.typeIdentifiant === 'string' && item.typeIdentifiant.trim() !== '' ? item.typeIdentifiant : null;
  const typeIdentifiant = rawType ? canonicalEnum('typeIdentifiant', rawType, `${field}.typeIdentifiant`, flags) : null;
  const siretValide = isValidSiret(id);
  checkSupplierId(id, typeIdentifiant, siretValide, `${field}.id`, flags);
  const name = typeof item.denominationSociale === 'string' && item.denominationSociale.trim() !== '' ? item.denominationSociale.trim() : null;
  return { id, typeIdentifiant: typeIdentifiant ?? (siretValide ? 'SIRET' : null), denominationSociale: name, siretValide };
}

function checkSupplierId(id: string, type: string | null, valid: boolean, field: string, flags: FlagSink): void {
  if (valid) return;
  if (type && FOREIGN_TYPES.has(type)) {
    flags.add('SUPPLIER_ID_NOT_SIRET', field, `${field}: "${id}" is a ${type} identifier, not a SIRET (resolved as unknown)`, id);
  } else if (/^\d{9}$/.test(id)) {
    flags.add('SUPPLIER_ID_NOT_SIRET', field, `${field}: "${id}" is a SIREN (9 digits), not a SIRET`, id);
  } else if (/^\d{14}$/.test(id)) {
    flags.add('SUPPLIER_ID_INVALID', field, `${field}: "${id}" fails the SIRET checksum (Luhn on the SIREN)`, id);
  } else {
    flags.add('SUPPLIER_ID_INVALID', field, `${field}: "${id}" is not a SIRET (14 digits expected)`, id);
  }
}

/** A list of suppliers: unreadable items dropped, duplicates (same id) removed with SUPPLIER_DUPLICATED. */
export function readSuppliers(items: unknown[], field: string, buyerId: string, flags: FlagSink): OrganisationRef[] {
  const out: OrganisationRef[] = [];
  items.forEach((item, i) => {
    const ref = readSupplier(item, `${field}[${i}]`, flags);
    if (!ref) return;
    if (out.some((o) => o.id === ref.id)) {
      flags.add('SUPPLIER_DUPLICATED', field, `${field}: titulaire ${ref.id} listed twice; kept once`, ref.id);
      return;
    }
    if (ref.id === buyerId) flags.add('SUPPLIER_IS_BUYER', field, `${field}: titulaire ${ref.id} is the buyer itself`, ref.id);
    out.push(ref);
  });
  return out;
}
