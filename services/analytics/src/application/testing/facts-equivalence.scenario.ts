/**
 * The equivalence of the facts projection with the domain (used by the SQLite unit spec and the PostgreSQL
 * integration spec): the store's indicators, computed by aggregate SQL over analytics_fact / analytics_fact_share,
 * must equal the pure domain functions' answers over the same current contracts and CURRENT profiles.
 */
import type { MikroORM } from '@mikro-orm/core';
import fc from 'fast-check';
import { aCanonicalContract, TOPICS, type Contract, type OrganisationProfile, type OrganisationRef } from '@observatoire/contracts';
import { computeIndicators, probableDuplicateGroups, toFacts, type ContractFacts, type IndicatorValue, type Ratio } from '../../domain';
import { FactsIndicatorsQuery, STORE_INDICATOR_KEYS } from '../../infrastructure/persistence/facts-indicators.query';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../project-organisations/project-organisations.handler';
import { coContractorRuleOf, type AnalyticsFilters } from '../shared/analytics-filters';
import { cpvCodeColumn } from '../shared/fact-rows';
import { buyerResolved, contractPublished, delivered, supplierResolved } from './analytics-test-kit';

/** Feed the projections as the bus would: early profiles, the contracts, then the late profiles. */
export async function project(orm: MikroORM, contracts: readonly Contract[], early: readonly OrganisationProfile[], late: readonly OrganisationProfile[] = [], buyers: ReadonlySet<string> = new Set()): Promise<void> {
  const organisations = new ProjectOrganisationsHandler(orm);
  const resolved = (ps: readonly OrganisationProfile[], version: number) =>
    ps.flatMap((p) => (buyers.has(p.id) ? [buyerResolved(p, version), supplierResolved(p, version)] : [supplierResolved(p, version)]));
  if (early.length > 0) await organisations.handle(delivered(resolved(early, 1), TOPICS.organisations));
  const handler = new ProjectContractsHandler(orm);
  for (let i = 0; i < contracts.length; i += 200) await handler.handle(delivered(contracts.slice(i, i + 200).map((c) => contractPublished(c, 1))));
  if (late.length > 0) await organisations.handle(delivered(resolved(late, 2), TOPICS.organisations));
}

/** The domain's side: facts of every contract with the current profiles, probable duplicates over the whole set. */
export function domainFacts(contracts: readonly Contract[], profiles: ReadonlyMap<string, OrganisationProfile>, filters: AnalyticsFilters): ContractFacts[] {
  const duplicated = new Set(probableDuplicateGroups(contracts).flatMap((g) => g.copies.map((c) => c.uid)));
  return contracts.map((c) => {
    const f = toFacts(c, (id) => profiles.get(id), { coContractorRule: coContractorRuleOf(filters) });
    return duplicated.has(c.uid) ? { ...f, probableDuplicate: true } : f;
  });
}

/** The API filters as a predicate on facts (the same columns as the store's WHERE clause). */
export function matches(f: ContractFacts, c: Contract, filters: AnalyticsFilters): boolean {
  const buyerSiren = f.buyer.siren ?? f.buyer.id;
  if (filters.acheteur && (filters.acheteur.length === 14 ? f.buyer.id : buyerSiren) !== filters.acheteur) return false;
  if (filters.typeAcheteur && f.buyer.type !== filters.typeAcheteur) return false;
  if (filters.territoire) {
    const t = f.buyer.territory;
    const v = { epci: t.epciKey, departement: t.departementCode, region: t.regionCode, bretagne: t.regionCode }[filters.territoire.level];
    if (v !== filters.territoire.code) return false;
  }
  const cpv = cpvCodeColumn(c);
  if (filters.cpv && !(cpv ?? '').startsWith(filters.cpv)) return false;
  if (filters.typeAchat && f.purchaseType !== filters.typeAchat) return false;
  if (filters.annee !== undefined && f.year !== filters.annee) return false;
  if (filters.du && (f.dateNotification == null || f.dateNotification < filters.du)) return false;
  if (filters.au && (f.dateNotification == null || f.dateNotification > filters.au)) return false;
  return true;
}

