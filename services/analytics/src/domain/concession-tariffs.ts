import type { Contract } from '@observatoire/contracts';

/** One tariff a concession published in its execution data (DECP 2022 `donneesExecution[].tarifs[]`). */
export interface ConcessionTariff {
  uid: string;
  objet: string | null;
  /** The autorité concédante. */
  acheteurId: string;
  acheteurNom: string | null;
  intituleTarif: string | null;
  /** As published (€, HT or TTC as the concession states it); null when missing or not a number. */
  tarif: number | null;
  /** datePublicationDonneesExecution of the yearly execution data carrying it. */
  datePublication: string | null;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `[{tarif:{…}}]` (2022 JSON), `[{intituleTarif, tarif}]` (flattened), `{tarif: […] | {…}}` (from XML): the tariffs. */
function tariffEntries(tarifs: unknown): Rec[] {
  const list = Array.isArray(tarifs) ? tarifs : isRec(tarifs) ? [tarifs] : [];
  const out: Rec[] = [];
  for (const item of list) {
    if (!isRec(item)) continue;
    if ('intituleTarif' in item || typeof item.tarif !== 'object' || item.tarif === null) {
      out.push(item);
      continue;
    }
    const inner = item.tarif;
    for (const t of Array.isArray(inner) ? inner : [inner]) if (isRec(t)) out.push(t);
  }
  return out;
}

/** French or dotted decimals, thousands spaces: "14,29", "1 200.5" → number; anything else → null. */
export function tariffValue(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

/**
 * Every tariff of a concession's execution data, in publication order; none for a marché. The yearly execution
 * items may still be wrapped in `donneesAnnuelles` (legacy spellings): both are read.
 */
export function tariffsOfConcession(contract: Contract): ConcessionTariff[] {
  if (contract.kind !== 'concession' || !contract.concession) return [];
  const out: ConcessionTariff[] = [];
  for (const raw of contract.concession.donneesExecution) {
    const year = isRec(raw.donneesAnnuelles) ? raw.donneesAnnuelles : raw;
    const datePublication = typeof year.datePublicationDonneesExecution === 'string' ? year.datePublicationDonneesExecution : null;
    for (const t of tariffEntries(year.tarifs ?? year.tarif)) {
      out.push({
        uid: contract.uid,
        objet: contract.objet,
        acheteurId: contract.acheteur.id,
        acheteurNom: contract.acheteur.denominationSociale ?? null,
        intituleTarif: typeof t.intituleTarif === 'string' && t.intituleTarif.trim() ? t.intituleTarif.trim() : null,
        tarif: tariffValue(t.tarif),
        datePublication,
      });
    }
  }
  return out;
}
