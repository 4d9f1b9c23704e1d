import Ajv from 'ajv';
import schema2022 from '../schemas/schema_decp_v2.0.3.json';
import { checkAgainstSchema } from '../validate/schema-validator';
import { normaliseRecord } from '../normalise/normalise-record';
import { contractOf, item2022, raw2019, raw2022, TODAY } from './fixture-helpers';

/** `n` distinct 2022 modifications, each with its own amount, duration, date and titulaire. */
function modifications(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1;
    const day = new Date(Date.UTC(2024, 3, 1) + i * 3_600_000).toISOString().slice(0, 10);
    return {
      modification: {
        id: i,
        montant: 125_000 + i,
        dureeMois: 12 + (i % 24),
        titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: String(38024392300000 + (i % 97)) } }],
        dateNotificationModification: day,
        datePublicationDonneesModification: day,
      },
    };
  });
}

/** ajv's own pairwise check, on the unchanged official schema: the reference the linear check must agree with. */
function referenceViolations(item: unknown): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
  const { $schema: _s, id: _id, ...schema } = schema2022 as Record<string, unknown>;
  ajv.addSchema({ ...schema, $id: 'urn:decp:reference' });
  const validate = ajv.getSchema('urn:decp:reference#/definitions/marche')!;
  validate(item);
  return [...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map((e) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`))]
    .map((v) => v.replace(/: must have required property '(.*)'$/, ': missing "$1"'));
}

describe('schema validation — duplicate array items', () => {
  it('reports duplicated modifications and titulaires with the indices ajv reports', () => {
    const mods = modifications(6);
    const item = item2022({ modifications: [...mods, structuredClone(mods[2]), structuredClone(mods[4])] });
    (item.titulaires as unknown[]).push(structuredClone((item.titulaires as unknown[])[0]));
    const check = checkAgainstSchema(item, '2022', 'marche');
    expect(check.valid).toBe(false);
    expect(check.violations).toEqual(referenceViolations(item));
    expect(check.violations).toContain('/modifications: must NOT have duplicate items (items ## 4 and 7 are identical)');
  });

  it('treats two modifications with the same fields in another key order as duplicates, and distinct ones as distinct', () => {
    const [a, b] = modifications(2);
    const reordered = { modification: Object.fromEntries(Object.entries(a.modification as Record<string, unknown>).reverse()) };
    expect(checkAgainstSchema(item2022({ modifications: [a, reordered] }), '2022', 'marche').valid).toBe(false);
    expect(checkAgainstSchema(item2022({ modifications: [a, b] }), '2022', 'marche').valid).toBe(true);
  });
});

describe('record size — cost linear in the number of modifications', () => {
  // Before: 2 k modifications took 10 s, 10 k 80 s (ajv's pairwise uniqueItems, then its O(errors²) error
  // concatenation across $ref calls on a 1.5.0 record whose every modification misses a field).
  it('normalises a 2022 record with 50 000 modifications in seconds, every version kept', () => {
    const started = Date.now();
    const outcome = normaliseRecord(raw2022(item2022({ modifications: modifications(50_000) })), { source: 'test', today: TODAY });
    const c = contractOf(outcome);
    expect(c.versions).toHaveLength(50_001);
    expect(c.montant).toBe(175_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('validates a 1.5.0 record whose 50 000 modifications all deviate in seconds, and counts every deviation', () => {
    const mods = modifications(50_000).map((m) => m.modification);
    const started = Date.now();
    const check = checkAgainstSchema({ ...(raw2019({}).value as object), modifications: mods }, '2019', 'marche');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(check.valid).toBe(false);
    expect(check.violations.length).toBeGreaterThanOrEqual(50_000);
  }, 60_000);
});
