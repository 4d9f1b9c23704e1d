import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { contract, profile, ref } from '../../domain/testing/builders';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { ProjectContractsHandler } from '../project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../project-organisations/project-organisations.handler';
import type { AnalyticsFilters, TerritoryFilter } from '../shared/analytics-filters';
import { FactsLoader } from '../shared/facts-loader';
import { QueryCache } from '../shared/query-cache';
import { buyerResolved, contractPublished, delivered, freshSqliteOrm, supplierResolved } from '../testing/analytics-test-kit';
import { PreparePurchaseHandler, type PreparePurchaseResult } from './prepare-purchase.handler';

// Buyers: two in the Morbihan (56), one in Ille-et-Vilaine (35).
const VANNES = '21560260100014'; // EPCI 200067932 (Golfe du Morbihan - Vannes agglomération)
const LORIENT = '20004217400014'; // EPCI 200042174
const RENNES = '21350238800014';
// Suppliers
const PME_VANNES = '44306184100047'; // PME, Vannes agglomération, 56
const ETI_LORIENT = '38012986600012'; // ETI, Lorient agglomération, 56
const GE_PARIS = '55208131766522'; // GE, Paris: outside the territory
const UNKNOWN_SIZE = '32100000000018'; // size unknown, Lorient agglomération, 56
const NO_LOCATION = '79000000000011'; // PME, location unknown

const VANNES_PLACE = { communeCode: '56260', epciSiren: '200067932', departementCode: '56', regionCode: '53' };
const LORIENT_PLACE = { communeCode: '56121', epciSiren: '200042174', departementCode: '56', regionCode: '53' };
const buyers = [
  profile(VANNES, { nom: 'VANNES', typeOrganisation: 'commune', ...VANNES_PLACE }),
  profile(LORIENT, { nom: 'LORIENT AGGLOMERATION', typeOrganisation: 'epci', ...LORIENT_PLACE }),
  profile(RENNES, { nom: 'RENNES', typeOrganisation: 'commune' }),
];
const suppliers = [
  profile(PME_VANNES, { nom: 'TP VANNETAIS', categorieEntreprise: 'PME', ...VANNES_PLACE }),
  profile(ETI_LORIENT, { nom: 'ROUTES DU SCORFF', categorieEntreprise: 'ETI', ...LORIENT_PLACE }),
  profile(GE_PARIS, { nom: 'MAJOR BTP', categorieEntreprise: 'GE', communeCode: '75056', epciSiren: '200054781', departementCode: '75', regionCode: '11' }),
  profile(UNKNOWN_SIZE, { nom: null, categorieEntreprise: null, ...LORIENT_PLACE }),
  profile(NO_LOCATION, { nom: 'SANS ADRESSE', categorieEntreprise: 'PME', communeCode: null, epciSiren: null, departementCode: null, regionCode: null }),
];

const AOO = "Appel d'offres ouvert";
const MAPA = 'Procédure adaptée';
const contracts = [
  // similar (CPV 45, 30 000 – 300 000 € around 100 000 €), buyer in the 56
  contract({ uid: 'C1', acheteur: ref(VANNES), titulaires: [ref(PME_VANNES)], montant: 100_000, procedure: MAPA, offresRecues: 3 }),
  contract({ uid: 'C2', acheteur: ref(LORIENT), titulaires: [ref(ETI_LORIENT), ref(GE_PARIS)], montant: 200_000, procedure: AOO, offresRecues: 1 }),
  contract({ uid: 'C4', acheteur: ref(VANNES), titulaires: [ref(UNKNOWN_SIZE, { denominationSociale: 'ENROBÉS DU BLAVET' })], montant: 250_000, procedure: MAPA, offresRecues: null }),
  contract({ uid: 'C8', acheteur: ref(LORIENT), titulaires: [ref(NO_LOCATION)], montant: 150_000, procedure: null, offresRecues: 2 }),
  contract({ uid: 'C9', acheteur: ref(VANNES), titulaires: [ref(PME_VANNES)], montant: 120_000, techniques: ['Accord-cadre'], procedure: AOO, offresRecues: 4 }),
  // similar, buyer outside the 56 (supplier base only)
  contract({ uid: 'C3', acheteur: ref(RENNES), titulaires: [ref(PME_VANNES)], montant: 50_000, procedure: MAPA, offresRecues: 5 }),
  // not similar: amount outside the band, other CPV, unusable amount
  contract({ uid: 'C5', acheteur: ref(VANNES), titulaires: [ref(PME_VANNES)], montant: 1_000_000 }),
  contract({ uid: 'C6', acheteur: ref(VANNES), titulaires: [ref(ETI_LORIENT)], montant: 20_000 }),
  contract({ uid: 'C7', acheteur: ref(VANNES), titulaires: [ref(PME_VANNES)], codeCPV: '72000000', cpvDivision: '72', purchaseType: 'services', montant: 100_000 }),
  contract({ uid: 'C10', acheteur: ref(VANNES), titulaires: [ref(PME_VANNES)], montant: null, montantUtilisable: false }),
];

