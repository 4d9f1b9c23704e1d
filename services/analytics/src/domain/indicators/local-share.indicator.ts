import type { BuyerFacts, ContractFacts, SupplierFacts } from '../facts';
import { BRETAGNE_REGION_CODE } from '../geo';
import { weightedMedian } from '../stats';
import { CountAndAmount, type Answer, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export const LOCAL_LEVELS = ['epci', 'departement', 'bretagne'] as const;
export type LocalLevel = (typeof LOCAL_LEVELS)[number];

export interface LocalShareOptions extends AmountOptions {
  level: LocalLevel;
}

export interface DistanceDetails {
  /** Weighted (by co-contractor share) median buyer–supplier distance in km; null when no distance is known. */
  medianKm: number | null;
  /** Titulaires (share > 0) with a known distance / without one (missing coordinates, foreign). */
  known: number;
  missing: number;
}

export interface LocalShareDetails {
  level: LocalLevel;
  distance: DistanceDetails;
  frameworkAgreements: FrameworkAgreementDetails;
}

/**
 * Is the supplier local to the buyer at a level?
 * - foreign supplier: known "no" at every level;
 * - epci: same intercommunal territory (EPCI SIREN, or the commune itself for an island commune with no EPCI);
 *   unknown when either side's territory is unknown — two missing EPCIs are never "the same";
 * - departement: same département code, unknown when either is missing;
 * - bretagne: supplier in région 53 (the observatory's buyers are Breton), unknown when its région is missing.
 */
export function localAnswer(buyer: BuyerFacts, supplier: SupplierFacts, level: LocalLevel): Answer {
  if (supplier.foreign) return 'no';
  if (level === 'bretagne') {
    const region = supplier.territory.regionCode;
    return region == null ? 'unknown' : region === BRETAGNE_REGION_CODE ? 'yes' : 'no';
  }
  const a = level === 'epci' ? buyer.territory.epciKey : buyer.territory.departementCode;
  const b = level === 'epci' ? supplier.territory.epciKey : supplier.territory.departementCode;
  if (a == null || b == null) return 'unknown';
  return a === b ? 'yes' : 'no';
}

/** Median buyer–supplier distance over the titulaires, each weighted by its co-contractor share. */
export function buyerSupplierDistance(facts: readonly ContractFacts[]): DistanceDetails {
  const points: { value: number; weight: number }[] = [];
  let missing = 0;
  for (const f of facts) {
    for (const t of f.titulaires) {
      if (t.share <= 0) continue;
      if (t.distanceKm == null) missing += 1;
      else points.push({ value: t.distanceKm, weight: t.share });
    }
  }
  return { medianKm: weightedMedian(points), known: points.length, missing };
}

const LABELS: Record<LocalLevel, string> = {
  epci: "Part des titulaires implantés dans l'EPCI de l'acheteur",
  departement: "Part des titulaires implantés dans le département de l'acheteur",
  bretagne: 'Part des titulaires implantés en Bretagne',
};

/** 3. Local share at one level (EPCI, département, Bretagne) + median buyer–supplier distance in details. */
export function localShareIndicator(facts: readonly ContractFacts[], opts: LocalShareOptions): IndicatorValue<LocalShareDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) acc.suppliers(f, (t) => localAnswer(f.buyer, t, opts.level));
  return {
    key: `local-share-${opts.level}`,
    label: LABELS[opts.level],
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { level: opts.level, distance: buyerSupplierDistance(facts), frameworkAgreements: acc.frameworkDetails() },
  };
}
