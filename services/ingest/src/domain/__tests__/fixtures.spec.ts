import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ContractSchema, type Contract } from '@observatoire/contracts';
import { mergeContracts } from '../merge/merge-contracts';
import { codesOf, contractOf, fixture, outcomesOf } from './fixture-helpers';

function filesIn(dir: string): string[] {
  return readdirSync(fixture(dir)).filter((f) => /\.(json|xml)$/.test(f)).sort().map((f) => join(dir, f));
}

describe('official examples are all accepted, never quarantined', () => {
  const expected: Record<string, number> = {
    'examples/v1.5.0/exemples/json': 12, // 9 files: 1+1+1+1+1+1+2+2+2
    'examples/v1.5.0/exemples/xml': 14, // 8 files: 1+1+1+1+1+1+4+4
    'examples/v2.0.3/exemples/json': 10, // 2+2+2+4
    'examples/v2.0.3/exemples/xml': 6, // 2+2+2
  };
  it.each(Object.entries(expected))('reads %s into exactly %i valid contracts', async (dir, count) => {
    const outcomes = (await Promise.all(filesIn(dir).map((f) => outcomesOf(fixture(f))))).flat();
    expect(outcomes).toHaveLength(count);
    for (const o of outcomes) {
      expect(o.status).not.toBe('quarantined');
      ContractSchema.parse(contractOf(o));
      // The examples are schema-valid: no schema deviation may be reported on them.
      expect(codesOf(o)).not.toContain('SCHEMA_DEVIATION');
    }
  });

  it('folds the 2019 modifications of the official examples in publication order (JSON: 1, XML: 3)', async () => {
    const [json] = await outcomesOf(fixture('examples/v1.5.0/exemples/json/mar-avec-modifications.json'));
    const [xml] = await outcomesOf(fixture('examples/v1.5.0/exemples/xml/mar-avec-modifications.xml'));
    const pick = (c: Contract) => ({ montant: c.montant, dureeMois: c.dureeMois, titulaires: c.titulaires.map((t) => t.id), versions: c.versions.map((v) => v.seq) });
    expect(pick(contractOf(json))).toEqual({ montant: 127000, dureeMois: 24, titulaires: ['81223113200026', '87127639200012'], versions: [0, 1] });
    expect(pick(contractOf(xml))).toEqual({ montant: 127000, dureeMois: 30, titulaires: ['81223113200026', '87845484200015'], versions: [0, 1, 2, 3] });
  });
});

describe('the real Mégalis file', () => {
  it('gives 5 contracts, each accepted with a SCHEMA_DEVIATION flag (extra _type, empty lists)', async () => {
    const outcomes = await outcomesOf(fixture('real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json'));
    expect(outcomes.map((o) => o.status)).toEqual(['flagged', 'flagged', 'flagged', 'flagged', 'flagged']);
    for (const o of outcomes) {
      expect(codesOf(o)).toEqual(['SCHEMA_DEVIATION']);
      expect(contractOf(o).flags[0].message).toContain('extra field "_type"');
    }
  });
});

async function mergedByUid(path: string): Promise<{ rows: number; contracts: Map<string, Contract>; quarantined: number }> {
  const outcomes = await outcomesOf(fixture(path));
  const contracts = new Map<string, Contract>();
  let quarantined = 0;
  for (const o of outcomes) {
    if (o.status === 'quarantined') {
      quarantined++;
      continue;
    }
    const before = contracts.get(o.contract.uid);
    contracts.set(o.contract.uid, before ? mergeContracts(before, o.contract) : o.contract);
  }
  return { rows: outcomes.length, contracts, quarantined };
}

describe('the decp.info extract', () => {
  it('groups the 8,957 rows of the full file into exactly 5,180 contracts', async () => {
    const { rows, contracts, quarantined } = await mergedByUid('real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_filtered.csv');
    expect(rows).toBe(8957);
    expect(quarantined).toBe(0);
    expect(contracts.size).toBe(5180);
    for (const c of contracts.values()) ContractSchema.parse(c);
  }, 60_000);

  it('groups the 443 Breton rows into 324 contracts with their decp.info enrichment', async () => {
    const { rows, contracts } = await mergedByUid('real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_bretagne.csv');
    expect(rows).toBe(443);
    expect(contracts.size).toBe(324);
    const c = contracts.get('2129003930001920242023-32') as Contract;
    expect(c.enrichment?.origin).toBe('decp.info');
    expect(c.enrichment?.acheteur?.regionCode).toBe('53');
    expect(c.provenance).toHaveLength(24);
    expect(c.titulaires.length).toBeGreaterThan(0);
  });
});

