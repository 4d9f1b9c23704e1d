import type { Knex, SqlEntityManager } from '@mikro-orm/knex';
import { InvalidParameterError, NotFoundError } from '../../domain/catalog.errors';
import {
  companyNameViews,
  CONTRACT_SUMMARY_COLUMNS,
  EVEN_SPLIT_AMOUNT_SQL,
  organisationViews,
  pendingView,
  toNumber,
  toSummary,
  USABLE_AMOUNT_SQL,
  type ContractSummary,
  type OrganisationView,
} from '../catalog-read';

export interface BuyerDetail {
  id: string;
  /** "siret": one establishment; "siren": every establishment of the legal unit. */
  scope: 'siret' | 'siren';
  identity: OrganisationView;
  totals: { contracts: number; montant: number };
  byYearAndCpvDivision: { annee: number | null; cpvDivision: string | null; contracts: number; montant: number }[];
  /**
   * By company: the establishments of one SIREN are one supplier (`id` = the SIREN, `establishments` = how many of
   * its SIRETs won); a titulaire without SIREN is its own supplier (`id` = its identifier).
   */
  topSuppliers: { id: string; nom: string | null; contracts: number; montant: number; establishments: number }[];
  latestContracts: ContractSummary[];
}

export async function getBuyer(em: SqlEntityManager, id: string, limits = { top: 10, latest: 10 }): Promise<BuyerDetail> {
  const scope = /^\d{14}$/.test(id) ? 'siret' : /^\d{9}$/.test(id) ? 'siren' : null;
  if (!scope) throw new InvalidParameterError('CATALOG_INVALID_PARAMETER', 'l’identifiant d’un acheteur est un SIRET (14 chiffres) ou un SIREN (9 chiffres)');
  const knex = em.getKnex();
  const ofBuyer = (qb: Knex.QueryBuilder) => qb.where(scope === 'siret' ? 'c.acheteur_id' : 'c.acheteur_siren', id);

  const [totalsRow] = await ofBuyer(knex('contract as c').select(knex.raw('count(*) as contracts'), knex.raw(`sum(${USABLE_AMOUNT_SQL}) as montant`)));
  const contracts = toNumber(totalsRow?.contracts);
  const views = await organisationViews(em, [id]);
  if (contracts === 0 && !views.get(id)?.isBuyer) throw new NotFoundError('CATALOG_BUYER_NOT_FOUND', `aucun acheteur « ${id} »`);

  const groups = await ofBuyer(
    knex('contract as c').select('c.annee', 'c.cpv_division', knex.raw('count(*) as contracts'), knex.raw(`sum(${USABLE_AMOUNT_SQL}) as montant`)),
  )
    .groupBy('c.annee', 'c.cpv_division')
    .orderBy([{ column: 'c.annee', order: 'desc' }, { column: 'c.cpv_division', order: 'asc' }]);
  const company = 'coalesce(t.titulaire_siren, t.titulaire_id)';
  const top = await ofBuyer(
    knex('contract_titulaire as t')
      .join('contract as c', 'c.uid', 't.contract_uid')
      .select(
        knex.raw(`${company} as company`),
        knex.raw('count(distinct t.titulaire_id) as establishments'),
        knex.raw('count(distinct c.uid) as contracts'),
        knex.raw(`sum(${EVEN_SPLIT_AMOUNT_SQL}) as montant`),
      ),
  )
    .groupByRaw(company)
    .orderBy([{ column: 'montant', order: 'desc' }, { column: 'company', order: 'asc' }])
    .limit(limits.top);
  const latest = await ofBuyer(knex('contract as c').select(...CONTRACT_SUMMARY_COLUMNS))
    .orderBy([{ column: 'c.sort_date', order: 'desc' }, { column: 'c.uid', order: 'desc' }])
    .limit(limits.latest);
  // A company's name: that of its first establishment (by SIRET) that has one.
  const companies = top.map((r: Record<string, unknown>) => String(r.company));
  const establishments = companies.length
    ? ((await ofBuyer(
        knex('contract_titulaire as t').join('contract as c', 'c.uid', 't.contract_uid').distinct(knex.raw(`${company} as company`), 't.titulaire_id'),
      ).whereIn(knex.raw(company) as unknown as string, companies)) as { company: string; titulaire_id: string }[])
    : [];
  const names = await companyNameViews(em, establishments.map((e) => ({ company: e.company, establishment: e.titulaire_id })));
  // A company SIRENE does not know (yet) keeps the name its buyer published for it (titulaire denominationSociale).
  const unnamed = (companies as string[]).filter((c) => !names.get(c)?.nom);
  const published = unnamed.length
    ? ((await ofBuyer(
        knex('contract_titulaire as t')
          .join('contract as c', 'c.uid', 't.contract_uid')
          .select(knex.raw(`${company} as company`), knex.raw('min(t.denomination_sociale) as nom'))
          .whereNotNull('t.denomination_sociale'),
      )
        .whereIn(knex.raw(company) as unknown as string, unnamed)
        .groupByRaw(company)) as { company: string; nom: string | null }[])
    : [];
  const publishedNames = new Map(published.map((p) => [String(p.company), p.nom]));

  return {
    id,
    scope,
    identity: await buyerIdentity(em, ofBuyer, id, scope, views.get(id)),
    totals: { contracts, montant: toNumber(totalsRow?.montant) },
    byYearAndCpvDivision: groups.map((g: Record<string, unknown>) => ({
      annee: g.annee === null ? null : toNumber(g.annee),
      cpvDivision: (g.cpv_division as string | null) ?? null,
      contracts: toNumber(g.contracts),
      montant: toNumber(g.montant),
    })),
    topSuppliers: top.map((r: Record<string, unknown>) => ({
      id: String(r.company),
      nom: names.get(String(r.company))?.nom ?? publishedNames.get(String(r.company)) ?? null,
      contracts: toNumber(r.contracts),
      montant: toNumber(r.montant),
      establishments: toNumber(r.establishments),
    })),
    latestContracts: latest.map(toSummary),
  };
}