const MORBIHAN: TerritoryFilter = { level: 'departement', code: '56' };
const filters = (territoire: TerritoryFilter, extra: Partial<AnalyticsFilters> = {}) => ({ coTraitance: 'partage' as const, cpv: '45', territoire, ...extra });
const group = (r: PreparePurchaseResult, categorie: string) => r.supplierBase.groups.find((g) => g.categorie === categorie)!;
const indicator = (r: PreparePurchaseResult, key: string) => r.indicators.find((i) => i.key === key)!;

describe('PreparePurchaseHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  let handler: PreparePurchaseHandler;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    await new ProjectOrganisationsHandler(orm).handle(
      delivered([...suppliers.map((p) => supplierResolved(p, 1)), ...buyers.map((p) => buyerResolved(p, 1))], TOPICS.organisations),
    );
    await new ProjectContractsHandler(orm).handle(delivered(contracts.map((c) => contractPublished(c, 1))));
    const store = new ProjectionReadStore(orm);
    handler = new PreparePurchaseHandler(new FactsLoader(store), new QueryCache(() => store.revision()));
  });
  afterEach(() => orm.close());

  it('selects similar contracts by CPV prefix and amount band, everywhere and for the territory’s buyers', async () => {
    const r = await handler.execute({ filters: filters(MORBIHAN), montant: 100_000 });
    expect(r.purchase).toEqual({ cpv: '45', montant: 100_000, territoire: 'departement:56', band: { factorMin: 0.3, factorMax: 3, amountMin: 30_000, amountMax: 300_000 } });
    // C1 C2 C3 C4 C8 C9 (C5, C6 out of the band; C7 other CPV; C10 unusable amount); C3's buyer is in the 35
    expect(r.similar).toEqual({ everywhere: 6, inTerritory: 5 });
  });

  it('lists the firms located in the territory by size, the supplier outside and the unknown location apart', async () => {
    const r = await handler.execute({ filters: filters(MORBIHAN), montant: 100_000 });
    expect(r.supplierBase.suppliers).toBe(3); // GE_PARIS (75) is not local
    expect(r.supplierBase.unknownLocation).toBe(1); // NO_LOCATION
    expect(r.supplierBase.groups.map((g) => [g.categorie, g.suppliers, g.contracts, g.amount])).toEqual([
      ['PME', 1, 3, 150_000], // C1 100 000 + C3 50 000 (a Rennes buyer), C9 an accord-cadre: counted, not summed
      ['ETI', 1, 1, 100_000], // half of C2 (co-contractor with GE_PARIS)
      ['GE', 0, 0, 0],
      ['unknown', 1, 1, 250_000], // C4
    ]);
    expect(group(r, 'PME').items).toEqual([
      { id: PME_VANNES, nom: 'TP VANNETAIS', categorie: 'PME', communeCode: '56260', departementCode: '56', contracts: 3, amount: 150_000, frameworkAgreements: 1, lien: `/titulaires/${PME_VANNES}` },
    ]);
    // no profile name: the published denomination
    expect(group(r, 'unknown').items[0]).toMatchObject({ id: UNKNOWN_SIZE, nom: 'ENROBÉS DU BLAVET', categorie: 'unknown' });
    expect(JSON.stringify(r.supplierBase)).not.toContain(GE_PARIS);
  });

  it('computes local and SME shares of the territory’s similar contracts with the domain indicators (unknown apart)', async () => {
    const r = await handler.execute({ filters: filters(MORBIHAN), montant: 100_000 });
    expect(r.indicators.map((i) => i.key)).toEqual(['local-share-epci', 'local-share-departement', 'local-share-bretagne', 'sme-share']);
    // population C1 C2 C4 C8 C9; C2 split 1/2 ETI_LORIENT + 1/2 GE_PARIS; C8's supplier: location unknown; C9 an accord-cadre (amount apart)
    expect(indicator(r, 'sme-share').byCount).toEqual({ numerator: 3, denominator: 4, value: 0.75, unknown: 1, unknownShare: 0.2 });
    expect(indicator(r, 'sme-share').byAmount).toEqual({ numerator: 250_000, denominator: 450_000, value: 250_000 / 450_000, unknown: 250_000, unknownShare: 250_000 / 700_000 });
    expect(indicator(r, 'local-share-departement').byCount).toEqual({ numerator: 3.5, denominator: 4, value: 0.875, unknown: 1, unknownShare: 0.2 });
    expect(indicator(r, 'local-share-departement').byAmount).toMatchObject({ numerator: 450_000, denominator: 550_000, unknown: 150_000 });
    // C4: a Vannes buyer, a Lorient supplier → not the same EPCI
    expect(indicator(r, 'local-share-epci').byCount).toMatchObject({ numerator: 2.5, denominator: 4, unknown: 1 });
    expect(indicator(r, 'local-share-epci').byAmount).toMatchObject({ numerator: 200_000, denominator: 550_000, unknown: 150_000 });
    expect(indicator(r, 'local-share-bretagne').byCount).toMatchObject({ numerator: 3.5, denominator: 4, unknown: 1 });
  });

  it('gives the usual procedures and the number of bids', async () => {
    const r = await handler.execute({ filters: filters(MORBIHAN), montant: 100_000 });
    expect(r.procedures).toEqual({
      contracts: 5,
      unknown: 1, // C8
      items: [
        { procedure: AOO, contracts: 2, share: 0.5 },
        { procedure: MAPA, contracts: 2, share: 0.5 },
      ],
    });
    // offresRecues 3, 1, (C4 unknown), 2, 4 → 1 2 3 4: quartiles type 7
    expect(r.bids).toEqual({ contracts: 5, known: 4, unknown: 1, min: 1, q1: 1.75, median: 2.5, q3: 3.25, max: 4, singleBid: { contracts: 1, share: 0.25 } });
  });

  it('narrows to an EPCI and widens the band on demand', async () => {
    const epci = await handler.execute({ filters: filters({ level: 'epci', code: '200067932' }), montant: 100_000 });
    expect(epci.similar).toEqual({ everywhere: 6, inTerritory: 3 }); // C1 C4 C9
    expect(epci.supplierBase.suppliers).toBe(1); // PME_VANNES only
    expect(epci.supplierBase.unknownLocation).toBe(1);

    const wide = await handler.execute({ filters: filters(MORBIHAN), montant: 100_000, band: { min: 0.1, max: 3 } });
    expect(wide.similar).toEqual({ everywhere: 7, inTerritory: 6 }); // + C6 (20 000 €)
    expect(group(wide, 'ETI')).toMatchObject({ suppliers: 1, contracts: 2, amount: 120_000 });
  });

  it('answers empty figures for a territory without similar contracts', async () => {
    const r = await handler.execute({ filters: filters({ level: 'departement', code: '22' }), montant: 100_000 });
    expect(r.similar.inTerritory).toBe(0);
    expect(r.supplierBase.suppliers).toBe(0);
    expect(r.bids).toMatchObject({ known: 0, median: null, singleBid: { contracts: 0, share: null } });
    expect(r.procedures).toEqual({ contracts: 0, unknown: 0, items: [] });
    expect(indicator(r, 'sme-share').byCount.value).toBeNull();
  });
});
