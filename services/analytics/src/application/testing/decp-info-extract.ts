/**
 * A tiny, test-only builder of canonical contracts from the decp.info consolidated CSV extract (one row per
 * contract × titulaire). It keeps only what the analytics tests read: identity, CPV, amount, dates, procedure and
 * the decp.info enrichment (départements and régions of buyer and titulaires). The real normalisation lives in
 * the ingest service, which analytics may not import (module boundaries).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { aCanonicalContract, type Contract } from '@observatoire/contracts';

export const DECP_INFO_BRETAGNE_CSV = join(
  __dirname,
  '../../../../ingest/test/fixtures/real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_bretagne.csv',
);

export interface DecpInfoRow {
  uid: string;
  id: string;
  type: string;
  codeCPV: string;
  acheteur_id: string;
  acheteur_nom: string;
  titulaire_id: string;
  titulaire_nom: string;
  montant: string;
  dateNotification: string;
  procedure: string;
  dureeMois: string;
  offresRecues: string;
  acheteur_departement_code: string;
  titulaire_departement_code: string;
  acheteur_region_code: string;
  titulaire_region_code: string;
}

export function readDecpInfoRows(file = DECP_INFO_BRETAGNE_CSV): DecpInfoRow[] {
  return parse(readFileSync(file), { columns: true, skip_empty_lines: true, bom: true }) as DecpInfoRow[];
}

const blank = (v: string | undefined): string | null => (v == null || v.trim() === '' ? null : v.trim());
const numberOrNull = (v: string | undefined): number | null => {
  const t = blank(v);
  if (t == null) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
};
const isSiret = (id: string) => /^\d{14}$/.test(id);

/** Group the rows by uid (first row wins for contract fields; titulaires deduplicated by id, in file order). */
export function contractsFromDecpInfo(rows: readonly DecpInfoRow[], file = 'decp_2024H2_travaux_cpv4521_bretagne.csv'): Contract[] {
  const byUid = new Map<string, { first: DecpInfoRow; position: number; titulaires: Map<string, DecpInfoRow> }>();
  rows.forEach((r, i) => {
    const g = byUid.get(r.uid) ?? { first: r, position: i + 2, titulaires: new Map<string, DecpInfoRow>() };
    const tid = blank(r.titulaire_id);
    if (tid && !g.titulaires.has(tid)) g.titulaires.set(tid, r);
    byUid.set(r.uid, g);
  });
  return [...byUid.values()].map(({ first: r, position, titulaires }) => {
    const montant = numberOrNull(r.montant);
    const date = blank(r.dateNotification);
    const titulaireRows = [...titulaires.values()];
    const dureeMois = numberOrNull(r.dureeMois);
    // What the extract does not carry is null (unknown), not the shared builder's "fully known" default.
    return aCanonicalContract({
      uid: r.uid,
      id: r.id,
      acheteur: { id: r.acheteur_id, typeIdentifiant: 'SIRET', denominationSociale: blank(r.acheteur_nom), siretValide: isSiret(r.acheteur_id) },
      objet: null,
      codeCPV: blank(r.codeCPV),
      nature: null,
      procedure: blank(r.procedure),
      lieuExecution: null,
      formePrix: null,
      montant,
      dureeMois,
      dateNotification: date,
      datePublicationDonnees: null,
      titulaires: titulaireRows.map((t) => ({
        id: t.titulaire_id.trim(),
        typeIdentifiant: isSiret(t.titulaire_id.trim()) ? 'SIRET' : null,
        denominationSociale: blank(t.titulaire_nom),
        siretValide: isSiret(t.titulaire_id.trim()),
      })),
      offresRecues: numberOrNull(r.offresRecues),
      attributionAvance: null, tauxAvance: null, marcheInnovant: null,
      ccag: null, sousTraitanceDeclaree: null, typeGroupementOperateurs: null,
      versions: [{ seq: 0, kind: 'initial', montant, dureeMois, titulaires: null, dateNotification: date, datePublicationDonnees: null }],
      provenance: [{ source: 'decp.info', file, position, format: 'decp-info-csv', schemaVersion: null }],
      enrichment: {
        origin: 'decp.info',
        acheteur: { nom: blank(r.acheteur_nom), departementCode: blank(r.acheteur_departement_code), regionCode: blank(r.acheteur_region_code) },
        titulaires: titulaireRows.map((t) => ({
          id: t.titulaire_id.trim(),
          nom: blank(t.titulaire_nom),
          departementCode: blank(t.titulaire_departement_code),
          regionCode: blank(t.titulaire_region_code),
        })),
      },
    });
  });
}

/**
 * The local share by buyer département computed directly over the CSV rows, independently of the domain code:
 * per contract (uid), each distinct titulaire weighs 1/n (even split); yes when its département equals the
 * buyer's, unknown when the titulaire's is blank. By amount, the contract's amount is its first row's montant
 * (decp.info repeats it on each titulaire row; the builder keeps the first), when within [1 €, 3 bn €].
 */
export interface DirectShare {
  numerator: number;
  denominator: number;
  unknown: number;
  amountNumerator: number;
  amountDenominator: number;
}

export function localShareByDepartementOverRows(rows: readonly DecpInfoRow[]): Map<string, DirectShare> {
  const byUid = new Map<string, DecpInfoRow[]>();
  for (const r of rows) {
    const list = byUid.get(r.uid) ?? [];
    if (!list.some((x) => x.titulaire_id.trim() === r.titulaire_id.trim())) list.push(r);
    byUid.set(r.uid, list);
  }
  const out = new Map<string, DirectShare>();
  for (const list of byUid.values()) {
    const buyerDep = list[0].acheteur_departement_code.trim();
    const acc = out.get(buyerDep) ?? { numerator: 0, denominator: 0, unknown: 0, amountNumerator: 0, amountDenominator: 0 };
    const montant = Number(list[0].montant);
    const amount = Number.isFinite(montant) && montant >= 1 && montant <= 3e9 ? montant : null;
    const share = 1 / list.length;
    for (const r of list) {
      const t = r.titulaire_departement_code.trim();
      if (!buyerDep || !t) {
        acc.unknown += share;
        continue;
      }
      acc.denominator += share;
      if (t === buyerDep) acc.numerator += share;
      if (amount != null) {
        acc.amountDenominator += share * amount;
        if (t === buyerDep) acc.amountNumerator += share * amount;
      }
    }
    out.set(buyerDep, acc);
  }
  return out;
}
