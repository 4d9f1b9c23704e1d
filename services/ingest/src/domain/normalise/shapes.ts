import type { FlagSink } from './flag-sink';

export type Obj = Record<string, unknown>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Items of a DECP list in any of the shapes met in real files:
 * `[a, b]`, `[{"titulaire": a}]` (2022), `{"titulaire": [a, b]}`, `{"modification": a}`, a single object,
 * lists of lists (`[[a]]`, `[[[[a, b]]]]`). Flags SCHEMA_DEVIATION (naming the field) when the shape is
 * not the one the format prescribes.
 */
export function unwrapList(value: unknown, itemKey: string, field: string, flags: FlagSink, expectWrapped: boolean): unknown[] {
  if (value === null || value === undefined) return [];
  const notes = new Set<string>();
  const items = collect(value, itemKey, notes, 0);
  if (Array.isArray(value)) {
    const wrapped = value.some((v) => isObject(v) && itemKey in v && Object.keys(v).length === 1);
    const plain = value.some((v) => isObject(v) && !(itemKey in v && Object.keys(v).length === 1));
    if (expectWrapped && plain) notes.add(`items not wrapped in {"${itemKey}": …}`);
    if (!expectWrapped && wrapped) notes.add(`items wrapped in {"${itemKey}": …}`);
  } else if (isObject(value)) {
    notes.add(itemKey in value ? `an object {"${itemKey}": …} instead of a list` : 'a single object instead of a list');
  } else {
    notes.add('not a list');
  }
  if (notes.size) flags.add('SCHEMA_DEVIATION', field, `${field}: ${[...notes].join('; ')} (read anyway)`);
  return items;
}

function collect(value: unknown, itemKey: string, notes: Set<string>, depth: number): unknown[] {
  if (depth > 8) return [];
  if (Array.isArray(value)) {
    return value.flatMap((v) => {
      if (Array.isArray(v)) {
        notes.add('nested lists flattened');
        return collect(v, itemKey, notes, depth + 1);
      }
      if (isObject(v) && itemKey in v && Object.keys(v).length === 1) return collect(v[itemKey], itemKey, notes, depth + 1);
      return [v];
    });
  }
  if (isObject(value) && itemKey in value && Object.keys(value).length === 1) return collect(value[itemKey], itemKey, notes, depth + 1);
  if (value === null || value === undefined) return [];
  return [value];
}

/**
 * Values of a multi-valued enum: `{"technique": [..]}` (2022 JSON), `{"technique": "x"}`, a plain list,
 * or a comma-separated string (decp.info CSV).
 */
export function readStringList(value: unknown, itemKey: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value.split(/\s*[,;|]\s*/).map((s) => s.trim()).filter((s) => s !== '');
  if (Array.isArray(value)) return value.flatMap((v) => readStringList(v, itemKey));
  if (isObject(value) && itemKey in value) return readStringList(value[itemKey], itemKey);
  return [];
}

/** Reads `a.b` from an object, also accepting the flat key `"a.b"`. */
export function pick(obj: Obj, parent: string, child: string): { value: unknown; flat: boolean } {
  const nested = obj[parent];
  if (isObject(nested) && nested[child] !== undefined) return { value: nested[child], flat: false };
  const flatKey = `${parent}.${child}`;
  if (obj[flatKey] !== undefined) return { value: obj[flatKey], flat: true };
  if (typeof nested === 'string' || typeof nested === 'number') return { value: nested, flat: true };
  return { value: undefined, flat: false };
}
