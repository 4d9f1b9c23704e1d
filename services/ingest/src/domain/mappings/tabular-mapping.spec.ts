import { Readable } from 'node:stream';
import { readRecords } from '../read/read-records';
import { normaliseRecord } from '../normalise/normalise-record';
import { mapRow, matchMapping, parseTabularMapping, TABULAR_MAPPINGS } from './tabular-mapping';

const REGION_2019_HEADER =
  'Année;Id du marché ;Nom acheteur;SIRET acheteur;Nature;Objet marché;Code CPV;Liblellé CPV;Procédure;Lieu exécution;Durée mois;Date notification;Date publication des données;Montant initial (Ht);Montant modifie (Ht);Montant prévu;Type prix;Titulaire/Mandataire;Rôle;Code Postal_Titulaire;Code Insee_Titulaire;Commune_Titulaire;Siret_Titulaire;siren_Titualire;Avance;Nb avenant(s) cptable(s);Délais moyen mandatement (jours)';
const REGION_2019_ROW = '2019;90003;Région Bretagne;23 350 001 600 040;Marché simple;Implantation cabine aspiration - Corbière Morlaix;45300000-0;Travaux d\'équipement du bâtiment;Procédure adaptée;MORLAIX;6;24/01/2019;;38 800,00;38 800,00;38 800,00;Fermes;GIRARDEAU;TI;86110;86160;MIREBEAU;37900994700027;379009947;Non;;';

const fileOf = (text: string, encoding: BufferEncoding) => ({ name: 'marches_2019.csv', open: () => Readable.from([Buffer.from(text, encoding)]) });

describe('tabular exports read through a declarative mapping', () => {
  it('every mapping kept in the repository is valid and has a distinct id', () => {
    expect(TABULAR_MAPPINGS.length).toBeGreaterThanOrEqual(2);
    expect(new Set(TABULAR_MAPPINGS.map((m) => m.id)).size).toBe(TABULAR_MAPPINGS.length);
  });

  it('refuses a mapping without id or buyer column, or with an unknown field, naming the mapping and the problem', () => {
    const base = { id: 'x-y', description: 'd', encoding: 'utf8', delimiter: ';', signature: ['a', 'b', 'c'] };
    expect(() => parseTabularMapping({ ...base, fields: { objet: { from: 'a' } } }, 'bad.json')).toThrow(/mapping bad\.json is invalid: fields: id and acheteur\.id are required/);
    expect(() => parseTabularMapping({ ...base, fields: { id: { from: 'a' }, 'acheteur.id': { from: 'b' }, montantTTC: { from: 'c' } } }, 'bad.json')).toThrow(/mapping bad\.json is invalid: fields: Unrecognized key: "montantTTC"/);
    expect(() => parseTabularMapping({ ...base, encoding: 'cp1252', fields: { id: { from: 'a' }, 'acheteur.id': { from: 'b' } } }, 'bad.json')).toThrow(/encoding/);
  });

  it('recognises the Région’s ISO-8859-1 export from its header, not by its name', () => {
    expect(matchMapping(Buffer.from(`${REGION_2019_HEADER}\n`, 'latin1'))?.id).toBe('region-bretagne-rendu-compte-2019');
    expect(matchMapping(Buffer.from('uid,id,acheteur_id,titulaire_id,montant\n', 'utf8'))).toBeNull();
  });

  it('maps a row: SIRET with spaces, « 38 800,00 », 24/01/2019, « Fermes », one titulaire — the DECP 2019 shape', () => {
    const mapping = TABULAR_MAPPINGS.find((m) => m.id === 'region-bretagne-rendu-compte-2019')!;
    const header = REGION_2019_HEADER.split(';').map((h) => h.trim());
    const cells = REGION_2019_ROW.split(';');
    const row = Object.fromEntries(header.map((h, i) => [h, cells[i]]));
    expect(mapRow(mapping, row)).toEqual({
      id: '90003',
      acheteur: { id: '23350001600040', nom: 'Région Bretagne' },
      nature: 'Marché',
      objet: 'Implantation cabine aspiration - Corbière Morlaix',
      codeCPV: '45300000',
      procedure: 'Procédure adaptée',
      lieuExecution: { nom: 'MORLAIX' },
      dureeMois: 6,
      dateNotification: '2019-01-24',
      montant: 38800,
      formePrix: 'Ferme',
      titulaires: [{ id: '37900994700027', typeIdentifiant: 'SIRET', denominationSociale: 'GIRARDEAU' }],
    });
  });

  it('reads the Latin-1 file and normalises its rows like any DECP record (accented text intact, flags, no schema check)', async () => {
    const records = [];
    for await (const r of readRecords(fileOf(`${REGION_2019_HEADER}\r\n${REGION_2019_ROW}\r\n2019;90004;Région Bretagne;;Marché simple;x;;;;;;;;;;;;;;;;;;;;;\r\n`, 'latin1'))) records.push(r);
    expect(records.map((r) => [r.format, r.schemaVersion])).toEqual([['tabular-mapped', 'region-bretagne-rendu-compte-2019'], ['tabular-mapped', 'region-bretagne-rendu-compte-2019']]);
    const first = normaliseRecord(records[0], { source: 'test', today: '2026-12-07' });
    if (first.status === 'quarantined') throw new Error('quarantined');
    expect(first.contract).toMatchObject({ uid: '2335000160004090003', objet: 'Implantation cabine aspiration - Corbière Morlaix', montant: 38800, dateNotification: '2019-01-24', typesPrix: ['Définitif ferme'] });
    expect(first.contract.flags).toEqual([]);
    expect(first.status).toBe('accepted');
    // a row without buyer SIRET is quarantined, naming the field — not dropped
    const second = normaliseRecord(records[1], { source: 'test', today: '2026-12-07' });
    expect(second).toMatchObject({ status: 'quarantined', reasons: [expect.objectContaining({ code: 'MISSING_BUYER', field: 'acheteur.id' })] });
  });
});
