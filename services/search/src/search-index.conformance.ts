import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContractSearchDocument } from './domain/search-document';
import type { SearchIndex } from './domain/search-index.port';
import { FACET_NAMES, type FacetName, type SearchQueryInput } from './domain/search-query';
type SearchFilters = NonNullable<SearchQueryInput['filters']>;
import type { FacetBucket, SearchResult } from './domain/search-result';
import { SearchCursorInvalidError, SearchQueryInvalidError } from './domain/search.errors';
import {
  BUYERS,
  FIXTURE,
  FOREIGN_SUPPLIER_ID,
  SUPPLIERS,
  UNRESOLVED_SUPPLIER_ID,
  aContract,
  aProfile,
  documentOf,
  fixtureDocuments,
  syntheticDocuments,
  uidsOf,
} from './testing/contract.builder';

/** Creates a fresh, empty, not yet ensured index; each call must return an index of its own. */
export type SearchIndexFactory = () => SearchIndex | Promise<SearchIndex>;

const uids = (r: SearchResult) => r.items.map((i) => i.uid).sort();

/** Reference facet computation over plain documents (the oracle the engines must agree with). */
function expectedFacet(docs: ContractSearchDocument[], name: FacetName): FacetBucket[] {
  const keysOf = (d: ContractSearchDocument): (string | null)[] => {
    switch (name) {
      case 'purchaseType':
        return [d.purchaseType];
      case 'cpvDivision':
        return [d.cpvDivision];
      case 'buyerDepartement':
        return [d.buyer.departement];
      case 'buyerType':
        return [d.buyer.type];
      case 'procedure':
        return [d.procedure];
      case 'year':
        return [d.year === null ? null : String(d.year)];
      case 'supplierCategorie':
        return [...new Set(d.titulaires.map((t) => t.categorie))];
    }
  };
  const buckets = new Map<string, FacetBucket>();
  for (const d of docs) {
    for (const key of keysOf(d)) {
      if (key === null) continue;
      const b = buckets.get(key) ?? { key, count: 0, amount: 0 };
      b.count += 1;
      b.amount += d.amount ?? 0;
      buckets.set(key, b);
    }
  }
  return [...buckets.values()]
    .map((b) => ({ ...b, amount: Math.round(b.amount * 100) / 100 }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}

/** The filters with this facet's own filter set to one value, every other filter kept. */
function selecting(filters: SearchFilters, facet: FacetName, key: string): SearchFilters {
  switch (facet) {
    case 'purchaseType':
      return { ...filters, purchaseType: key as 'travaux' };
    case 'cpvDivision':
      return { ...filters, cpv: [key] };
    case 'buyerDepartement':
      return { ...filters, buyerTerritory: { ...filters.buyerTerritory, departement: [key] } };
    case 'buyerType':
      return { ...filters, buyerType: [key] };
    case 'supplierCategorie':
      return { ...filters, supplierCategorie: [key as 'PME'] };
    case 'procedure':
      return { ...filters, procedure: [key] };
    case 'year':
      return { ...filters, year: [Number(key)] };
  }
}

function compareNullsLast(a: string | number | null, b: string | number | null, order: 'asc' | 'desc'): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (a === b) return 0;
  return (a < b ? -1 : 1) * (order === 'asc' ? 1 : -1);
}

function expectedOrder(docs: ContractSearchDocument[], field: 'date' | 'amount', order: 'asc' | 'desc'): string[] {
  return [...docs]
    .sort(
      (a, b) =>
        compareNullsLast(field === 'date' ? a.dateNotification : a.amount, field === 'date' ? b.dateNotification : b.amount, order) ||
        (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0),
    )
    .map((d) => d.uid);
}

async function collectAllPages(index: SearchIndex, query: SearchQueryInput): Promise<{ uids: string[]; pages: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await index.search({ ...query, cursor, facets: [] });
    seen.push(...page.items.map((i) => i.uid));
    cursor = page.nextCursor ?? undefined;
    pages++;
    if (pages > 1000) throw new Error('pagination does not end');
  } while (cursor);
  return { uids: seen, pages };
}

