import { ContractSchema } from '@observatoire/contracts';
import { normaliseRecord } from '../normalise/normalise-record';
import type { RawRecord } from '../raw-record';
import { codesOf, contractOf, item2022, raw2019, raw2022, TODAY } from './fixture-helpers';

const normalise = (raw: RawRecord) => normaliseRecord(raw, { source: 'test', today: TODAY });

describe('normaliseRecord — given a clean 2022 record', () => {
  it('accepts it without flags, with uid = acheteur.id + id and one initial version', () => {
    const outcome = normalise(raw2022(item2022()));
    expect(outcome.status).toBe('accepted');
    const c = contractOf(outcome);
    expect(ContractSchema.parse(c)).toBeTruthy();
    expect(c.uid).toBe('233500016000402024-001');
    expect(c.purchaseType).toBe('travaux');
    expect(c.versions).toEqual([expect.objectContaining({ seq: 0, kind: 'initial', montant: 125000, dureeMois: 12 })]);
    expect(c.provenance).toEqual([{ source: 'test', file: 'given.json', position: 1, format: 'decp-2022-json', schemaVersion: '2.0.3' }]);
  });
});

describe('normaliseRecord — traps flagged, contract kept', () => {
  it.each([
    ['flags a 1.0E17 amount as unusable and keeps the contract', { montant: 1e17 }, 'AMOUNT_UNUSABLE', 'montant'],
    ['flags 999999999 as unusable', { montant: 999999999 }, 'AMOUNT_UNUSABLE', 'montant'],
    ['replaces "NC" in dureeMois by null', { dureeMois: 'NC' }, 'NC_VALUE', 'dureeMois'],
    ['reads a duration given as text', { dureeMois: '48' }, 'DURATION_REPAIRED', 'dureeMois'],
    ['flags a duration outside 1–180', { dureeMois: 240 }, 'DURATION_OUT_OF_RANGE', 'dureeMois'],
    ['reads an amount given as text with a comma', { montant: '12 500,50' }, 'AMOUNT_REPAIRED', 'montant'],
    ['nulls a 0222-04-29 notification date', { dateNotification: '0222-04-29' }, 'DATE_INVALID', 'dateNotification'],
    ['repairs a timezone suffix', { dateNotification: '2024-03-01+02:00' }, 'DATE_REPAIRED', 'dateNotification'],
    ['flags a publication before notification', { datePublicationDonnees: '2024-02-01' }, 'PUBLICATION_BEFORE_NOTIFICATION', 'datePublicationDonnees'],
    ['strips a CPV check digit', { codeCPV: '45233140-2' }, 'CPV_REPAIRED', 'codeCPV'],
    ['nulls a CPV that is not one', { codeCPV: 'XX' }, 'CPV_INVALID', 'codeCPV'],
    ['maps a legacy 1.4 procedure name', { procedure: 'Procédure concurrentielle avec négociation' }, 'LEGACY_SPELLING_REPAIRED', 'procedure'],
    ['repairs a straight apostrophe in the CCAG', { ccag: "Maitrise d'oeuvre" }, 'LEGACY_SPELLING_REPAIRED', 'ccag'],
    ['keeps an unknown enum value as published', { procedure: 'Procédure inventée' }, 'ENUM_UNKNOWN', 'procedure'],
    ['flags "Pas de considération sociale" combined with a clause', { considerationsSociales: { considerationSociale: ['Pas de considération sociale', 'Clause sociale'] } }, 'CONSIDERATION_CONTRADICTORY', 'considerationsSociales'],
    ['flags an extra _type field (strict 2.0.3)', { _type: 'Marché' }, 'SCHEMA_DEVIATION', null],
    ['flags a titulaire id failing the SIRET checksum', { titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: '12345678900022' } }] }, 'SUPPLIER_ID_INVALID', 'titulaires[0].id'],
    ['flags a VAT titulaire as not a SIRET', { titulaires: [{ titulaire: { typeIdentifiant: 'TVA-intracommunautaire', id: 'DE814864138' } }] }, 'SUPPLIER_ID_NOT_SIRET', 'titulaires[0].id'],
    ['repairs leading spaces in a titulaire id', { titulaires: [{ titulaire: { typeIdentifiant: 'SIRET', id: ' 38024392300089' } }] }, 'SUPPLIER_ID_REPAIRED', 'titulaires[0].id'],
    ['flags a titulaire listed twice', { titulaires: [{ titulaire: { id: '38024392300089' } }, { titulaire: { id: '38024392300089' } }] }, 'SUPPLIER_DUPLICATED', 'titulaires'],
    ['flags the buyer listed as titulaire', { titulaires: [{ titulaire: { id: '23350001600040' } }] }, 'SUPPLIER_IS_BUYER', 'titulaires'],
    ['flags a buyer id that is no SIRET', { acheteur: { id: '884123902' } }, 'BUYER_ID_INVALID', 'acheteur.id'],
    ['flags a missing amount', { montant: null }, 'AMOUNT_MISSING', 'montant'],
  ])('%s', (_name, overrides, code, field) => {
    const outcome = normalise(raw2022(item2022(overrides)));
    expect(outcome.status).toBe('flagged');
    const c = contractOf(outcome);
    expect(ContractSchema.parse(c)).toBeTruthy();
    const flag = c.flags.find((f) => f.code === code);
    expect(flag?.field ?? null).toBe(field);
    if (field) expect(flag?.message).toContain(field.split('[')[0]);
  });

  it('keeps a 1.0E17 amount as a number but marks it unusable', () => {
    const c = contractOf(normalise(raw2022(item2022({ montant: 1e17 }))));
    expect(c.montant).toBe(1e17);
    expect(c.montantUtilisable).toBe(false);
  });

  it('reads booleans spelt oui/non/1/0', () => {
    const c = contractOf(normalise(raw2022(item2022({ marcheInnovant: 'oui', attributionAvance: '0', sousTraitanceDeclaree: 'true' }))));
    expect([c.marcheInnovant, c.attributionAvance, c.sousTraitanceDeclaree]).toEqual([true, false, true]);
  });
});

