import {
  computeIndicatorsBy,
  dimensionKey,
  INDICATOR_KEYS,
  type CharterTargets,
  type Dimension,
  type IndicatorKey,
} from '../../domain';
import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { ExpectedBuyers, FactsLoader, LoadedFacts } from '../shared/facts-loader';
import { summarise, type IndicatorSummary } from '../shared/indicator-summary';
import type { QueryCache } from '../shared/query-cache';

export interface BreakdownGroup {
  /** The group's key on the dimension ("unknown" for a missing value). */
  key: string;
  /** A readable name when one is known (buyer name, EPCI name, French type label…). */
  label: string | null;
  contracts: number;
  indicators: IndicatorSummary[];
}

export interface BreakdownResult {
  filters: Record<string, string | number>;
  dimension: Dimension;
  groups: BreakdownGroup[];
}

const BUYER_TYPES: Record<string, string> = {
  etat: 'État',
  commune: 'Commune',
  epci: 'EPCI',
  departement: 'Département',
  region: 'Région',
  hopital: 'Hôpital',
  epic: 'EPIC',
  'syndicat-mixte': 'Syndicat mixte',
  autre: 'Autre',
};
const PURCHASE_TYPES: Record<string, string> = { travaux: 'Travaux', fournitures: 'Fournitures', services: 'Services' };
const DEPARTEMENTS: Record<string, string> = { '22': "Côtes-d'Armor", '29': 'Finistère', '35': 'Ille-et-Vilaine', '56': 'Morbihan' };
const BRETAGNE: Record<string, string> = { bretagne: 'Bretagne', 'hors-bretagne': 'Hors Bretagne' };

/** GET /api/indicators/breakdown: the indicators per group of one dimension (groups by decreasing contract count). */
export class GetIndicatorBreakdownHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
    private readonly targets: CharterTargets,
  ) {}

  execute(filters: AnalyticsFilters, dimension: Dimension, indicator?: IndicatorKey): Promise<BreakdownResult> {
    return this.cache.get(`breakdown:${dimension}:${indicator ?? '*'}:${filtersKey(filters)}`, async () => {
      const loaded = await this.facts.load(filters);
      // Expected buyer-years go to their buyer, year, buyer type or territory group (a group of their own, with no
      // contract, when nothing was published there); never to CPV or purchase-type groups.
      const expected = await this.facts.expectedBuyers(filters);
      const groups = computeIndicatorsBy(loaded.facts, dimension, {
        history: loaded.history,
        historyStart: loaded.historyStart,
        targets: this.targets,
        expectedBuyerYears: expected.buyerYears,
      });
      const counts = new Map<string, number>();
      for (const f of loaded.facts) counts.set(dimensionKey(f, dimension), (counts.get(dimensionKey(f, dimension)) ?? 0) + 1);
      const labelOf = labels(loaded, dimension, expected);
      const keys = indicator ? [indicator] : [...INDICATOR_KEYS];
      const out: BreakdownGroup[] = [...groups].map(([key, set]) => ({
        key,
        label: labelOf(key),
        contracts: counts.get(key) ?? 0,
        indicators: keys.map((k) => summarise(set[k])),
      }));
      out.sort((a, b) =>
        dimension === 'year'
          ? (a.key === 'unknown' ? 1 : b.key === 'unknown' ? -1 : a.key.localeCompare(b.key))
          : b.contracts - a.contracts || a.key.localeCompare(b.key),
      );
      return { filters: describeFilters(filters), dimension, groups: out };
    });
  }
}

function labels(loaded: LoadedFacts, dimension: Dimension, expected: ExpectedBuyers): (key: string) => string | null {
  switch (dimension) {
    case 'buyer': {
      const names = new Map<string, string>();
      loaded.contracts.forEach((c, i) => {
        const key = dimensionKey(loaded.facts[i], 'buyer');
        const name = loaded.profiles.get(c.acheteur.id)?.nom ?? c.acheteur.denominationSociale ?? c.enrichment?.acheteur?.nom ?? null;
        if (name && !names.has(key)) names.set(key, name);
      });
      // A registered buyer without any contract is named as in the registry.
      return (k) => names.get(k) ?? expected.names.get(k) ?? null;
    }
    case 'epci': {
      const names = new Map<string, string>();
      loaded.contracts.forEach((c, i) => {
        const name = loaded.profiles.get(c.acheteur.id)?.epciNom;
        if (name) names.set(dimensionKey(loaded.facts[i], 'epci'), name);
      });
      return (k) => names.get(k) ?? null;
    }
    case 'buyerType':
      return (k) => BUYER_TYPES[k] ?? null;
    case 'purchaseType':
      return (k) => PURCHASE_TYPES[k] ?? null;
    case 'departement':
      return (k) => DEPARTEMENTS[k] ?? null;
    case 'bretagne':
      return (k) => BRETAGNE[k] ?? null;
    case 'cpvDivision':
    case 'year':
      return () => null;
  }
}
