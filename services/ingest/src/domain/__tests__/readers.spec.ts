import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { detectFormat } from '../detect/format-detector';
import { normaliseRecord } from '../normalise/normalise-record';
import { toFileError } from '../raw-record';
import { fixture, readFile, readText, TODAY } from './fixture-helpers';

describe('format detection from content', () => {
  it.each([
    ['{"marches": [ {"id": "1"} ]}', 'decp-2019-json'],
    ['\uFEFF  {"$schema": "x", "marches": {"marche": []}}', 'decp-2022-json'],
    ['{"marches":{"contrat-concession":[]}}', 'decp-2022-json'],
    ['<?xml version="1.0"?><marches><marche><id>1</id><titulaires><titulaire><denominationSociale>A</denominationSociale></titulaire></titulaires></marche></marches>', 'decp-2019-xml'],
    ['<marches><marche><id>1</id><considerationsSociales/><techniques/></marche></marches>', 'decp-2022-xml'],
    ['<?xml version="1.0" encoding="UTF-8"><marche><_type>Marché</_type></marche>', 'decp-2019-xml'],
    ['uid,id,type,codeCPV,acheteur_id,acheteur_nom,titulaire_id\n', 'decp-info-csv'],
    ['"uid";"id";"acheteur_id";"montant"\n', 'decp-info-csv'],
  ])('detects %j as %s', (head, format) => {
    const out = detectFormat(head);
    expect(out.ok && out.format).toBe(format);
  });

  it('detects the semicolon separator of a decp.info CSV', () => {
    const out = detectFormat('uid;id;acheteur_id;titulaire_id;montant\n1;2;3;4;5\n');
    expect(out.ok && out.csvDelimiter).toBe(';');
  });

  it('refuses a JSON file that is not DECP, naming the file and what it saw', () => {
    const out = detectFormat('{"siret": ["123"]}', 'etablissements.json');
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.message).toMatch(/etablissements\.json: unknown format.*siret/);
  });

  it('ignores the file extension: a 2022 JSON named .csv is read as JSON', async () => {
    const text = readFileSync(fixture('real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json'));
    const records = await readText(text, 'misnamed.csv');
    expect(records).toHaveLength(5);
    expect(records[0].format).toBe('decp-2022-json');
  });
});

describe('JSON reader', () => {
  it('reads gzip-compressed input transparently (magic 1f8b)', async () => {
    const text = readFileSync(fixture('examples/v2.0.3/exemples/json/marches_concessions.json'));
    const records = await readText(gzipSync(text), 'marches.json.gz');
    expect(records.map((r) => r.kind)).toEqual(['concession', 'concession', 'marche', 'marche']);
    expect(records.map((r) => r.position)).toEqual([1, 2, 3, 4]);
  });

  it('turns bare NaN tokens into null instead of failing the record', async () => {
    const records = await readText('{"marches": [{"id": "A1", "acheteur": {"id": "23350001600040"}, "objet": "x", "montant": NaN, "dureeMois": 3}]}');
    expect(records[0].problem).toBeNull();
    expect(records[0].value).toMatchObject({ montant: null, dureeMois: 3 });
  });

  it('keeps a record whose strings carry raw control characters', async () => {
    const records = await readText('{"marches": [{"id": "A1", "objet": "ligne\u0001 un\tdeux", "acheteur": {"id": "23350001600040"}}]}');
    expect(records[0].problem).toBeNull();
    expect((records[0].value as { objet: string }).objet).toBe('ligne\u0001 un\tdeux');
  });

  it('quarantines one broken item and goes on with the next ones', async () => {
    const records = await readText('{"marches": [{"id": "A1", "acheteur": {"id": "1"} "objet": "x"}, {"id": "A2"}]}');
    expect(records).toHaveLength(2);
    expect(records[0].problem?.code).toBe('UNPARSEABLE_RECORD');
    expect(records[0].rawText).toContain('"A1"');
    expect(records[1].value).toEqual({ id: 'A2' });
  });

  it('reports a syntax error in the envelope with its line and byte, keeping the records read before', async () => {
    const records = await readText('{"marches": [\n{"id": "A1"},\n{"id": "A2"}\n} garbage');
    expect(records.slice(0, 2).map((r) => r.value)).toEqual([{ id: 'A1' }, { id: 'A2' }]);
    const error = toFileError(records[2]);
    expect(error?.code).toBe('SYNTAX_ERROR');
    expect(error?.message).toMatch(/inline: .*line 4, byte 41/);
  });

  it('reports a truncated file as a file-level error record, not a crash', async () => {
    const records = await readText('{"marches": [{"id": "A1"}, {"id": "A2", "objet": "cut');
    expect(records[0].value).toEqual({ id: 'A1' });
    expect(records[1].problem).toMatchObject({ level: 'file', code: 'TRUNCATED' });
    expect(records[1].rawText).toContain('"A2"');
    const outcome = normaliseRecord(records[1], { source: 't', today: TODAY });
    expect(outcome.status).toBe('quarantined');
  });

  it('yields one UNKNOWN_FORMAT error record for a file that is not DECP', async () => {
    const records = await readFile(fixture('messy/decp-processing/unites_legales.json'));
    expect(records).toHaveLength(1);
    expect(records[0].problem).toMatchObject({ level: 'file', code: 'UNKNOWN_FORMAT' });
  });
});