/**
 * The buyer's identity with a name whenever one is known: its own profile; for a SIREN, that of its first named
 * establishment; else the name the buyer publishes in its latest contracts (`acheteur.nom` /
 * `denominationSociale`), so that a buyer SIRENE cannot resolve offline is still shown by name.
 */
async function buyerIdentity(
  em: SqlEntityManager,
  ofBuyer: (qb: Knex.QueryBuilder) => Knex.QueryBuilder,
  id: string,
  scope: 'siret' | 'siren',
  own: OrganisationView | undefined,
): Promise<OrganisationView> {
  if (own?.nom) return own;
  const knex = em.getKnex();
  if (scope === 'siren') {
    const establishments = (await ofBuyer(knex('contract as c').distinct('c.acheteur_id'))) as { acheteur_id: string }[];
    const named = (await companyNameViews(em, establishments.map((e) => ({ company: id, establishment: e.acheteur_id })))).get(id);
    if (named) return { ...(own ?? pendingView(id)), nom: named.nom, isBuyer: true };
  }
  const latest = (await ofBuyer(knex('contract as c').select('c.data'))
    .orderBy([{ column: 'c.sort_date', order: 'desc' }, { column: 'c.uid', order: 'desc' }])
    .limit(20)) as { data: unknown }[];
  for (const row of latest) {
    const data = (typeof row.data === 'string' ? JSON.parse(row.data) : row.data) as { acheteur?: { denominationSociale?: unknown } } | null;
    const published = data?.acheteur?.denominationSociale;
    if (typeof published === 'string' && published.trim() !== '') return { ...(own ?? pendingView(id)), nom: published.trim(), isBuyer: true };
  }
  return own ?? pendingView(id);
}
