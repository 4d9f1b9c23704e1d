import {
  localShareIndicator,
  MAX_USABLE_AMOUNT,
  MIN_USABLE_AMOUNT,
  smeShareIndicator,
  UNKNOWN,
  type ContractFacts,
  type IndicatorValue,
  type SupplierCategory,
  type SupplierFacts,
} from '../../domain';
import { quantile } from '../get-price-distribution/price-distribution';
import { describeFilters, filtersKey, type AnalyticsFilters, type TerritoryFilter } from '../shared/analytics-filters';
import type { FactsLoader } from '../shared/facts-loader';
import type { QueryCache } from '../shared/query-cache';

/** Default amount band around the estimate: similar contracts weigh between ×0.3 and ×3 the planned amount. */
export const DEFAULT_BAND = { min: 0.3, max: 3 } as const;
/** Bounds of the amount that can be asked (the domain's usable range). */
export const PLANNED_AMOUNT_RANGE = { min: MIN_USABLE_AMOUNT, max: MAX_USABLE_AMOUNT } as const;

export interface PreparePurchaseQuery {
  /** CPV prefix (2–8 digits), the buyer's territory and the period: `territoire` is required here. */
  filters: AnalyticsFilters & { cpv: string; territoire: TerritoryFilter };
  /** Estimated amount of the planned purchase, € HT. */
  montant: number;
  /** Amount band as factors of `montant` (defaults DEFAULT_BAND). */
  band?: { min: number; max: number };
  /** Suppliers listed per size category (the counts always cover all of them). */
  limit?: number;
}

export const SIZE_CATEGORIES = ['PME', 'ETI', 'GE', UNKNOWN] as const satisfies readonly SupplierCategory[];
const SIZE_LABELS: Record<SupplierCategory, string> = { PME: 'PME', ETI: 'ETI', GE: 'Grande entreprise', unknown: 'Taille inconnue' };

export interface LocalSupplier {
  id: string;
  nom: string | null;
  categorie: SupplierCategory;
  communeCode: string | null;
  departementCode: string | null;
  /** Similar contracts it holds (as sole titulaire or co-contractor), framework agreements included. */
  contracts: number;
  /** Σ of its share (co-contractor rule) of the usable amounts of those contracts, framework agreements left out. */
  amount: number;
  /** Framework agreements among `contracts` (their montant is a maximum: not in `amount`). */
  frameworkAgreements: number;
  lien: string;
}

export interface SupplierGroup {
  categorie: SupplierCategory;
  label: string;
  suppliers: number;
  contracts: number;
  amount: number;
  /** The first `limit` suppliers, by contracts then amount. */
  items: LocalSupplier[];
}

export interface Distribution {
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
}

export interface PreparePurchaseResult {
  filters: Record<string, string | number>;
  purchase: { cpv: string; montant: number; band: { factorMin: number; factorMax: number; amountMin: number; amountMax: number }; territoire: string };
  similar: {
    /** Similar contracts (CPV prefix, usable amount within the band, period) of buyers of ANY territory. */
    everywhere: number;
    /** Those whose buyer is in the territory: the population of `indicators`, `procedures` and `bids`. */
    inTerritory: number;
  };
  /** Firms located in the territory that won similar contracts (from any buyer). */
  supplierBase: {
    suppliers: number;
    /** Titulaires of similar contracts whose location is unknown at the territory's level (never counted as local). */
    unknownLocation: number;
    groups: SupplierGroup[];
  };
  /** local-share-epci, local-share-departement, local-share-bretagne, sme-share over the similar contracts of the territory's buyers. */
  indicators: IndicatorValue[];
  procedures: { contracts: number; unknown: number; items: { procedure: string; contracts: number; share: number }[] };
  bids: Distribution & { contracts: number; known: number; unknown: number; singleBid: { contracts: number; share: number | null } };
}

/**
 * GET /api/preparer-achat — before buying: the local supplier base for a planned purchase, and how similar purchases
 * went (local and SME shares, procedures, number of bids). "Similar" = same CPV prefix, usable amount within
 * [montant × band.min, montant × band.max], notified in the period. Facts come from the FactsLoader (current profiles).
 */
export class PreparePurchaseHandler {
  constructor(
    private readonly facts: FactsLoader,
    private readonly cache: QueryCache,
  ) {}