describe('messy fixtures: every record accounted for', () => {
  const cases: Array<[string, Array<[string, string[]]>]> = [
    ['messy/decp-processing/decp_test_2019.json', [
      ['flagged', ['SCHEMA_DEVIATION', 'SUPPLIER_ID_INVALID']],
      ['flagged', ['CPV_REPAIRED', 'NC_VALUE', 'SCHEMA_DEVIATION', 'SUPPLIER_ID_INVALID', 'SUPPLIER_ID_NOT_SIRET']],
    ]],
    ['messy/decp-processing/decp_test_2022.json', [
      ['flagged', ['CPV_REPAIRED', 'NC_VALUE', 'SCHEMA_DEVIATION', 'SUPPLIER_ID_INVALID', 'SUPPLIER_ID_NOT_SIRET']],
      ['flagged', ['AMOUNT_UNUSABLE', 'DATE_INVALID', 'SCHEMA_DEVIATION', 'SUPPLIER_ID_INVALID']],
      ['flagged', ['CPV_REPAIRED', 'DATE_INVALID', 'SCHEMA_DEVIATION', 'SUPPLIER_ID_INVALID']],
      ['flagged', ['CPV_REPAIRED', 'SCHEMA_DEVIATION']],
      ['flagged', ['CPV_REPAIRED', 'SCHEMA_DEVIATION']],
    ]],
    ['messy/decp-processing/etablissements.json', [['quarantined', ['UNPARSEABLE_RECORD']]]],
    ['messy/decp-processing/unites_legales.json', [['quarantined', ['UNPARSEABLE_RECORD']]]],
    ['messy/decp-rama-ocds/001_marche_simple.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED']]]],
    ['messy/decp-rama-ocds/001b_duplicate_supplier.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED', 'SCHEMA_DEVIATION', 'SUPPLIER_DUPLICATED']]]],
    ['messy/decp-rama-ocds/002_modification_montant.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED']]]],
    ['messy/decp-rama-ocds/002a_modifification_sans_donnees_modifiees.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED']]]],
    ['messy/decp-rama-ocds/003_pas_de_num_sequence_dans_id.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED']]]],
    ['messy/decp-rama-ocds/005_marche_meme_siret_acheteur_titulaire.json', [['flagged', ['CPV_REPAIRED', 'DATE_REPAIRED', 'SUPPLIER_IS_BUYER']]]],
    ['messy/eclaireur-public/ci_raw_marches.json', [
      ['flagged', ['DURATION_REPAIRED', 'LEGACY_SPELLING_REPAIRED', 'SCHEMA_DEVIATION']],
      ['flagged', ['DURATION_REPAIRED', 'LEGACY_SPELLING_REPAIRED', 'SCHEMA_DEVIATION']],
      ['flagged', ['DURATION_REPAIRED', 'LEGACY_SPELLING_REPAIRED', 'SCHEMA_DEVIATION']],
    ]],
  ];
  it.each(cases)('%s gives the asserted outcome per record', async (path, expected) => {
    const outcomes = await outcomesOf(fixture(path));
    expect(outcomes.map((o) => [o.status, codesOf(o)])).toEqual(expected);
  });

  it('accepts the 20 overwritten records of eclaireur-public raw_v2 with flags, none quarantined', async () => {
    const outcomes = await outcomesOf(fixture('messy/eclaireur-public/raw_v2_mixed_test.json'));
    expect(outcomes).toHaveLength(20);
    expect(outcomes.every((o) => o.status === 'flagged')).toBe(true);
    // "test" in datePublicationDonnees: nulled and flagged on 18 records.
    expect(outcomes.filter((o) => codesOf(o).includes('DATE_INVALID'))).toHaveLength(18);
    expect(contractOf(outcomes[3]).id).toBe('026-2024');
  });

  it('applies decp-rama case 002 as a new total: 80,000 then 100,000, never 180,000', async () => {
    const [o] = await outcomesOf(fixture('messy/decp-rama-ocds/002_modification_montant.json'));
    const c = contractOf(o);
    expect([c.montantInitial, c.montant]).toEqual([80000, 100000]);
  });

  it('keeps the 1.0E17 initial amount of decp-processing 2020F00075 but folds to the last modification total', async () => {
    const outcomes = await outcomesOf(fixture('messy/decp-processing/decp_test_2022.json'));
    const c = contractOf(outcomes[1]);
    expect(c.montantInitial).toBe(1e17);
    expect(c.montant).toBe(22540);
    expect(c.montantUtilisable).toBe(true);
  });
});
