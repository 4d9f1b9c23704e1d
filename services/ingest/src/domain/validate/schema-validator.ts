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

let compiled: Map<string, ValidateFunction> | null = null;

/** Compiled once, on first use: the item definitions (marche / contrat-concession) of 2.0.3 and 1.5.0. */
function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  ajv.addSchema(asDraft07(schema2022, ID_2022));
  ajv.addSchema(asDraft07(schema2019, ID_2019));
  const get = (id: string, def: string): ValidateFunction => {
    const fn = ajv.getSchema(`${id}#/definitions/${def}`);
    if (!fn) throw new Error(`schema definition ${def} missing in ${id}`);
    return fn;
  };
  compiled = new Map([
    ['2022/marche', get(ID_2022, 'marche')],
    ['2022/concession', get(ID_2022, 'contrat-concession')],
    ['2019/marche', get(ID_2019, 'marche')],
    ['2019/concession', get(ID_2019, 'contrat-concession')],
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
