import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { ContractKind } from '@observatoire/contracts';
import schema2022 from '../schemas/schema_decp_v2.0.3.json';
import schema2019 from '../schemas/marches_v1.5.0.json';

export type SchemaGeneration = '2019' | '2022';

const ID_2022 = 'urn:decp:schema:2.0.3';
const ID_2019 = 'urn:decp:schema:1.5.0';
export const MAX_LISTED_PATHS = 5;

/** 1.5.0 is draft-04 (`id`); ajv 8 reads draft-07: only the id keyword differs in this schema. */
function asDraft07(schema: object, id: string): object {
  const copy: Record<string, unknown> = { ...(schema as Record<string, unknown>) };
  delete copy.id;
  delete copy.$schema;
  copy.$id = id;
  return copy;
}

/** JSON text with sorted object keys: two parsed JSON values are deep-equal (ajv's notion) iff their keys are equal. */
function equalityKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(equalityKey).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${equalityKey(o[k])}`)
    .join(',')}}`;
}

const LINEAR_UNIQUE = 'uniqueItemsLinear';

/**
 * ajv checks `uniqueItems` on arrays of objects by comparing every pair (O(n²) deep-equals): a record with
 * 50 k modifications took minutes. This keyword gives the same verdict and the same error (keyword
 * `uniqueItems`, the largest duplicated index i and the last index j < i equal to it, as ajv reports them)
 * in one pass over equality keys.
 */
function uniqueItemsLinear(this: unknown, schema: boolean, data: unknown[]): boolean {
  const self = uniqueItemsLinear as unknown as { errors?: Partial<ErrorObject>[] | null };
  self.errors = null;
  if (!schema || data.length < 2) return true;
  const last = new Map<string, number>();
  let found: { i: number; j: number } | null = null;
  for (let i = 0; i < data.length; i++) {
    const key = equalityKey(data[i]);
    const j = last.get(key);
    if (j !== undefined) found = { i, j };
    last.set(key, i);
  }
  if (!found) return true;
  self.errors = [{ keyword: 'uniqueItems', message: `must NOT have duplicate items (items ## ${found.j} and ${found.i} are identical)`, params: found }];
  return false;
}

/**
 * A copy of a schema where every `uniqueItems` that ajv would check pairwise (items not declared as
 * scalars) is the linear keyword instead; ajv's own check of scalar items is already linear and kept.
 */
function withLinearUniqueItems(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withLinearUniqueItems);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = withLinearUniqueItems(v);
  if (out.uniqueItems === true) {
    const items = out.items as { type?: unknown } | undefined;
    const types = items && typeof items === 'object' && !Array.isArray(items) ? ([] as unknown[]).concat(items.type ?? []) : [];
    const scalarOnly = types.length > 0 && !types.some((t) => t === 'object' || t === 'array');
    if (!scalarOnly) {
      delete out.uniqueItems;
      out[LINEAR_UNIQUE] = true;
    }
  }
  return out;
}

/**
 * An item definition with every local `$ref` replaced by its target (the DECP schemas are not recursive; their
 * `$ref` siblings are annotations), nested `definitions` dropped. ajv validates a `$ref` it does not inline by
 * calling another function and concatenating its errors to all the errors so far: O(errors²) on a record whose
 * 50 k modifications each miss a field. One function without calls keeps it linear.
 */
function inlineRefs(node: unknown, root: unknown, resolving: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((n) => inlineRefs(n, root, resolving));
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.$ref === 'string') {
    const ref = o.$ref;
    if (!ref.startsWith('#/')) throw new Error(`schema: non-local $ref ${ref}`);
    if (resolving.includes(ref)) throw new Error(`schema: recursive $ref ${ref}`);
    const target = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, part) => (at as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], root);
    if (target === undefined) throw new Error(`schema: $ref ${ref} not found`);
    return inlineRefs(target, root, [...resolving, ref]);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (k !== 'definitions') out[k] = inlineRefs(v, root, resolving);
  return out;
}

let compiled: Map<string, ValidateFunction> | null = null;

/** Compiled once, on first use: the item definitions (marche / contrat-concession) of 2.0.3 and 1.5.0, self-contained. */
function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  ajv.addKeyword({ keyword: LINEAR_UNIQUE, type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItemsLinear });
  const get = (schema: object, id: string, def: string): ValidateFunction => {
    const root = asDraft07(schema, id) as { definitions?: Record<string, unknown> };
    const item = root.definitions?.[def];
    if (!item) throw new Error(`schema definition ${def} missing in ${id}`);
    return ajv.compile(withLinearUniqueItems(inlineRefs(item, root)) as object);
  };
  compiled = new Map([
    ['2022/marche', get(schema2022, ID_2022, 'marche')],
    ['2022/concession', get(schema2022, ID_2022, 'contrat-concession')],
    ['2019/marche', get(schema2019, ID_2019, 'marche')],
    ['2019/concession', get(schema2019, ID_2019, 'contrat-concession')],
  ]);
  return compiled;
}

function describeError(e: ErrorObject): string {
  const path = e.instancePath || '/';
  if (e.keyword === 'additionalProperties') return `${path}: extra field "${String(e.params.additionalProperty)}"`;
  if (e.keyword === 'required') return `${path}: missing "${String(e.params.missingProperty)}"`;
  if (e.keyword === 'enum') return `${path}: value not in the list`;
  return `${path}: ${e.message ?? e.keyword}`;
}

export interface SchemaCheck {
  readonly valid: boolean;
  /** Distinct violations, in schema order. */
  readonly violations: string[];
}

/** Validates one item against the official item definition of its format generation. */
export function checkAgainstSchema(value: unknown, generation: SchemaGeneration, kind: ContractKind): SchemaCheck {
  const validate = validators().get(`${generation}/${kind}`) as ValidateFunction;
  if (validate(value)) return { valid: true, violations: [] };
  const violations = [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map(describeError))];
  return { valid: false, violations };
}

export function schemaVersionOf(generation: SchemaGeneration): string {
  return generation === '2022' ? '2.0.3' : '1.5.0';
}
