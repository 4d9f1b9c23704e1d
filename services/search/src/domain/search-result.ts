import type { ContractSearchDocument, SupplierCategory } from './search-document';
import type { FacetName } from './search-query';

/** What a result line shows: enough for a list, the full contract is at `link`. */
export interface ContractSummary {
  uid: string;
  id: string;
  objet: string | null;
  codeCPV: string | null;
  cpvLabel: string | null;
  purchaseType: ContractSearchDocument['purchaseType'];
  procedure: string | null;
  montant: number | null;
  amount: number | null;
  dateNotification: string | null;
  buyer: { siret: string | null; nom: string | null; departement: string | null };
  titulaires: { siret: string | null; nom: string | null; categorie: SupplierCategory }[];
}

export interface SearchHit {
  uid: string;
  /** Relevance score (higher is better); null when the order is not by relevance. */
  score: number | null;
  /** objet with matched words wrapped in <mark>…</mark> (HTML-escaped); null when objet did not match. */
  highlight: string | null;
  doc: ContractSummary;
  link: string;
}

export interface FacetBucket {
  key: string;
  /** Number of contracts (each contract once, even with several titulaires). */
  count: number;
  /** Sum of usable amounts (EUR) of those contracts, rounded to the cent. */
  amount: number;
}

export type Facets = Partial<Record<FacetName, FacetBucket[]>>;

export interface SearchResult {
  total: number;
  items: SearchHit[];
  facets: Facets;
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface OrganisationSuggestion {
  id: string;
  nom: string;
  role: 'buyer' | 'supplier';
  /** Number of indexed contracts naming it in that role. */
  contracts: number;
}

export function summarise(doc: ContractSearchDocument): ContractSummary {
  return {
    uid: doc.uid,
    id: doc.id,
    objet: doc.objet,
    codeCPV: doc.codeCPV,
    cpvLabel: doc.cpvLabel,
    purchaseType: doc.purchaseType,
    procedure: doc.procedure,
    montant: doc.montant,
    amount: doc.amount,
    dateNotification: doc.dateNotification,
    buyer: { siret: doc.buyer.siret, nom: doc.buyer.nom, departement: doc.buyer.departement },
    titulaires: doc.titulaires.map((t) => ({ siret: t.siret, nom: t.nom, categorie: t.categorie })),
  };
}

export function contractLink(uid: string): string {
  return `/contrats/${encodeURIComponent(uid)}`;
}

/** Buckets ordered the same way by every engine: most contracts first, then by key. */
export function orderBuckets(buckets: FacetBucket[]): FacetBucket[] {
  return buckets
    .map((b) => ({ ...b, amount: Math.round(b.amount * 100) / 100 }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
