import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { NotFoundError } from '../../domain/catalog.errors';
import {
  companyNameViews,
  CONTRACT_SUMMARY_COLUMNS,
  EVEN_SPLIT_AMOUNT_SQL,
  organisationViews,
  pendingView,
  toNumber,
  toSummary,
  type ContractSummary,
  type OrganisationView,
} from '../catalog-read';

export interface SupplierDetail {
  id: string;
  scope: 'id' | 'siren';
  identity: OrganisationView;
  /** Amounts split evenly between co-contractors. */
  totals: { contracts: number; montant: number };
  contracts: (ContractSummary & { role: string })[];
  buyers: { id: string; nom: string | null; contracts: number; montant: number }[];
  /** With a SIREN: the establishments (SIRETs) of the company that won contracts, in SIRET order. */
  establishments?: string[];
}

export async function getSupplier(em: SqlEntityManager, id: string, limits = { contracts: 20, buyers: 20 }): Promise<SupplierDetail> {
  const scope = /^\d{9}$/.test(id) ? 'siren' : 'id';
  const knex = em.getKnex();
  const won = (qb: Knex.QueryBuilder) =>
    qb.join('contract as c', 'c.uid', 't.contract_uid').where(scope === 'siren' ? 't.titulaire_siren' : 't.titulaire_id', id);

  const [totalsRow] = await won(
    knex('contract_titulaire as t').select(knex.raw('count(distinct c.uid) as contracts'), knex.raw(`sum(${EVEN_SPLIT_AMOUNT_SQL}) as montant`)),
  );
  const count = toNumber(totalsRow?.contracts);
  const views = await organisationViews(em, [id]);
  if (count === 0 && !views.get(id)?.isSupplier) throw new NotFoundError('CATALOG_SUPPLIER_NOT_FOUND', `aucun titulaire « ${id} »`);

  const contracts = await won(knex('contract_titulaire as t').select(...CONTRACT_SUMMARY_COLUMNS, 't.role'))
    .orderBy([{ column: 'c.sort_date', order: 'desc' }, { column: 'c.uid', order: 'desc' }])
    .limit(limits.contracts);
  const buyers = await won(
    knex('contract_titulaire as t').select('c.acheteur_id', knex.raw('count(distinct c.uid) as contracts'), knex.raw(`sum(${EVEN_SPLIT_AMOUNT_SQL}) as montant`)),
  )
    .groupBy('c.acheteur_id')
    .orderBy([{ column: 'montant', order: 'desc' }, { column: 'c.acheteur_id', order: 'asc' }])
    .limit(limits.buyers);
  const buyerViews = await organisationViews(em, buyers.map((b: Record<string, unknown>) => String(b.acheteur_id)));
  // A company (SIREN) is named after its first named establishment (companyNameViews).
  let identity = views.get(id) ?? pendingView(id);
  let establishments: string[] | undefined;
  if (scope === 'siren') {
    establishments = ((await won(knex('contract_titulaire as t').distinct('t.titulaire_id')).orderBy('t.titulaire_id')) as { titulaire_id: string }[]).map((r) => r.titulaire_id);
    if (!identity.nom) {
      const named = (await companyNameViews(em, establishments.map((e) => ({ company: id, establishment: e })))).get(id);
      if (named) identity = { ...identity, status: named.status, nom: named.nom, isSupplier: true };
    }
  }
  // Not in SIRENE (yet): the name its buyers published for it (titulaire denominationSociale).
  if (!identity.nom) {
    const [published] = (await won(knex('contract_titulaire as t').select(knex.raw('min(t.denomination_sociale) as nom')).whereNotNull('t.denomination_sociale'))) as { nom: string | null }[];
    if (published?.nom) identity = { ...identity, nom: published.nom, isSupplier: true };
  }
  // Buyers SIRENE does not know: the name they publish in their contracts (acheteur.nom).
  const unnamedBuyers = buyers.map((b: Record<string, unknown>) => String(b.acheteur_id)).filter((b: string) => !buyerViews.get(b)?.nom);
  const publishedBuyerNames = new Map<string, string>();
  if (unnamedBuyers.length) {
    const rows = (await knex('contract as c').select('c.acheteur_id', 'c.data').whereIn('c.acheteur_id', unnamedBuyers).orderBy('c.sort_date', 'desc').limit(200)) as { acheteur_id: string; data: unknown }[];
    for (const r of rows) {
      if (publishedBuyerNames.has(r.acheteur_id)) continue;
      const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as { acheteur?: { denominationSociale?: unknown } } | null;
      const nom = data?.acheteur?.denominationSociale;
      if (typeof nom === 'string' && nom.trim()) publishedBuyerNames.set(r.acheteur_id, nom.trim());
    }
  }
  return {
    id,
    scope,
    identity,
    ...(establishments ? { establishments } : {}),
    totals: { contracts: count, montant: toNumber(totalsRow?.montant) },
    contracts: contracts.map((r: Record<string, unknown>) => ({ ...toSummary(r), role: String(r.role) })),
    buyers: buyers.map((b: Record<string, unknown>) => ({
      id: String(b.acheteur_id),
      nom: buyerViews.get(String(b.acheteur_id))?.nom ?? publishedBuyerNames.get(String(b.acheteur_id)) ?? null,
      contracts: toNumber(b.contracts),
      montant: toNumber(b.montant),
    })),
  };
}
