import type { Contract, OrganisationProfile } from '@observatoire/contracts';
import { toFacts } from '../../domain';

/** The flattened columns of one current contract, used by the SQL pre-filter and the sector/price views. */
export interface ContractColumns {
  buyerId: string;
  buyerSiren: string;
  buyerName: string | null;
  buyerType: string;
  buyerEpci: string | null;
  buyerDepartement: string | null;
  buyerRegion: string | null;
  year: number | null;
  notificationDate: string | null;
  cpvCode: string | null;
  cpvDivision: string | null;
  purchaseType: string | null;
  objet: string | null;
  montant: number | null;
  amount: number | null;
  frameworkAgreement: boolean;
  /** marche | concession. */
  contractKind: string;
}

/** The buyer part of the columns: it changes when the buyer's profile arrives (BuyerResolved). */
export type BuyerColumns = Pick<ContractColumns, 'buyerSiren' | 'buyerName' | 'buyerType' | 'buyerEpci' | 'buyerDepartement' | 'buyerRegion'>;

/**
 * Columns computed through the domain's own `toFacts` (with the buyer's profile when known), so the SQL
 * pre-filter selects exactly what the dimension filters of the domain would select.
 */
export function contractColumns(contract: Contract, buyerProfile: OrganisationProfile | undefined): ContractColumns {
  const facts = toFacts({ ...contract, titulaires: [] }, (id) => (id === contract.acheteur.id ? buyerProfile : undefined));
  const code = contract.codeCPV?.trim() || null;
  return {
    buyerId: contract.acheteur.id,
    buyerSiren: facts.buyer.siren ?? facts.buyer.id,
    buyerName: buyerProfile?.nom ?? contract.acheteur.denominationSociale ?? contract.enrichment?.acheteur?.nom ?? null,
    buyerType: facts.buyer.type,
    buyerEpci: facts.buyer.territory.epciKey,
    buyerDepartement: facts.buyer.territory.departementCode,
    buyerRegion: facts.buyer.territory.regionCode,
    year: facts.year,
    notificationDate: facts.dateNotification,
    cpvCode: code && /^\d{2,}/.test(code) ? code.slice(0, 20) : null,
    cpvDivision: facts.cpvDivision,
    purchaseType: facts.purchaseType === 'unknown' ? null : facts.purchaseType,
    objet: contract.objet,
    montant: facts.montant,
    amount: facts.amount,
    frameworkAgreement: facts.frameworkAgreement,
    contractKind: contract.kind,
  };
}

export function buyerColumnsOf(c: ContractColumns): BuyerColumns {
  return {
    buyerSiren: c.buyerSiren,
    buyerName: c.buyerName,
    buyerType: c.buyerType,
    buyerEpci: c.buyerEpci,
    buyerDepartement: c.buyerDepartement,
    buyerRegion: c.buyerRegion,
  };
}