const close = (a: number | null | undefined, b: number | null | undefined): boolean => {
  if (a == null || b == null) return a == b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
};

function sameRatio(a: Ratio | undefined, b: Ratio | undefined): boolean {
  if (!a || !b) return a === b;
  return close(a.numerator, b.numerator) && close(a.denominator, b.denominator) && close(a.value, b.value) && close(a.unknown, b.unknown) && close(a.unknownShare, b.unknownShare);
}

/** Deep comparison with a relative tolerance on numbers (sums are added in another order). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return close(a as number | null, b as number | null);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** The differences between the store's and the domain's indicators (empty when they agree). */
export function differences(store: Record<string, IndicatorValue>, domain: Record<string, IndicatorValue>): string[] {
  const out: string[] = [];
  for (const key of STORE_INDICATOR_KEYS) {
    const s = store[key];
    const d = domain[key];
    const fail = (what: string, x: unknown, y: unknown) => out.push(`${key} ${what}: store ${JSON.stringify(x)} ≠ domain ${JSON.stringify(y)}`);
    if (!sameRatio(s.byCount, d.byCount)) fail('byCount', s.byCount, d.byCount);
    if (!sameRatio(s.byAmount, d.byAmount)) fail('byAmount', s.byAmount, d.byAmount);
    if (s.excludedUnusableAmounts !== d.excludedUnusableAmounts) fail('excludedUnusableAmounts', s.excludedUnusableAmounts, d.excludedUnusableAmounts);
    const sd = { ...(s.details as Record<string, unknown>) };
    const dd = { ...(d.details as Record<string, unknown>) };
    if (key === 'concentration') {
      // the store gives the number of markets, not their (unbounded) list
      const groups = (dd.groups as { concentrated: boolean }[]) ?? [];
      delete dd.groups;
      dd.markets = groups.length;
      dd.concentratedMarkets = groups.filter((g) => g.concentrated).length;
    }
    if (!sameValue(sd, dd)) fail('details', sd, dd);
  }
  return out;
}

/** The store's indicators and the domain's, under these filters. */
/** What the compared stores contained, so that a property test can check it was not vacuous. */
export const seen = { probableDuplicates: 0, priorSuppliers: 0, localYes: 0, concentratedMarkets: 0, charterMembers: 0 };

export async function compare(orm: MikroORM, contracts: readonly Contract[], profiles: ReadonlyMap<string, OrganisationProfile>, filters: AnalyticsFilters): Promise<string[]> {
  const all = domainFacts(contracts, profiles, filters);
  const selected = all.filter((f, i) => matches(f, contracts[i], filters));
  const dates = all.map((f) => f.dateNotification).filter((d): d is string => d != null).sort();
  // the history the API reads: every dated contract (FactsLoader reads the buyers' contracts of the look-back window)
  const history = all.filter((f) => f.dateNotification != null);
  const domain = computeIndicators(selected, { history, historyStart: dates[0], targets: {} });
  const store = await new FactsIndicatorsQuery(orm.em.fork()).compute(filters);
  const out = differences(store.indicators, domain);
  const v = store.indicators;
  seen.probableDuplicates += (v['data-quality'].details as { probableDuplicates: number }).probableDuplicates;
  seen.priorSuppliers += v['first-time-suppliers'].byCount.denominator - v['first-time-suppliers'].byCount.numerator;
  seen.localYes += v['local-share-epci'].byCount.numerator;
  seen.concentratedMarkets += (v.concentration.details as { concentratedMarkets: number }).concentratedMarkets;
  seen.charterMembers += v['advances-charter'].byCount.denominator;
  if (store.contracts !== selected.length) out.push(`contracts: store ${store.contracts} ≠ domain ${selected.length}`);
  return out.map((d) => `${JSON.stringify(filters)} ${d}`);
}

