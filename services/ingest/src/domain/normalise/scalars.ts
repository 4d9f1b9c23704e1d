import type { QualityFlagCode } from '@observatoire/contracts';
import type { FlagSink } from './flag-sink';

const NC = /^n\.?\s?c\.?$/i;

export function isNc(value: unknown): boolean {
  return typeof value === 'string' && NC.test(value.trim());
}

/** Trimmed string, empty → null, "NC" → null + NC_VALUE. Numbers are turned into their text. */
export function readText(value: unknown, field: string, flags: FlagSink): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value !== 'string') {
    flags.add('SCHEMA_DEVIATION', field, `${field}: expected a text, found ${Array.isArray(value) ? 'a list' : typeof value}; ignored`, value);
    return null;
  }
  const text = value.trim();
  if (text === '') return null;
  if (isNc(text)) {
    flags.add('NC_VALUE', field, `${field}: "NC" (not communicated) replaced by null`, value);
    return null;
  }
  return text;
}

export interface NumberRules {
  /** Code used when a number had to be read from a string (AMOUNT_REPAIRED, DURATION_REPAIRED…). */
  readonly repairedCode: QualityFlagCode | null;
}

/**
 * A number from a number or a numeric string ("48", "12 500,50"); "NC" → null + NC_VALUE.
 * Anything else → null, flagged SCHEMA_DEVIATION naming the field.
 */
export function readNumber(value: unknown, field: string, flags: FlagSink, rules: NumberRules = { repairedCode: null }): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') {
    flags.add('SCHEMA_DEVIATION', field, `${field}: expected a number, found ${typeof value}; set to null`, value);
    return null;
  }
  const text = value.trim();
  if (text === '') return null;
  if (isNc(text)) {
    flags.add('NC_VALUE', field, `${field}: "NC" (not communicated) replaced by null`, value);
    return null;
  }
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const normalised = /^-?\d+,\d+$/.test(compact) ? compact.replace(',', '.') : compact;
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(normalised)) {
    flags.add('SCHEMA_DEVIATION', field, `${field}: "${text.slice(0, 40)}" is not a number; set to null`, value);
    return null;
  }
  const n = Number(normalised);
  if (rules.repairedCode) flags.add(rules.repairedCode, field, `${field}: number read from the text "${text.slice(0, 40)}"`, value);
  return n;
}

/** Booleans: true/false, "oui"/"non", "true"/"false", "1"/"0", 1/0; "NC" → null + NC_VALUE. */
export function readBoolean(value: unknown, field: string, flags: FlagSink): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const t = value.trim().toLowerCase();
    if (t === '') return null;
    if (t === 'oui' || t === 'true' || t === '1' || t === 'vrai') return true;
    if (t === 'non' || t === 'false' || t === '0' || t === 'faux') return false;
    if (isNc(t)) {
      flags.add('NC_VALUE', field, `${field}: "NC" (not communicated) replaced by null`, value);
      return null;
    }
  }
  flags.add('SCHEMA_DEVIATION', field, `${field}: ${JSON.stringify(value)} is not a boolean; set to null`, value);
  return null;
}