describe('XML reader', () => {
  it('survives a broken XML declaration and a BOM', async () => {
    const records = await readText('\uFEFF<?xml version="1.0" encoding="UTF-8">\n<marches><marche><id>1</id><acheteur><id>23350001600040</id></acheteur><objet>x</objet></marche></marches>');
    expect(records).toHaveLength(1);
    expect(records[0].problem).toBeNull();
    expect(records[0].value).toMatchObject({ id: '1', acheteur: { id: '23350001600040' } });
  });

  it('emits an element with garbage text as one unparseable record and reads the next one', async () => {
    const records = await readText('<marches><marche>garbage<id>1</id><considerationsSociales/></marche><marche><id>2</id><techniques/></marche></marches>');
    expect(records).toHaveLength(2);
    expect(records[0].problem?.code).toBe('UNPARSEABLE_RECORD');
    expect(records[0].rawText).toContain('garbage');
    expect(records[1].value).toMatchObject({ id: '2' });
  });

  it('strips control characters XML 1.0 forbids', async () => {
    const records = await readText('<marches><marche><id>1\u0002</id><techniques/></marche></marches>');
    expect(records[0].value).toMatchObject({ id: '1' });
  });

  it('reads an empty <modification/> item as no modification (AIFE / PES exports), not as a null item', async () => {
    const records = await readText('<marches><marche><id>1</id><acheteur><id>23350001600040</id></acheteur><objet>x</objet><modifications><modification/></modifications></marche></marches>');
    expect(records[0].value).toMatchObject({ id: '1', modifications: [] });
    const outcome = normaliseRecord(records[0], { source: 'test', today: TODAY });
    expect(outcome.status).not.toBe('quarantined');
    if (outcome.status !== 'quarantined') expect(outcome.contract.flags.map((f) => f.field)).not.toContain('modifications[0]');
  });

  it('splits several 2019 modifications written in one <modification> element into as many versions, flagged', async () => {
    const records = await readText(
      '<marches><marche><id>1</id><acheteur><id>23350001600040</id></acheteur><objet>x</objet><montant>80000</montant><dateNotification>2021-01-10</dateNotification>' +
        '<modifications><modification>' +
        '<dateNotificationModification>2021-09-22+02:00</dateNotificationModification><dureeMois>36</dureeMois><montant>86000</montant><objetModification>tranche 1</objetModification>' +
        '<dateNotificationModification>2021-03-24+01:00</dateNotificationModification><dureeMois>36</dureeMois><montant>85400</montant><objetModification>tranche 3</objetModification>' +
        '</modification></modifications></marche></marches>',
    );
    const outcome = normaliseRecord(records[0], { source: 'test', today: TODAY });
    if (outcome.status === 'quarantined') throw new Error('quarantined');
    expect(outcome.contract.versions.map((v) => [v.seq, v.montant, v.objetModification ?? null])).toEqual([[0, 80000, null], [1, 86000, 'tranche 1'], [2, 85400, 'tranche 3']]);
    expect(outcome.contract.flags).toContainEqual(expect.objectContaining({ code: 'SCHEMA_DEVIATION', field: 'modifications[0]', message: expect.stringMatching(/2 modifications written in one element/) }));
    expect(outcome.contract.flags.map((f) => f.code)).not.toContain('DATE_INVALID');
  });

  it('converts 2022 XML to the 2022 JSON shape (wrapped lists, oui/non booleans, numbers)', async () => {
    const records = await readFile(fixture('examples/v2.0.3/exemples/xml/Marche.xml'));
    expect(records[0].value).toMatchObject({
      marcheInnovant: true,
      montant: 575000,
      titulaires: [{ titulaire: { id: '55204599900869', typeIdentifiant: 'SIRET' } }],
      techniques: { technique: ['Concours', 'Accord-cadre'] },
    });
  });
});

describe('CSV reader', () => {
  it('emits a row with the wrong number of cells as unparseable, naming the row', async () => {
    const records = await readText('uid,id,acheteur_id,titulaire_id,montant\nA1,1,23350001600040,38024392300089,10\nA2,2,oops\nA3,3,23350001600040,38024392300089,30\n');
    expect(records.map((r) => r.position)).toEqual([1, 2, 3]);
    expect(records[1].problem?.message).toMatch(/CSV row 2 has 3 cells, the header has 5/);
    expect(records[2].value).toMatchObject({ id: '3', montant: '30' });
  });

  it('reads a semicolon-separated decp.info file', async () => {
    const records = await readText('uid;id;acheteur_id;titulaire_id;montant\nA1;1;23350001600040;38024392300089;10,5\n');
    expect(records[0].value).toMatchObject({ id: '1', montant: '10,5' });
  });
});