describe('normaliseRecord — list shapes', () => {
  const titulaire = { typeIdentifiant: 'SIRET', id: '38024392300089' };
  it.each([
    ['a list of lists', [[[titulaire]]]],
    ['a wrapped object {titulaire: {…}}', { titulaire }],
    ['a flat list (2019 style) in a 2022 file', [titulaire]],
  ])('reads titulaires given as %s', (_shape, titulaires) => {
    const c = contractOf(normalise(raw2022(item2022({ titulaires }))));
    expect(c.titulaires.map((t) => t.id)).toEqual(['38024392300089']);
  });

  it.each([
    ['an array of wrapped items', [{ modification: { id: 1, montant: 150000 } }]],
    ['an object {modification: […]}', { modification: [{ id: 1, montant: 150000 }] }],
    ['a single object', { id: 1, montant: 150000 }],
  ])('reads modifications given as %s', (_shape, modifications) => {
    const c = contractOf(normalise(raw2022(item2022({ modifications }))));
    expect(c.versions.map((v) => [v.seq, v.montant])).toEqual([[0, 125000], [1, 150000]]);
  });
});

describe('normaliseRecord — versions and fold', () => {
  it('orders 2022 modifications by id and replaces totals, never adds them', () => {
    const c = contractOf(normalise(raw2022(item2022({
      modifications: [
        { modification: { id: 2, montant: 180000, dateNotificationModification: '2024-09-01' } },
        { modification: { id: 1, dureeMois: 18, titulaires: [{ titulaire: { id: '57172266900264' } }], dateNotificationModification: '2024-06-01' } },
      ],
    }))));
    expect(c.versions.map((v) => v.seq)).toEqual([0, 1, 2]);
    expect(c.montant).toBe(180000);
    expect(c.montantInitial).toBe(125000);
    expect(c.dureeMois).toBe(18);
    expect(c.dureeMoisInitiale).toBe(12);
    expect(c.titulaires.map((t) => t.id)).toEqual(['57172266900264']);
    expect(c.dateDerniereModification).toBe('2024-09-01');
  });

  it('maps a 2019 record: nature Accord-cadre → technique, formePrix → typesPrix, names kept', () => {
    const c = contractOf(normalise(raw2019({
      id: '2019-77', _type: 'Marché', acheteur: { id: '23350001600040', nom: 'Région Bretagne' }, nature: 'Accord-cadre', objet: 'x',
      codeCPV: '77313000', procedure: 'Procédure adaptée', formePrix: 'Ferme et actualisable', montant: 1000, dureeMois: 3,
      dateNotification: '2019-01-10', datePublicationDonnees: '2019-01-20',
      titulaires: [{ typeIdentifiant: 'SIRET', id: '38024392300089', denominationSociale: 'TECAN' }],
      modifications: [{ objetModification: 'avenant', montant: 1200, datePublicationDonneesModification: '2019-05-01' }],
    })));
    expect(c.nature).toBe('Marché');
    expect(c.techniques).toEqual(['Accord-cadre']);
    expect(c.typesPrix).toEqual(['Définitif actualisable']);
    expect(c.formePrix).toBeNull();
    expect(c.acheteur.denominationSociale).toBe('Région Bretagne');
    expect(c.titulaires[0].denominationSociale).toBe('TECAN');
    expect(c.versions[1]).toMatchObject({ seq: 1, kind: 'modification', montant: 1200, objetModification: 'avenant' });
  });

  it('reads the flat "acheteur.id" key of some 2019 sources and flags it', () => {
    const outcome = normalise(raw2019({ id: 'X1', 'acheteur.id': '23350001600040', objet: 'x', montant: 10, source: 'aife' }));
    const c = contractOf(outcome);
    expect(c.acheteur.id).toBe('23350001600040');
    expect(c.flags.some((f) => f.code === 'SCHEMA_DEVIATION' && f.field === 'acheteur.id')).toBe(true);
  });
});

describe('normaliseRecord — quarantine only what cannot be a contract', () => {
  it.each([
    ['not an object', raw2022(['a']), 'NOT_AN_OBJECT'],
    ['no id', raw2022(item2022({ id: '' })), 'MISSING_ID'],
    ['no buyer', raw2022(item2022({ acheteur: {} })), 'MISSING_BUYER'],
    ['a buyer id that is no identifier', raw2022(item2022({ acheteur: { id: 'NC' } })), 'BUYER_ID_UNUSABLE'],
    ['nothing says what was bought', raw2022(item2022({ objet: '', codeCPV: null })), 'MISSING_OBJET_AND_CPV'],
    ['neither marché nor concession', { ...raw2019({ id: '1', objet: 'x' }), kind: null }, 'UNKNOWN_KIND'],
    ['an unparseable record', { ...raw2022(null), problem: { level: 'record' as const, code: 'UNPARSEABLE_RECORD' as const, message: 'broken', byteOffset: 3, line: 1 } }, 'UNPARSEABLE_RECORD'],
  ])('quarantines a record with %s', (_case, raw, code) => {
    const outcome = normalise(raw);
    expect(outcome.status).toBe('quarantined');
    expect(codesOf(outcome)).toContain(code);
    if (outcome.status === 'quarantined') expect(outcome.raw).toBe(raw.rawText);
  });
});
