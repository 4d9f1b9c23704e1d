/** Buyer type from `categorieJuridiqueUniteLegale` (DOMAIN.md §4). */
export const BUYER_TYPES = ['etat', 'epic', 'commune', 'epci', 'syndicat-mixte', 'departement', 'region', 'hopital', 'autre'] as const;
export type BuyerType = (typeof BUYER_TYPES)[number];

const EXACT: Record<string, BuyerType> = {
  '4110': 'epic',
  '4120': 'epic',
  '4140': 'epic',
  '7210': 'commune',
  '7312': 'commune',
  '7354': 'syndicat-mixte',
  '7355': 'syndicat-mixte',
  '7220': 'departement',
  '7230': 'region',
  '7364': 'hopital',
};

export function buyerTypeFromCategorieJuridique(categorieJuridique: string | null | undefined): BuyerType | null {
  const code = categorieJuridique?.trim();
  if (!code || !/^\d{4}$/.test(code)) return null;
  if (EXACT[code]) return EXACT[code];
  if (code.startsWith('71')) return 'etat';
  if (code.startsWith('734')) return 'epci';
  return 'autre';
}