// ---- synthetic contracts -----------------------------------------------------------------------

const BUYERS = ['21350238800014', '21290232500018', '24290069400012', '20005478100022', 'BUYER-NOT-A-SIRET'];
const SUPPLIERS = ['44306184100047', '55208131766522', '38012986600012', '38012986600038', '79123456700011', 'FR12345678901', 'DE123456789', 'HORS-UE-7', 'not-a-siret'];
const PROCEDURES = [null, 'Procédure adaptée', "Appel d'offres ouvert", "Appel d'offres restreint", 'Marché passé sans publicité ni mise en concurrence préalable', 'Procédure concurrentielle avec négociation'];
const CPVS = [null, '45233141', '45210000', '72000000', '30192000', '90911200'];
const SOCIAL = [[], ['Pas de considération sociale'], ['Clause sociale'], ['Critère social', 'Marché réservé'], ['Pas de considération sociale', 'Clause sociale']];
const ENVIRONMENTAL = [[], ['Pas de considération environnementale'], ['Clause environnementale'], ['Critère environnemental']];

function supplierRef(id: string): OrganisationRef {
  if (id.startsWith('FR') || id.startsWith('DE')) return { id, typeIdentifiant: 'TVA', denominationSociale: null, siretValide: false };
  if (id.startsWith('HORS')) return { id, typeIdentifiant: 'HORS-UE', denominationSociale: null, siretValide: false };
  return { id, typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: /^\d{14}$/.test(id) };
}

const contractArb = fc.record({
  buyer: fc.constantFrom(...BUYERS),
  titulaires: fc.uniqueArray(fc.constantFrom(...SUPPLIERS), { maxLength: 3 }),
  cpv: fc.constantFrom(...CPVS),
  montant: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 400_000 }).map((v) => v + 0.37), fc.constantFrom(10_000, 30_000, 4_000_000_000)),
  usable: fc.boolean(),
  day: fc.option(fc.integer({ min: 0, max: 365 * 6 }), { freq: 8 }),
  published: fc.option(fc.integer({ min: -5, max: 120 }), { freq: 4 }),
  procedure: fc.constantFrom(...PROCEDURES),
  accordCadre: fc.boolean(),
  offres: fc.option(fc.integer({ min: 1, max: 4 })),
  avance: fc.option(fc.boolean()),
  taux: fc.option(fc.constantFrom(0, 0.05, 0.3, 0.4, 30)),
  social: fc.constantFrom(...SOCIAL),
  environmental: fc.constantFrom(...ENVIRONMENTAL),
  sousTraitance: fc.option(fc.boolean()),
  innovant: fc.option(fc.boolean()),
  sources: fc.constantFrom(['megalis'], ['megalis', 'aife']),
  copy: fc.boolean(),
});

