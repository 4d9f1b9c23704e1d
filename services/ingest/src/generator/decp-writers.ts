import type { SyntheticContract, SyntheticTitulaire } from './synthetic-contract';

/** Convention: synthetic data says so in the envelope (`"source": "synthetic"`), in every objet and in CSV `sourceDataset`. */
export const SYNTHETIC_SOURCE = 'synthetic';

function titulaireJson(t: SyntheticTitulaire): unknown {
  return { titulaire: { typeIdentifiant: 'SIRET', id: t.id } };
}

/** One contract as a DECP 2.0.3 `marche` item. */
export function toDecp2022Item(c: SyntheticContract): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id: c.id,
    acheteur: { id: c.acheteurId },
    nature: 'Marché',
    objet: c.objet,
    codeCPV: c.codeCPV,
    techniques: { technique: ['Sans objet'] },
    modalitesExecution: { modaliteExecution: ['Sans objet'] },
    marcheInnovant: false,
    ccag: c.ccag,
    offresRecues: c.offresRecues,
    attributionAvance: false,
    typeGroupementOperateurs: c.titulaires.length > 1 ? 'Conjoint' : 'Pas de groupement',
    procedure: c.procedure,
    lieuExecution: { code: '35000', typeCode: 'Code postal' },
    dureeMois: c.dureeMois,
    dateNotification: c.dateNotification,
    datePublicationDonnees: c.datePublicationDonnees,
    montant: c.montant,
    typesPrix: { typePrix: ['Définitif révisable'] },
    formePrix: 'Forfaitaire',
    sousTraitanceDeclaree: false,
    titulaires: c.titulaires.map(titulaireJson),
    considerationsSociales: { considerationSociale: ['Pas de considération sociale'] },
    considerationsEnvironnementales: { considerationEnvironnementale: ['Pas de considération environnementale'] },
  };
  if (c.modifications.length) {
    item.modifications = c.modifications.map((m) => {
      const mod: Record<string, unknown> = { id: m.id };
      if (m.montant !== null) mod.montant = m.montant;
      if (m.dureeMois !== null) mod.dureeMois = m.dureeMois;
      if (m.titulaires) mod.titulaires = m.titulaires.map(titulaireJson);
      mod.dateNotificationModification = m.dateNotificationModification;
      mod.datePublicationDonneesModification = m.datePublicationDonneesModification;
      return { modification: mod };
    });
  }
  if (c.messy === 'flat-buyer-key') {
    delete item.acheteur;
    item['acheteur.id'] = c.acheteurId;
  }
  return item;
}

export const CSV_COLUMNS = [
  'uid', 'id', 'nature', 'acheteur_id', 'acheteur_nom', 'titulaire_id', 'titulaire_typeIdentifiant', 'titulaire_nom', 'objet',
  'montant', 'type', 'codeCPV', 'procedure', 'dureeMois', 'offresRecues', 'dateNotification', 'datePublicationDonnees',
  'formePrix', 'ccag', 'modification_id', 'donneesActuelles', 'acheteur_departement_code', 'acheteur_region_code', 'sourceDataset',
] as const;

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function typeOf(cpv: string): string {
  const div = Number(cpv.slice(0, 2));
  return div === 45 ? 'Travaux' : div <= 44 || div === 48 ? 'Fournitures' : 'Services';
}

/** decp.info rows: one per contract × titulaire × version, each version carrying the forward-filled state. */
export function toDecpInfoRows(c: SyntheticContract): string[] {
  const rows: string[] = [];
  let montant: unknown = c.montant;
  let dureeMois: unknown = c.dureeMois;
  let titulaires = c.titulaires;
  const versions = [{ seq: 0, date: c.dateNotification, pub: c.datePublicationDonnees }, ...c.modifications.map((m) => ({ seq: m.id, date: m.dateNotificationModification, pub: m.datePublicationDonneesModification }))];
  versions.forEach((v, i) => {
    const m = i > 0 ? c.modifications[i - 1] : null;
    if (m?.montant != null) montant = m.montant;
    if (m?.dureeMois != null) dureeMois = m.dureeMois;
    if (m?.titulaires) titulaires = m.titulaires;
    const dept = c.acheteurId.startsWith('2235') || c.acheteurId.startsWith('2435') ? '35' : '';
    for (const t of titulaires) {
      const cells: Record<(typeof CSV_COLUMNS)[number], unknown> = {
        uid: `${c.acheteurId}${c.id}`, id: c.id, nature: 'Marché', acheteur_id: c.acheteurId, acheteur_nom: c.acheteurNom,
        titulaire_id: t.id, titulaire_typeIdentifiant: 'SIRET', titulaire_nom: t.nom, objet: c.objet, montant, type: typeOf(c.codeCPV.slice(0, 8)),
        codeCPV: c.codeCPV, procedure: c.procedure, dureeMois, offresRecues: c.offresRecues, dateNotification: v.date,
        datePublicationDonnees: v.pub, formePrix: 'Forfaitaire', ccag: c.ccag, modification_id: v.seq,
        donneesActuelles: i === versions.length - 1, acheteur_departement_code: dept, acheteur_region_code: dept ? '53' : '', sourceDataset: SYNTHETIC_SOURCE,
      };
      rows.push(CSV_COLUMNS.map((col) => csvCell(cells[col])).join(','));
    }
  });
  return rows;
}
