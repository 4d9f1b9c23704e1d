import type { ContractFacts, SupplierFacts } from '../facts';
import { safeRatio } from '../stats';

/**
 * A ratio over the KNOWN population, the unknown part reported apart:
 *   value = numerator / denominator (null when denominator = 0, never NaN);
 *   unknown = weight (contracts, or euros) whose answer is unknown — NOT in the denominator;
 *   unknownShare = unknown / (denominator + unknown).
 */
export interface Ratio {
  numerator: number;
  denominator: number;
  value: number | null;
  unknown: number;
  unknownShare: number | null;
}

export const INDICATOR_KEYS = [
  'sme-share',
  'tpe-share',
  'local-share-epci',
  'local-share-departement',
  'local-share-bretagne',
  'advances',
  'advances-charter',
  'social-considerations',
  'environmental-considerations',
  'subcontracting-declared',
  'innovation',
  'procedure-adaptee',
  'no-publicity-no-competition',
  'single-bidder',
  'concentration',
  'first-time-suppliers',
  'publication-delay',
  'publication-grade',
  'data-quality',
] as const;
export type IndicatorKey = (typeof INDICATOR_KEYS)[number];

/** `share`: a fraction in [0, 1]; `count`: a number of buyer × year or buyer × CPV groups. */
export type IndicatorUnit = 'share' | 'count';

export interface IndicatorValue<D = unknown> {
  key: IndicatorKey;
  /** French label, as shown to users. */
  label: string;
  unit: IndicatorUnit;
  byCount: Ratio;
  byAmount?: Ratio;
  /** Contracts of the indicator's population left out of byAmount because their amount is unusable or missing. */
  excludedUnusableAmounts: number;
  target?: number;
  /** value(byCount) ≥ target; null when there is no value; undefined when there is no target. */
  targetMet?: boolean | null;
  details?: D;
}

/** How framework agreements' amounts (maxima, not spend) enter amount ratios. */
export type FrameworkAgreementAmounts = 'separate' | 'include';

export interface AmountOptions {
  /**
   * `separate` (default): an accord-cadre counts fully by number, but its montant (a maximum) is left out of
   * byAmount and reported in `details.frameworkAgreements`; `include`: treated as any other amount.
   */
  frameworkAgreementAmounts?: FrameworkAgreementAmounts;
}

export type Answer = 'yes' | 'no' | 'unknown';

/** Accumulates weighted yes / no / unknown answers into a Ratio. */
export class RatioAccumulator {
  numerator = 0;
  denominator = 0;
  unknown = 0;

  add(answer: Answer, weight: number): void {
    if (weight <= 0) return;
    if (answer === 'unknown') {
      this.unknown += weight;
      return;
    }
    this.denominator += weight;
    if (answer === 'yes') this.numerator += weight;
  }

  ratio(): Ratio {
    return {
      numerator: this.numerator,
      denominator: this.denominator,
      value: safeRatio(this.numerator, this.denominator),
      unknown: this.unknown,
      unknownShare: safeRatio(this.unknown, this.denominator + this.unknown),
    };
  }
}

/** The three accumulators every count-and-amount indicator keeps, and the exclusion counter. */
export class CountAndAmount {
  readonly byCount = new RatioAccumulator();
  readonly byAmount = new RatioAccumulator();
  readonly frameworkByAmount = new RatioAccumulator();
  frameworkContracts = 0;
  excludedUnusableAmounts = 0;
  constructor(private readonly frameworkAgreementAmounts: FrameworkAgreementAmounts = 'separate') {}

  /** Register that a contract belongs to the population (once per contract). */
  enter(fact: ContractFacts): void {
    if (fact.amount == null) this.excludedUnusableAmounts += 1;
    if (fact.frameworkAgreement) this.frameworkContracts += 1;
  }

  /** Add one answer with a weight (1 for a contract, the titulaire's share for a supplier fact). */
  add(fact: ContractFacts, answer: Answer, weight = 1): void {
    this.byCount.add(answer, weight);
    if (fact.amount == null) return;
    const target = fact.frameworkAgreement && this.frameworkAgreementAmounts === 'separate' ? this.frameworkByAmount : this.byAmount;
    target.add(answer, weight * fact.amount);
  }

  /** One contract, one answer (contract-level facts). */
  contract(fact: ContractFacts, answer: Answer): void {
    this.enter(fact);
    this.add(fact, answer, 1);
  }

  /**
   * One contract, one answer per titulaire weighted by its share. A contract without any titulaire
   * counts as unknown as a whole.
   */
  suppliers(fact: ContractFacts, answerOf: (t: SupplierFacts) => Answer): void {
    this.enter(fact);
    if (fact.titulaires.length === 0) {
      this.add(fact, 'unknown', 1);
      return;
    }
    for (const t of fact.titulaires) this.add(fact, answerOf(t), t.share);
  }

  frameworkDetails(): FrameworkAgreementDetails {
    return { contracts: this.frameworkContracts, amountsIncluded: this.frameworkAgreementAmounts === 'include', byAmount: this.frameworkByAmount.ratio() };
  }
}

export interface FrameworkAgreementDetails {
  /** Framework agreements in the population. */
  contracts: number;
  /** True when their maxima were added to byAmount (option `include`). */
  amountsIncluded: boolean;
  /** The amount ratio over framework agreements' maxima alone (empty when included in byAmount). */
  byAmount: Ratio;
}

export function yesNo(value: boolean | 'unknown'): Answer {
  return value === 'unknown' ? 'unknown' : value ? 'yes' : 'no';
}