/**
 * The behaviour every SearchIndex adapter must have. Registered by each adapter's spec file:
 * the embedded engine in the unit tier (in-memory SQLite), Elasticsearch/OpenSearch in the
 * integration tier (a real server).
 */
export function describeSearchIndexConformance(name: string, factory: SearchIndexFactory): void {
  describe(`SearchIndex conformance: ${name}`, () => {
    let index: SearchIndex;

    beforeEach(async () => {
      index = await factory();
      await index.ensureIndex();
    });

    afterEach(async () => {
      await index.drop();
      await index.close();
    });

    async function load(docs: ContractSearchDocument[] = fixtureDocuments()): Promise<void> {
      const report = await index.upsertMany(docs);
      expect(report.failed).toEqual([]);
      await index.refresh();
    }

    describe('French full text', () => {
      beforeEach(() => load());

      it('finds "voiries" and "voirie" when searching "travaux de voirie" (stemming, stop words, every word across fields)', async () => {
        const r = await index.search({ q: 'travaux de voirie' });
        expect(uids(r)).toEqual(uidsOf('c1', 'c2', 'c9'));
        expect(r.total).toBe(3);
      });

      it('finds accented text from an unaccented query and the other way round, through elisions', async () => {
        const expected = uidsOf('c3', 'c6', 'c7'); // écoles, l'école (de musique), l'école élémentaire
        expect(uids(await index.search({ q: 'ecole' }))).toEqual(expected);
        expect(uids(await index.search({ q: 'écoles' }))).toEqual(expected);
        expect(uids(await index.search({ q: 'ÉCOLE' }))).toEqual(expected);
        expect(uids(await index.search({ q: "l'école" }))).toEqual(expected);
        expect(uids(await index.search({ q: 'lycees' }))).toEqual(uidsOf('c4'));
        expect(uids(await index.search({ q: 'rehabilitation' }))).toEqual(uidsOf('c7'));
      });

      it('searches organisation names and CPV labels too', async () => {
        expect(uids(await index.search({ q: 'Eurovia' }))).toEqual(uidsOf('c1', 'c9'));
        expect(uids(await index.search({ q: 'brest metropole' }))).toEqual(uidsOf('c2'));
        expect(uids(await index.search({ q: 'matériel informatique' }))).toEqual(uidsOf('c4'));
      });

      it('highlights the matched words of objet, HTML-escaped', async () => {
        const r = await index.search({ q: 'voirie', filters: { buyer: BUYERS.rennesMetropole.id } });
        expect(r.items).toHaveLength(1);
        expect(r.items[0].highlight).toContain('<mark>voiries</mark>');
        expect(r.items[0].link).toBe(`/contrats/${FIXTURE.c1.uid}`);
        expect(r.items[0].score).toBeGreaterThan(0);
        expect(r.items[0].doc.buyer.nom).toBe('Rennes Métropole');
      });

      it('treats query syntax of either engine as plain words', async () => {
        for (const q of ['voirie OR NEAR(', 'objet:voirie AND *', '"voirie', 'voirie^5 -travaux', '(((']) {
          await expect(index.search({ q })).resolves.toBeDefined();
        }
        expect((await index.search({ q: 'de la des' })).total).toBe(0); // only stop words: nothing to match
      });
    });

    describe('filters', () => {
      beforeEach(() => load());

      const cases: [string, SearchQueryInput['filters'], string[]][] = [
        ['buyer by SIRET', { buyer: BUYERS.rennesMetropole.id }, uidsOf('c1', 'c6')],
        ['buyer by SIREN', { buyer: '233500016' }, uidsOf('c4', 'c8')],
        ['buyer type', { buyerType: 'commune' }, uidsOf('c3', 'c7', 'c9')],
        ['buyer département', { buyerTerritory: { departement: '29' } }, uidsOf('c2', 'c3', 'c9')],
        ['buyer EPCI', { buyerTerritory: { epci: '243500139' } }, uidsOf('c1', 'c4', 'c6', 'c8')],
        ['buyer région', { buyerTerritory: { region: '52' } }, uidsOf('c7')],
        ['buyer outside Brittany', { buyerTerritory: { bretagne: false } }, uidsOf('c7')],
        ['supplier département', { supplierTerritory: { departement: '44' } }, uidsOf('c7')],
        ['supplier EPCI', { supplierTerritory: { epci: '242900801' } }, uidsOf('c1', 'c2')],
        ['supplier in Brittany', { supplierTerritory: { bretagne: true } }, uidsOf('c1', 'c2', 'c4', 'c6', 'c9')],
        ['supplier région', { supplierTerritory: { region: ['32', '76'] } }, uidsOf('c3', 'c5')],
        ['CPV prefix', { cpv: '4523' }, uidsOf('c1', 'c2', 'c9')],
        ['CPV division, several prefixes', { cpv: ['45', '9091'] }, uidsOf('c1', 'c2', 'c6', 'c7', 'c9')],
        ['purchase type', { purchaseType: 'fournitures' }, uidsOf('c5', 'c8')],
        ['nature', { nature: 'Marché de partenariat' }, uidsOf('c4')],
        ['procedure', { procedure: "Appel d'offres ouvert" }, uidsOf('c2', 'c3', 'c7')],
        ['notification date range', { notificationDate: { min: '2024-01-01', max: '2024-06-30' } }, uidsOf('c1', 'c2', 'c4', 'c9')],
        ['amount range (usable amounts only)', { amount: { min: 100_000, max: 1_000_000 } }, uidsOf('c1', 'c2', 'c9')],
        ['amount above', { amount: { min: 2_000_000 } }, uidsOf('c4', 'c7')],
        ['supplier size PME', { supplierCategorie: 'PME' }, uidsOf('c1', 'c2', 'c6', 'c7')],
        ['supplier size unknown', { supplierCategorie: 'unknown' }, uidsOf('c7', 'c8')],
        ['supplier size ETI or GE', { supplierCategorie: ['ETI', 'GE'] }, uidsOf('c1', 'c3', 'c4', 'c5', 'c9')],
        ['size and territory hold for the same titulaire', { supplierCategorie: 'GE', supplierTerritory: { departement: '29' } }, []],
        ['social consideration', { considerationSociale: true }, uidsOf('c1', 'c3')],
        ['environmental consideration', { considerationEnvironnementale: true }, uidsOf('c2', 'c3')],
        ['no environmental consideration', { considerationEnvironnementale: false }, uidsOf('c1', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9')],
        ['innovation', { innovation: true }, uidsOf('c4')],
        ['declared not innovative (unknown excluded)', { innovation: false }, uidsOf('c1', 'c2', 'c3', 'c5', 'c6', 'c7', 'c9')],
        ['subcontracting', { subcontracting: true }, uidsOf('c4')],
        ['single bid', { singleBid: true }, uidsOf('c2', 'c9')],
        ['several bids (unknown excluded)', { singleBid: false }, uidsOf('c1', 'c3', 'c4', 'c6', 'c7')],
        ['filters combine with AND', { purchaseType: 'travaux', buyerTerritory: { bretagne: true }, singleBid: true }, uidsOf('c2', 'c9')],
      ];
      it.each(cases)('filters by %s', async (_label, filters, expected) => {
        const r = await index.search({ filters });
        expect(uids(r)).toEqual(expected);
        expect(r.total).toBe(expected.length);
      });

      it('combines text and filters', async () => {
        const r = await index.search({ q: 'voirie', filters: { buyerTerritory: { departement: '29' } } });
        expect(uids(r)).toEqual(uidsOf('c2', 'c9'));
      });
    });

    describe('facets', () => {
      beforeEach(() => load());

      it.each(FACET_NAMES.map((f) => [f]))('counts contracts and sums usable amounts by %s', async (facet) => {
        const r = await index.search({ facets: [facet] });
        expect(r.facets[facet]).toEqual(expectedFacet(fixtureDocuments(), facet));
      });

      it('counts a contract once per supplier size even with several titulaires', async () => {
        const r = await index.search({ facets: ['supplierCategorie'] });
        const byKey = Object.fromEntries((r.facets.supplierCategorie ?? []).map((b) => [b.key, b]));
        expect(byKey.GE).toEqual({ key: 'GE', count: 3, amount: 845_000 + 98_500.5 + 150_000 }); // c9 has two GE titulaires
        expect(byKey.PME).toEqual({ key: 'PME', count: 4, amount: 845_000 + 320_000 + 3_100_000 }); // c6 unusable: counted, not summed
        expect(byKey.unknown).toEqual({ key: 'unknown', count: 2, amount: 3_100_000 });
      });

      it('computes facets over the filtered and searched set', async () => {
        const r = await index.search({ q: 'voirie', facets: ['buyerDepartement', 'year'] });
        expect(r.facets.buyerDepartement).toEqual([
          { key: '29', count: 2, amount: 470_000 },
          { key: '35', count: 1, amount: 845_000 },
        ]);
        expect(r.facets.year).toEqual([{ key: '2024', count: 3, amount: 1_315_000 }]);
        expect((await index.search({ facets: [] })).facets).toEqual({});
      });
    });

    describe('disjunctive facets', () => {
      beforeEach(() => load());

      const docs = () => fixtureDocuments();
      const where = (pred: (d: ContractSearchDocument) => boolean) => docs().filter(pred);
      const inDepartements = (...deps: string[]) => (d: ContractSearchDocument) => deps.includes(d.buyer.departement ?? '');
      const zero = (key: string): FacetBucket => ({ key, count: 0, amount: 0 });

      it('keeps the other values of a facet, with their counts, once a value of it is picked', async () => {
        const r = await index.search({ filters: { buyerTerritory: { departement: '29' } }, facets: ['buyerDepartement'] });
        expect(r.facets.buyerDepartement).toEqual(expectedFacet(docs(), 'buyerDepartement'));
        expect(uids(r)).toEqual(uidsOf('c2', 'c3', 'c9'));
        expect(r.total).toBe(3);
      });

      it('counts each facet with the filters of the other facets, never with its own', async () => {
        const r = await index.search({
          filters: { buyerTerritory: { departement: '29' }, purchaseType: 'travaux' },
          facets: ['buyerDepartement', 'purchaseType', 'year'],
        });
        // département counts among travaux, purchase-type counts in the Finistère, years with both filters
        expect(r.facets.buyerDepartement).toEqual(expectedFacet(where((d) => d.purchaseType === 'travaux'), 'buyerDepartement'));
        expect(r.facets.purchaseType).toEqual(expectedFacet(where(inDepartements('29')), 'purchaseType'));
        expect(r.facets.year).toEqual(expectedFacet(where((d) => d.purchaseType === 'travaux' && inDepartements('29')(d)), 'year'));
        expect(uids(r)).toEqual(uidsOf('c2', 'c9'));
        expect(r.total).toBe(2);
      });

      it('combines several values of one facet with OR and facets with AND (départements, years)', async () => {
        const r = await index.search({
          filters: { buyerTerritory: { departement: ['29', '56'] }, year: [2022, 2023] },
          facets: ['buyerDepartement', 'year', 'purchaseType'],
        });
        const matching = where((d) => inDepartements('29', '56')(d) && [2022, 2023].includes(d.year ?? 0));
        expect(uids(r)).toEqual(uidsOf('c3', 'c5'));
        expect(r.total).toBe(2);
        expect(r.facets.buyerDepartement).toEqual(expectedFacet(where((d) => [2022, 2023].includes(d.year ?? 0)), 'buyerDepartement'));
        expect(r.facets.year).toEqual(expectedFacet(where(inDepartements('29', '56')), 'year'));
        expect(r.facets.purchaseType).toEqual(expectedFacet(matching, 'purchaseType'));
      });

      it('still lists a selected value that has no match, with count 0', async () => {
        // "voirie" only finds travaux: fournitures is selected too, and must stay visible to be unticked
        const r = await index.search({ q: 'voirie', filters: { purchaseType: ['travaux', 'fournitures'] }, facets: ['purchaseType'] });
        expect(uids(r)).toEqual(uidsOf('c1', 'c2', 'c9'));
        expect(r.facets.purchaseType).toEqual([{ key: 'travaux', count: 3, amount: 1_315_000 }, zero('fournitures')]);

        // values found nowhere in the index, in every kind of facet; a CPV prefix longer than a division adds no key
        const none = await index.search({
          filters: { buyerType: ['commune', 'hopital'], year: [2024, 2019], cpv: ['45', '71', '4523'], procedure: ['Procédure adaptée', 'Dialogue compétitif'] },
          facets: ['buyerType', 'year', 'cpvDivision', 'procedure'],
        });
        expect(uids(none)).toEqual(uidsOf('c9')); // commune, 2024, CPV 45, procédure adaptée
        const yearsOfCommunes = where((d) => d.buyer.type === 'commune' && d.cpvDivision === '45' && d.procedure === 'Procédure adaptée');
        expect(none.facets.year).toEqual([...expectedFacet(yearsOfCommunes, 'year'), zero('2019')]);
        expect(none.facets.buyerType?.find((b) => b.key === 'hopital')).toEqual(zero('hopital'));
        expect(none.facets.cpvDivision?.find((b) => b.key === '71')).toEqual(zero('71'));
        expect(none.facets.cpvDivision?.some((b) => b.key === '4523')).toBe(false);
        expect(none.facets.procedure?.find((b) => b.key === 'Dialogue compétitif')).toEqual(zero('Dialogue compétitif'));

        // nothing matches at all: every selected value is listed, with 0
        const nothing = await index.search({ q: 'voirie', filters: { supplierCategorie: 'ETI', buyerTerritory: { departement: '56' } }, facets: ['supplierCategorie', 'buyerDepartement'] });
        expect(nothing.total).toBe(0);
        expect(nothing.items).toEqual([]);
        expect(nothing.facets.supplierCategorie).toEqual([zero('ETI')]); // no "voirie" in the Morbihan at all
        expect(nothing.facets.buyerDepartement).toEqual([zero('56')]);
        const stopWords = await index.search({ q: 'de la', filters: { purchaseType: 'travaux' }, facets: ['purchaseType'] });
        expect(stopWords.total).toBe(0);
        expect(stopWords.facets.purchaseType).toEqual([zero('travaux')]);
      });

      it('counts supplier sizes among the titulaires meeting the supplier territory filter (one and the same titulaire)', async () => {
        // titulaires in the Finistère: only SARL TRAVAUX PUBLICS DU LEON (PME), on c1 and c2; c1 also has a GE from Rennes
        const r = await index.search({ filters: { supplierCategorie: 'GE', supplierTerritory: { departement: '29' } }, facets: ['supplierCategorie', 'buyerDepartement'] });
        expect(r.total).toBe(0);
        expect(r.facets.supplierCategorie).toEqual([{ key: 'PME', count: 2, amount: 845_000 + 320_000 }, zero('GE')]);
        expect(r.facets.buyerDepartement).toEqual([]);
        const pme = await index.search({ filters: { supplierCategorie: 'PME', supplierTerritory: { departement: '29' } }, facets: [] });
        expect(uids(pme)).toEqual(uidsOf('c1', 'c2'));
      });

      it("gives each value the number of contracts that ticking it alone would find (the other facets' filters kept)", async () => {
        const selections: SearchFilters[] = [
          { buyerTerritory: { departement: ['29', '35'] }, purchaseType: 'travaux' },
          { supplierCategorie: ['PME', 'unknown'], year: 2024, cpv: '45' },
          { procedure: "Appel d'offres ouvert", buyerType: ['commune', 'epci'], supplierTerritory: { bretagne: true } },
        ];
        for (const filters of selections) {
          const r = await index.search({ filters });
          for (const facet of FACET_NAMES) {
            for (const bucket of r.facets[facet] ?? []) {
              const alone = await index.search({ filters: selecting(filters, facet, bucket.key), facets: [], size: 1 });
              expect({ filters, facet, key: bucket.key, count: alone.total }).toEqual({ filters, facet, key: bucket.key, count: bucket.count });
            }
          }
        }
      });

      it('keeps hits, total, order and cursors on every filter while facets are disjunctive', async () => {
        const query: SearchQueryInput = {
          filters: { buyerTerritory: { departement: ['29', '35'] }, supplierCategorie: ['GE', 'PME'] },
          sort: { field: 'amount', order: 'desc' },
          size: 2,
        };
        const expected = uidsOf('c1', 'c2', 'c6', 'c9');
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await index.search({ ...query, cursor }); // every facet requested on every page
          expect(page.total).toBe(expected.length);
          expect(page.facets.buyerDepartement?.length).toBeGreaterThan(2);
          seen.push(...page.items.map((i) => i.uid));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(expectedOrder(docs().filter((d) => expected.includes(d.uid)), 'amount', 'desc'));
      });
    });

    describe('ordering and pagination', () => {
      it.each([
        ['date', 'desc'],
        ['date', 'asc'],
        ['amount', 'desc'],
        ['amount', 'asc'],
      ] as const)('orders by %s %s, missing values last, ties by uid', async (field, order) => {
        await load();
        const r = await index.search({ sort: { field, order }, size: 100, facets: [] });
        expect(r.items.map((i) => i.uid)).toEqual(expectedOrder(fixtureDocuments(), field, order));
        expect(r.nextCursor).toBeNull();
      });

      it('ranks by relevance when there is a text query', async () => {
        await load();
        const r = await index.search({ q: 'voirie', sort: { field: 'relevance', order: 'desc' } });
        const scores = r.items.map((i) => i.score ?? 0);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
      });

      it('pages through 260 documents by cursor without gaps or duplicates, in every order', async () => {
        const docs = syntheticDocuments(260, 7);
        await load(docs);
        expect(await index.count()).toBe(260);
        for (const [field, order] of [['date', 'desc'], ['amount', 'asc'], ['amount', 'desc'], ['date', 'asc']] as const) {
          const { uids: seen, pages } = await collectAllPages(index, { sort: { field, order }, size: 37 });
          expect(pages).toBe(Math.ceil(260 / 37));
          expect(seen).toEqual(expectedOrder(docs, field, order));
        }
        const { uids: seen } = await collectAllPages(index, { q: 'scolaire', size: 25 });
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe((await index.search({ q: 'scolaire', size: 1 })).total);
        expect(seen.length).toBeGreaterThan(25);
        const filtered = await collectAllPages(index, { filters: { buyerTerritory: { departement: '35' } }, sort: { field: 'date', order: 'desc' }, size: 10 });
        expect(filtered.uids).toEqual(expectedOrder(docs.filter((d) => d.buyer.departement === '35'), 'date', 'desc'));
      });

      it('rejects a cursor from another sort or a forged one', async () => {
        await load();
        const first = await index.search({ sort: { field: 'date', order: 'desc' }, size: 2 });
        expect(first.nextCursor).not.toBeNull();
        await expect(index.search({ sort: { field: 'amount', order: 'desc' }, cursor: first.nextCursor ?? '' })).rejects.toBeInstanceOf(
          SearchCursorInvalidError,
        );
        await expect(index.search({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(SearchCursorInvalidError);
      });
    });

    describe('external versioning', () => {
      it('never lets an older or equal version overwrite a newer one, whatever the arrival order', async () => {
        const v1 = documentOf(aContract({ ...FIXTURE.c1, objet: 'Version 1 : travaux de voirie' }), 1);
        const v2 = documentOf(aContract({ ...FIXTURE.c1, objet: 'Version 2 : travaux de voirie avenant' }), 2);
        const v3 = documentOf(aContract({ ...FIXTURE.c1, objet: 'Version 3 : travaux de voirie résiliation' }), 3);
        expect(await index.upsertMany([v2])).toEqual({ applied: 1, stale: 0, failed: [] });
        expect(await index.upsertMany([v1])).toEqual({ applied: 0, stale: 1, failed: [] });
        expect(await index.upsertMany([v2])).toEqual({ applied: 0, stale: 1, failed: [] }); // redelivered
        await index.refresh();
        expect((await index.search({ q: 'avenant' })).total).toBe(1);
        expect(await index.upsertMany([v3, v1, v2])).toEqual({ applied: 1, stale: 2, failed: [] });
        await index.refresh();
        expect((await index.search({ q: 'avenant' })).total).toBe(0);
        expect((await index.search({ q: 'résiliation' })).items[0]?.uid).toBe(FIXTURE.c1.uid);
        expect(await index.count()).toBe(1);
      });
    });

    describe('organisation profiles arriving late', () => {
      it('re-denormalises the documents naming the organisation, keeping their version', async () => {
        const lateId = UNRESOLVED_SUPPLIER_ID;
        await load([documentOf(FIXTURE.c8, 4), documentOf(FIXTURE.c1, 2)]);
        expect((await index.search({ filters: { supplierCategorie: 'PME' } })).total).toBe(1); // c1 only
        expect((await index.search({ q: 'menuiserie' })).total).toBe(0);

        const profile = aProfile({
          id: lateId, nom: 'MENUISERIE LE GOFF', categorieEntreprise: 'PME',
          communeCode: '29019', communeNom: 'Brest', epciSiren: '242900314', epciNom: 'Brest Métropole', departementCode: '29', regionCode: '53',
        });
        expect(await index.updateOrganisation(profile)).toEqual({ updated: 1 });
        await index.refresh();

        expect(uids(await index.search({ filters: { supplierCategorie: 'PME' } }))).toEqual(uidsOf('c1', 'c8'));
        expect(uids(await index.search({ q: 'menuiserie goff' }))).toEqual(uidsOf('c8'));
        expect(uids(await index.search({ filters: { supplierTerritory: { epci: '242900314' } } }))).toEqual(uidsOf('c8'));
        const suggestions = await index.suggestOrganisations('menuis', 5);
        expect(suggestions).toContainEqual({ id: lateId, nom: 'MENUISERIE LE GOFF', role: 'supplier', contracts: 1 });
        // The version is untouched: the same revision is stale, the next one applies.
        expect((await index.upsertMany([documentOf(FIXTURE.c8, 4)])).stale).toBe(1);
        expect((await index.upsertMany([documentOf(FIXTURE.c8, 5)])).applied).toBe(1);
      });

      it('updates a buyer profile on every contract of that buyer', async () => {
        const orgsWithoutBuyer = new Map([...Object.values(SUPPLIERS)].map((p) => [p.id, p]));
        await load([documentOf(FIXTURE.c1, 1, orgsWithoutBuyer), documentOf(FIXTURE.c6, 1, orgsWithoutBuyer)]);
        expect((await index.search({ filters: { buyerTerritory: { departement: '35' } } })).total).toBe(0);
        expect(await index.updateOrganisation(BUYERS.rennesMetropole)).toEqual({ updated: 2 });
        await index.refresh();
        expect(uids(await index.search({ filters: { buyerType: 'epci', buyerTerritory: { departement: '35' } } }))).toEqual(uidsOf('c1', 'c6'));
        expect((await index.updateOrganisation(aProfile({ id: '99999999999999', nom: 'Personne' }))).updated).toBe(0);
      });

      it('applies a batch of profiles in one set-based call, each document rewritten once with all of them', async () => {
        const orgsWithoutBuyer = new Map([...Object.values(SUPPLIERS)].map((p) => [p.id, p]));
        await load([documentOf(FIXTURE.c1, 1, orgsWithoutBuyer), documentOf(FIXTURE.c6, 1, orgsWithoutBuyer), documentOf(FIXTURE.c8, 3)]);
        const late = aProfile({ id: UNRESOLVED_SUPPLIER_ID, nom: 'MENUISERIE LE GOFF', categorieEntreprise: 'PME', departementCode: '29', regionCode: '53' });
        const unknown = aProfile({ id: '99999999999999', nom: 'Personne' });
        // c1 and c6 name the buyer, c8 the late supplier: three documents, each counted once.
        expect(await index.updateOrganisations([BUYERS.rennesMetropole, late, unknown])).toEqual({ updated: 3 });
        expect(await index.updateOrganisations([])).toEqual({ updated: 0 });
        await index.refresh();
        expect(uids(await index.search({ filters: { buyerType: 'epci', buyerTerritory: { departement: '35' } } }))).toEqual(uidsOf('c1', 'c6'));
        expect(uids(await index.search({ q: 'menuiserie goff' }))).toEqual(uidsOf('c8'));
        expect((await index.upsertMany([documentOf(FIXTURE.c8, 3)])).stale).toBe(1); // versions untouched
      });

      it('rewrites a document at its own revision only when asked (sameVersion), never an older one', async () => {
        await load([documentOf(FIXTURE.c1, 2)]);
        const again = documentOf(aContract({ ...FIXTURE.c1, objet: 'Travaux de voirie, même révision re-dénormalisée' }), 2);
        expect(await index.upsertMany([again])).toEqual({ applied: 0, stale: 1, failed: [] });
        expect(await index.upsertMany([again], { sameVersion: true })).toEqual({ applied: 1, stale: 0, failed: [] });
        expect(await index.upsertMany([documentOf(FIXTURE.c1, 1)], { sameVersion: true })).toEqual({ applied: 0, stale: 1, failed: [] });
        await index.refresh();
        expect(uids(await index.search({ q: 'dénormalisée' }))).toEqual(uidsOf('c1'));
      });
    });

    describe('suggestions, counts, lifecycle', () => {
      beforeEach(() => load());

      it('suggests buyers and suppliers by word prefix, accents ignored, most contracts first', async () => {
        const rennes = await index.suggestOrganisations('renn', 5);
        expect(rennes[0]).toEqual({ id: BUYERS.rennesMetropole.id, nom: 'Rennes Métropole', role: 'buyer', contracts: 2 });
        expect(await index.suggestOrganisations('batiment ou', 5)).toEqual([
          { id: SUPPLIERS.batimentOuest.id, nom: 'BÂTIMENT OUEST CONSTRUCTION', role: 'supplier', contracts: 1 },
        ]);
        const eurovia = await index.suggestOrganisations('euro', 5);
        expect(eurovia).toEqual([{ id: SUPPLIERS.eurovia.id, nom: 'EUROVIA BRETAGNE', role: 'supplier', contracts: 2 }]);
        expect(await index.suggestOrganisations('233500', 5)).toEqual([
          { id: BUYERS.regionBretagne.id, nom: 'Région Bretagne', role: 'buyer', contracts: 2 },
        ]);
        expect(await index.suggestOrganisations(FOREIGN_SUPPLIER_ID.slice(0, 4), 5)).toEqual([]); // no name known
      });

      it('reindexes without losing a document, keeping versions', async () => {
        const before = await index.count();
        const report = await index.reindex();
        expect(report.documents).toBe(before);
        await index.refresh();
        expect(await index.count()).toBe(before);
        expect(uids(await index.search({ q: 'travaux de voirie' }))).toEqual(uidsOf('c1', 'c2', 'c9'));
        expect((await index.upsertMany([documentOf(FIXTURE.c1, 1)])).stale).toBe(1);
        expect((await index.upsertMany([documentOf(FIXTURE.c1, 2)])).applied).toBe(1);
      });

      it('reports health, counts, and starts empty again after drop', async () => {
        expect((await index.health()).status).toBe('up');
        expect(await index.count()).toBe(9);
        await index.drop();
        await index.ensureIndex();
        expect(await index.count()).toBe(0);
      });
    });

    describe('query validation', () => {
      it.each<[string, unknown, string]>([
        ['a page larger than 100', { size: 500 }, 'size'],
        ['an unknown filter', { filters: { montantMin: 3 } }, 'filters'],
        ['a CPV prefix that is not digits', { filters: { cpv: '45*' } }, 'filters.cpv'],
        ['a malformed SIRET', { filters: { buyer: '2435001390018' } }, 'filters.buyer'],
        ['an impossible date', { filters: { notificationDate: { min: '2024-13-45' } } }, 'filters.notificationDate.min'],
        ['a reversed amount range', { filters: { amount: { min: 10, max: 1 } } }, 'filters.amount'],
        ['an unknown sort', { sort: { field: 'popularity' } }, 'sort.field'],
        ['a text query that is too long', { q: 'x'.repeat(201) }, 'q'],
        ['query DSL instead of text', { q: { match_all: {} } }, 'q'],
      ])('rejects %s with a clear error', async (_label, query, path) => {
        const error = await index.search(query as SearchQueryInput).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SearchQueryInvalidError);
        expect((error as SearchQueryInvalidError).code).toBe('SEARCH_QUERY_INVALID');
        expect((error as SearchQueryInvalidError).issues.map((i) => i.path)).toContain(path);
      });

      it('rejects an empty suggestion prefix', async () => {
        await expect(index.suggestOrganisations('  ', 5)).rejects.toBeInstanceOf(SearchQueryInvalidError);
      });
    });
  });
}