  execute(q: PreparePurchaseQuery): Promise<PreparePurchaseResult> {
    const band = q.band ?? DEFAULT_BAND;
    const limit = q.limit ?? 20;
    const key = `preparer-achat:${q.montant}:${band.min}:${band.max}:${limit}:${filtersKey(q.filters)}`;
    return this.cache.get(key, async () => {
      const amountMin = q.montant * band.min;
      const amountMax = q.montant * band.max;
      const similar = (facts: readonly ContractFacts[]) => facts.filter((f) => f.amount != null && f.amount >= amountMin && f.amount <= amountMax);
      const { territoire, ...anywhere } = q.filters;
      const all = await this.facts.load(anywhere);
      const everywhere = similar(all.facts);
      const local = similar((await this.facts.load(q.filters)).facts);
      const published = new Map<string, string>();
      for (const c of all.contracts) for (const t of c.titulaires) if (t.denominationSociale) published.set(t.id, t.denominationSociale);
      const nameOf = (id: string) => all.profiles.get(id)?.nom ?? published.get(id) ?? null;
      return {
        filters: describeFilters(q.filters),
        purchase: {
          cpv: q.filters.cpv,
          montant: q.montant,
          band: { factorMin: band.min, factorMax: band.max, amountMin, amountMax },
          territoire: describeFilters(q.filters).territoire as string,
        },
        similar: { everywhere: everywhere.length, inTerritory: local.length },
        supplierBase: supplierBase(everywhere, territoire, limit, nameOf),
        indicators: [
          localShareIndicator(local, { level: 'epci' }),
          localShareIndicator(local, { level: 'departement' }),
          localShareIndicator(local, { level: 'bretagne' }),
          smeShareIndicator(local),
        ],
        procedures: procedures(local),
        bids: bids(local),
      };
    });
  }
}

/** Is the supplier located in the territory? Foreign: no; the needed code missing: unknown. */
export function locatedIn(t: SupplierFacts, territory: TerritoryFilter): boolean | typeof UNKNOWN {
  if (t.foreign) return false;
  const code = territory.level === 'epci' ? t.territory.epciKey : territory.level === 'departement' ? t.territory.departementCode : t.territory.regionCode;
  return code == null ? UNKNOWN : code === territory.code;
}

function supplierBase(
  facts: readonly ContractFacts[],
  territory: TerritoryFilter,
  limit: number,
  nameOf: (id: string) => string | null,
): PreparePurchaseResult['supplierBase'] {
  const byId = new Map<string, LocalSupplier>();
  const unknown = new Set<string>();
  for (const f of facts) {
    for (const t of f.titulaires) {
      const where = locatedIn(t, territory);
      if (where === UNKNOWN) unknown.add(t.id);
      if (where !== true) continue;
      let s = byId.get(t.id);
      if (!s) {
        s = {
          id: t.id,
          nom: nameOf(t.id),
          categorie: t.categorie,
          communeCode: t.territory.communeCode,
          departementCode: t.territory.departementCode,
          contracts: 0,
          amount: 0,
          frameworkAgreements: 0,
          lien: `/titulaires/${encodeURIComponent(t.id)}`,
        };
        byId.set(t.id, s);
      }
      s.contracts += 1;
      if (f.frameworkAgreement) s.frameworkAgreements += 1;
      else if (f.amount != null) s.amount += f.amount * t.share;
    }
  }
  const all = [...byId.values()].sort((a, b) => b.contracts - a.contracts || b.amount - a.amount || a.id.localeCompare(b.id));
  const groups = SIZE_CATEGORIES.map((categorie): SupplierGroup => {
    const members = all.filter((s) => s.categorie === categorie);
    return {
      categorie,
      label: SIZE_LABELS[categorie],
      suppliers: members.length,
      contracts: members.reduce((n, s) => n + s.contracts, 0),
      amount: members.reduce((n, s) => n + s.amount, 0),
      items: members.slice(0, limit),
    };
  });
  return { suppliers: all.length, unknownLocation: unknown.size, groups };
}

function procedures(facts: readonly ContractFacts[]): PreparePurchaseResult['procedures'] {
  const counts = new Map<string, number>();
  let unknown = 0;
  for (const f of facts) {
    const p = f.procedure?.trim();
    if (!p) unknown += 1;
    else counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const known = facts.length - unknown;
  const items = [...counts.entries()]
    .map(([procedure, contracts]) => ({ procedure, contracts, share: contracts / known }))
    .sort((a, b) => b.contracts - a.contracts || a.procedure.localeCompare(b.procedure));
  return { contracts: facts.length, unknown, items };
}

function bids(facts: readonly ContractFacts[]): PreparePurchaseResult['bids'] {
  const values = facts.map((f) => f.offresRecues).filter((v): v is number => v != null && Number.isFinite(v) && v >= 0);
  const sorted = [...values].sort((a, b) => a - b);
  const single = values.filter((v) => v === 1).length;
  return {
    contracts: facts.length,
    known: sorted.length,
    unknown: facts.length - sorted.length,
    min: sorted.length ? sorted[0] : null,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted.length ? sorted[sorted.length - 1] : null,
    singleBid: { contracts: single, share: sorted.length ? single / sorted.length : null },
  };
}
