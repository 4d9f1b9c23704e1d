import { profile } from '../../domain/testing/builders';
import type { AnalyticsFilters } from './analytics-filters';
import { buildExpectedBuyerYears, expectedBuyerYearsApply, periodYears, registeredBuyerKeys, registeredBuyerMatches, type RegisteredBuyer } from './expected-buyer-years';

const all: AnalyticsFilters = { coTraitance: 'partage' };
const RENNES: RegisteredBuyer = { siret: '21350238800014', siren: '213502388', nom: 'Commune de Rennes', active: true };
const QUIMPER: RegisteredBuyer = { siret: '21290232500018', siren: '212902325', nom: 'Commune de Quimper', active: true };
const NEW_BUYER: RegisteredBuyer = { siret: '24350013900189', siren: '243500139', nom: 'Rennes Métropole', active: true };
const PROFILES = new Map([
  [RENNES.siret, profile(RENNES.siret, { typeOrganisation: 'commune', departementCode: '35', regionCode: '53' })],
  [QUIMPER.siret, profile(QUIMPER.siret, { typeOrganisation: 'commune', departementCode: '29', regionCode: '53', communeCode: '29232', epciSiren: '242900694' })],
]);
const build = (filters: AnalyticsFilters, registry: RegisteredBuyer[] = [RENNES, QUIMPER, NEW_BUYER], dataYears = [2022, 2023, 2024]) =>
  buildExpectedBuyerYears({ registry, filters, dataYears, currentYear: 2025, profileOf: (b) => PROFILES.get(b.siret) }).map((e) => `${e.buyer}:${e.year}`);

describe('expected buyer-years: which registered buyer-years are expected to publish', () => {
  describe('the period', () => {
    it('is every year present in the data without a period filter', () => {
      expect(periodYears({}, [2024, 2022, 2023, 2022], 2025)).toEqual([2022, 2023, 2024]);
    });

    it('is the year asked, even without any contract that year, but never before the data starts nor in the future', () => {
      expect(periodYears({ annee: 2025 }, [2022, 2023], 2025)).toEqual([2025]);
      expect(periodYears({ annee: 2026 }, [2022, 2023], 2025)).toEqual([]);
      expect(periodYears({ annee: 2019 }, [2022, 2023], 2025)).toEqual([]);
    });

    it('is every calendar year a du/au range touches, an open end stopping at the first / last year of the data', () => {
      expect(periodYears({ du: '2023-06-01', au: '2025-02-01' }, [2022, 2023], 2025)).toEqual([2023, 2024, 2025]);
      expect(periodYears({ du: '2023-06-01' }, [2021, 2022, 2024], 2025)).toEqual([2023, 2024]);
      expect(periodYears({ au: '2022-12-31' }, [2021, 2022, 2024], 2025)).toEqual([2021, 2022]);
      expect(periodYears({ du: '2000-01-01', au: '2100-12-31' }, [2021, 2024], 2025)).toEqual([2021, 2022, 2023, 2024, 2025]);
    });

    it('is empty when there is no data at all', () => {
      expect(periodYears({ annee: 2024 }, [], 2025)).toEqual([]);
    });
  });

  describe('the buyers', () => {
    it('are every active registered buyer (by SIREN) × every year of the period without buyer filters', () => {
      expect(build(all)).toEqual(['212902325:2022', '212902325:2023', '212902325:2024', '213502388:2022', '213502388:2023', '213502388:2024', '243500139:2022', '243500139:2023', '243500139:2024']);
      expect(build({ ...all, annee: 2024 })).toEqual(['212902325:2024', '213502388:2024', '243500139:2024']);
    });

    it('leave out the buyers the registry no longer follows', () => {
      expect(build({ ...all, annee: 2024 }, [RENNES, { ...QUIMPER, active: false }])).toEqual(['213502388:2024']);
    });

    it('count several registered establishments of one legal unit once', () => {
      expect(build({ ...all, annee: 2024 }, [RENNES, { ...RENNES, siret: '21350238800022' }])).toEqual(['213502388:2024']);
    });

    it('match the buyer filter by SIRET (that establishment) or SIREN (the legal unit)', () => {
      expect(build({ ...all, annee: 2024, acheteur: NEW_BUYER.siret })).toEqual(['243500139:2024']);
      expect(build({ ...all, annee: 2024, acheteur: '213502388' })).toEqual(['213502388:2024']);
      expect(build({ ...all, annee: 2024, acheteur: '21350238800022' })).toEqual([]);
    });

    it('match type and territory filters on their profile; a buyer without a profile matches none of them', () => {
      expect(build({ ...all, annee: 2024, typeAcheteur: 'commune' })).toEqual(['212902325:2024', '213502388:2024']);
      expect(build({ ...all, annee: 2024, territoire: { level: 'departement', code: '29' } })).toEqual(['212902325:2024']);
      expect(build({ ...all, annee: 2024, territoire: { level: 'epci', code: '242900694' } })).toEqual(['212902325:2024']);
      expect(build({ ...all, annee: 2024, territoire: { level: 'bretagne', code: '53' } })).toEqual(['212902325:2024', '213502388:2024']);
      expect(build({ ...all, annee: 2024, territoire: { level: 'region', code: '11' } })).toEqual([]);
      // Its type is unknown, as for a contract whose buyer has no profile.
      expect(build({ ...all, annee: 2024, typeAcheteur: 'unknown' })).toEqual(['243500139:2024']);
      expect(registeredBuyerMatches(NEW_BUYER, undefined, { ...all, territoire: { level: 'bretagne', code: '53' } })).toBe(false);
      expect(registeredBuyerMatches(NEW_BUYER, undefined, { ...all, acheteur: NEW_BUYER.siren, annee: 2024 })).toBe(true);
    });

    it('carry their keys on the buyer dimensions, unknown without a profile', () => {
      const [quimper] = buildExpectedBuyerYears({ registry: [QUIMPER, NEW_BUYER], filters: { ...all, annee: 2024 }, dataYears: [2024], currentYear: 2025, profileOf: (b) => PROFILES.get(b.siret) });
      expect(quimper.keys).toEqual({ buyerType: 'commune', epci: '242900694', departement: '29', bretagne: 'bretagne' });
      expect(registeredBuyerKeys(undefined)).toEqual({ buyerType: 'unknown', epci: 'unknown', departement: 'unknown', bretagne: 'unknown' });
    });
  });

  describe('contract-level filters', () => {
    it.each([
      ['cpv', { cpv: '45' }],
      ['cpvIn', { cpvIn: ['45', '71'] }],
      ['typeAchat', { typeAchat: 'travaux' as const }],
    ])('expect nothing with a %s filter: a buyer is not expected to publish in every CPV or purchase type', (_name, extra) => {
      const filters: AnalyticsFilters = { ...all, annee: 2024, ...extra };
      expect(expectedBuyerYearsApply(filters)).toBe(false);
      expect(build(filters)).toEqual([]);
    });

    it('apply with buyer, type, territory and period filters only', () => {
      expect(expectedBuyerYearsApply({ coTraitance: 'mandataire', acheteur: '213502388', typeAcheteur: 'commune', territoire: { level: 'bretagne', code: '53' }, du: '2024-01-01', au: '2024-12-31' })).toBe(true);
    });
  });
});