const dayIso = (day: number) => new Date(Date.UTC(2019, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);

export const contractsArb = fc.array(contractArb, { minLength: 1, maxLength: 40 }).map((rows) => {
  const out: Contract[] = [];
  rows.forEach((r, i) => {
    const date = r.day == null ? null : dayIso(r.day);
    const c = aCanonicalContract({
      uid: `U${i}`,
      id: `C${i}`,
      acheteur: { id: r.buyer, typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: /^\d{14}$/.test(r.buyer) },
      codeCPV: r.cpv,
      montant: r.montant,
      montantUtilisable: r.usable,
      dateNotification: date,
      datePublicationDonnees: date && r.published != null ? dayIso(r.day! + r.published) : null,
      procedure: r.procedure,
      techniques: r.accordCadre ? ['Accord-cadre'] : [],
      offresRecues: r.offres,
      attributionAvance: r.avance,
      tauxAvance: r.taux,
      considerationsSociales: r.social,
      considerationsEnvironnementales: r.environmental,
      sousTraitanceDeclaree: r.sousTraitance,
      marcheInnovant: r.innovant,
      titulaires: r.titulaires.map(supplierRef),
      provenance: r.sources.map((source, p) => ({ source, file: `${source}.json`, position: p + 1, format: 'decp-2022-json', schemaVersion: '2.0.3' })),
    });
    out.push(c);
    // the same award published again under another id, some days later: a probable duplicate
    if (r.copy && date) out.push({ ...c, uid: `U${i}-copy`, id: `C${i}-copy`, dateNotification: dayIso(r.day! + 10) });
  });
  return out;
});

const profileArb = (id: string) =>
  fc.record({
    categorie: fc.constantFrom('PME', 'ETI', 'GE', null),
    tpe: fc.option(fc.boolean()),
    place: fc.constantFrom(
      { communeCode: '35238', epciSiren: '243500139', departementCode: '35', regionCode: '53', latitude: 48.11, longitude: -1.68 },
      { communeCode: '29232', epciSiren: '242900314', departementCode: '29', regionCode: '53', latitude: 47.99, longitude: -4.1 },
      { communeCode: '29155', epciSiren: null, departementCode: '29', regionCode: '53', latitude: 48.46, longitude: -5.09 },
      { communeCode: '75056', epciSiren: '200054781', departementCode: '75', regionCode: '11', latitude: 48.86, longitude: 2.35 },
      { communeCode: null, epciSiren: null, departementCode: null, regionCode: null, latitude: null, longitude: null },
    ),
    type: fc.constantFrom('commune', 'epci', 'departement', null),
    foreign: fc.boolean(),
  }).map(
    (p): OrganisationProfile => ({
      id,
      siret: id,
      siren: /^\d{14}$/.test(id) ? id.slice(0, 9) : null,
      status: 'resolved',
      unknownReason: p.foreign ? 'FOREIGN' : null,
      nom: null,
      categorieEntreprise: p.categorie,
      trancheEffectifs: null,
      tpe: p.tpe,
      categorieJuridique: null,
      typeOrganisation: p.type,
      naf: null,
      communeNom: null,
      epciNom: null,
      ...p.place,
      origin: 'sirene-stock',
      resolvedAt: '2025-01-01T00:00:00Z',
    }) as OrganisationProfile,
  );

/** Profiles for some organisations, known before the contracts; some of them (and others) change afterwards. */
const someProfiles = (): fc.Arbitrary<OrganisationProfile[]> =>
  fc.subarray([...BUYERS, ...SUPPLIERS]).chain((ids) => (ids.length === 0 ? fc.constant<OrganisationProfile[]>([]) : fc.tuple(...ids.map(profileArb)).map((ps) => [...ps])));
export const profilesArb = fc.record({ early: someProfiles(), late: someProfiles() });

export const BUYER_IDS: ReadonlySet<string> = new Set(BUYERS);

/** The filter mix of the issue, on the synthetic vocabulary. */
export const SYNTHETIC_FILTERS: AnalyticsFilters[] = [
  { coTraitance: 'partage' },
  { coTraitance: 'mandataire' },
  { coTraitance: 'partage', territoire: { level: 'departement', code: '35' } },
  { coTraitance: 'partage', territoire: { level: 'epci', code: '243500139' }, annee: 2023 },
  { coTraitance: 'partage', cpv: '45', typeAchat: 'travaux' },
  { coTraitance: 'partage', acheteur: '213502388' },
  { coTraitance: 'mandataire', acheteur: '21290232500018' },
  { coTraitance: 'partage', typeAcheteur: 'commune' },
  { coTraitance: 'partage', du: '2021-01-01', au: '2022-06-30' },
];

/** Current profiles after the early and the late ones (a late profile replaces an early one). */
export function currentProfiles(early: readonly OrganisationProfile[], late: readonly OrganisationProfile[]): Map<string, OrganisationProfile> {
  const out = new Map<string, OrganisationProfile>();
  for (const p of [...early, ...late]) out.set(p.id, p);
  return out;
}
