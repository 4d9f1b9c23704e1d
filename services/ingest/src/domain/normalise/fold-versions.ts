import type { ContractVersion, OrganisationRef } from '@observatoire/contracts';

/** The current state of a contract, folded from its versions. */
export interface FoldedState {
  readonly montant: number | null;
  readonly montantInitial: number | null;
  readonly dureeMois: number | null;
  readonly dureeMoisInitiale: number | null;
  readonly titulaires: OrganisationRef[];
  readonly dateNotification: string | null;
  readonly datePublicationDonnees: string | null;
  readonly dateDerniereModification: string | null;
  readonly valeurGlobale: number | null;
}

function latest<T>(versions: readonly ContractVersion[], get: (v: ContractVersion) => T | null | undefined): T | null {
  let value: T | null = null;
  for (const v of versions) {
    const x = get(v);
    if (x !== null && x !== undefined) value = x;
  }
  return value;
}

/**
 * Folds versions in `seq` order: every field is forward-filled, the latest non-null value wins.
 * A modification carries new TOTALS, so amounts are replaced, never added. The initial values
 * (montantInitial, dureeMoisInitiale, dateNotification) come from seq 0 when it is known.
 */
export function foldVersions(versions: readonly ContractVersion[]): FoldedState {
  const ordered = [...versions].sort((a, b) => a.seq - b.seq);
  const initial = ordered.find((v) => v.seq === 0) ?? null;
  const last = ordered[ordered.length - 1] ?? null;
  return {
    montant: latest(ordered, (v) => v.montant),
    montantInitial: initial?.montant ?? null,
    dureeMois: latest(ordered, (v) => v.dureeMois),
    dureeMoisInitiale: initial?.dureeMois ?? null,
    titulaires: latest(ordered, (v) => (v.titulaires && v.titulaires.length > 0 ? v.titulaires : null)) ?? [],
    dateNotification: initial?.dateNotification ?? ordered[0]?.dateNotification ?? null,
    datePublicationDonnees: initial?.datePublicationDonnees ?? ordered[0]?.datePublicationDonnees ?? null,
    dateDerniereModification: last ? (last.dateNotification ?? last.datePublicationDonnees ?? latest(ordered, (v) => v.dateNotification)) : null,
    valeurGlobale: latest(ordered, (v) => v.valeurGlobale),
  };
}
