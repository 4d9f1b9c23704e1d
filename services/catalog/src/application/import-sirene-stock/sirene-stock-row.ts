import type { SireneEtablissementRecord, SireneUniteLegaleRecord } from '../../infrastructure/orm/entities';

const text = (v: string | undefined): string | null => {
  const t = v?.trim();
  return t ? t : null;
};

const number = (v: string | undefined): number | null => {
  const t = v?.trim();
  if (!t) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
};

/** Département of a commune code: 2 characters, 3 for overseas (97x, 98x). */
export function departementOfCommune(code: string | null): string | null {
  if (!code) return null;
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}

/** One StockUniteLegale row (INSEE column names) → record; null when the row has no valid SIREN. */
export function uniteLegaleFromStockRow(r: Record<string, string>): SireneUniteLegaleRecord | null {
  const siren = text(r.siren);
  if (!siren || !/^\d{9}$/.test(siren)) return null;
  return {
    siren,
    statutDiffusion: text(r.statutDiffusionUniteLegale) ?? 'O',
    etatAdministratif: text(r.etatAdministratifUniteLegale),
    denomination: text(r.denominationUniteLegale),
    sigle: text(r.sigleUniteLegale),
    nom: text(r.nomUsageUniteLegale) ?? text(r.nomUniteLegale),
    prenom: text(r.prenomUsuelUniteLegale) ?? text(r.prenom1UniteLegale),
    categorieEntreprise: text(r.categorieEntreprise),
    trancheEffectifs: text(r.trancheEffectifsUniteLegale),
    categorieJuridique: text(r.categorieJuridiqueUniteLegale),
    activitePrincipale: text(r.activitePrincipaleUniteLegale),
    nicSiege: text(r.nicSiegeUniteLegale),
  };
}

/** One StockEtablissement row (INSEE column names; GeoSirene's longitude/latitude when present). */
export function etablissementFromStockRow(r: Record<string, string>): SireneEtablissementRecord | null {
  const siret = text(r.siret);
  if (!siret || !/^\d{14}$/.test(siret)) return null;
  return {
    siret,
    siren: text(r.siren) ?? siret.slice(0, 9),
    statutDiffusion: text(r.statutDiffusionEtablissement) ?? 'O',
    etatAdministratif: text(r.etatAdministratifEtablissement),
    etablissementSiege: text(r.etablissementSiege) === 'true',
    codeCommune: text(r.codeCommuneEtablissement),
    codePostal: text(r.codePostalEtablissement),
    libelleCommune: text(r.libelleCommuneEtablissement),
    denominationUsuelle: text(r.denominationUsuelleEtablissement) ?? text(r.enseigne1Etablissement),
    activitePrincipale: text(r.activitePrincipaleEtablissement),
    longitude: number(r.longitude),
    latitude: number(r.latitude),
  };
}
