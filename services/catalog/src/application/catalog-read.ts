import type { SqlEntityManager } from '@mikro-orm/knex';
import type { OrganisationProfile } from '@observatoire/contracts';
import { OrganisationEntity } from '../infrastructure/orm/entities';

/** What the API shows of an organisation: its stored profile, or a pending stub before resolution. */
export interface OrganisationView {
  id: string;
  status: 'pending' | OrganisationProfile['status'];
  nom: string | null;
  isBuyer: boolean;
  isSupplier: boolean;
  profile: OrganisationProfile | null;
}

export async function organisationViews(em: SqlEntityManager, ids: readonly string[]): Promise<Map<string, OrganisationView>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await em.find(
    OrganisationEntity,
    { id: { $in: unique } },
    { fields: ['id', 'status', 'nom', 'isBuyer', 'isSupplier', 'profile'], disableIdentityMap: true },
  );
  return new Map(
    rows.map((r) => [r.id, { id: r.id, status: r.status, nom: r.nom, isBuyer: r.isBuyer, isSupplier: r.isSupplier, profile: r.profile }]),
  );
}

/**
 * The view that names each company: of its establishments (SIRET order), the first one with a name. A company
 * (SIREN) is no organisation of its own, its establishments are.
 */
export async function companyNameViews(em: SqlEntityManager, establishments: readonly { company: string; establishment: string }[]): Promise<Map<string, OrganisationView>> {
  const views = await organisationViews(em, establishments.map((e) => e.establishment));
  const named = new Map<string, OrganisationView>();
  for (const e of [...establishments].sort((a, b) => a.establishment.localeCompare(b.establishment))) {
    const view = views.get(e.establishment);
    if (view?.nom && !named.has(e.company)) named.set(e.company, view);
  }
  return named;
}

export function pendingView(id: string): OrganisationView {
  return { id, status: 'pending', nom: null, isBuyer: false, isSupplier: false, profile: null };
}

/** Amount attributed to one co-contractor: the contract amount split evenly (documented rule). */
export const EVEN_SPLIT_AMOUNT_SQL = 'case when c.montant_utilisable then c.montant / c.titulaires_count else 0 end';
export const USABLE_AMOUNT_SQL = 'case when c.montant_utilisable then c.montant else 0 end';

export function toNumber(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export interface ContractSummary {
  uid: string;
  id: string;
  acheteurId: string;
  objet: string | null;
  codeCpv: string | null;
  montant: number | null;
  dateNotification: string | null;
}

export const CONTRACT_SUMMARY_COLUMNS = [
  'c.uid',
  'c.id',
  'c.acheteur_id',
  'c.objet',
  'c.code_cpv',
  'c.montant',
  'c.date_notification',
  'c.sort_date',
] as const;

export function toSummary(row: Record<string, unknown>): ContractSummary {
  return {
    uid: String(row.uid),
    id: String(row.id),
    acheteurId: String(row.acheteur_id),
    objet: (row.objet as string | null) ?? null,
    codeCpv: (row.code_cpv as string | null) ?? null,
    montant: row.montant === null || row.montant === undefined ? null : toNumber(row.montant),
    dateNotification: (row.date_notification as string | null) ?? null,
  };
}
