/**
 * INSEE headcount bands (`trancheEffectifsUniteLegale`): NN = no employee during the year,
 * 00 = 0, 01 = 1–2, 02 = 3–5, 03 = 6–9, 11 = 10–19, … 53 = 10,000 and more.
 * TPE proxy: fewer than 10 employees. Unknown or unlisted band → null (never guessed).
 */
const UNDER_TEN = new Set(['NN', '00', '01', '02', '03']);
const TEN_OR_MORE = new Set(['11', '12', '21', '22', '31', '32', '41', '42', '51', '52', '53']);

export function tpeFromTranche(tranche: string | null | undefined): boolean | null {
  const code = tranche?.trim().toUpperCase();
  if (!code) return null;
  if (UNDER_TEN.has(code)) return true;
  if (TEN_OR_MORE.has(code)) return false;
  return null;
}

export const CATEGORIES_ENTREPRISE = ['PME', 'ETI', 'GE'] as const;
export type CategorieEntreprise = (typeof CATEGORIES_ENTREPRISE)[number];

export function categorieEntrepriseOf(value: string | null | undefined): CategorieEntreprise | null {
  const v = value?.trim().toUpperCase();
  return v === 'PME' || v === 'ETI' || v === 'GE' ? v : null;
}
