import type { ContractFacts } from '../facts';
import { normaliseLabel } from '../text';
import { CountAndAmount, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export function isCallForTenders(procedure: string | null): boolean {
  const p = normaliseLabel(procedure);
  return p === "appel d'offres ouvert" || p === "appel d'offres restreint";
}

export interface SingleBidderDetails {
  /** France 2021: 19 %. */
  nationalReference: { value: number; source: string };
  /** Contracts whose procedure is missing: membership of the population unknown, not counted. */
  populationUnknown: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

/**
 * 8. Single bidder: among open and restricted calls for tenders, contracts with offresRecues = 1 ÷ those
 * where offresRecues is known. offresRecues missing is unknown; a missing procedure is reported apart.
 */
export function singleBidderIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<SingleBidderDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  let populationUnknown = 0;
  for (const f of facts) {
    if (normaliseLabel(f.procedure) === '') {
      populationUnknown += 1;
      continue;
    }
    if (!isCallForTenders(f.procedure)) continue;
    acc.contract(f, f.offresRecues == null ? 'unknown' : f.offresRecues === 1 ? 'yes' : 'no');
  }
  return {
    key: 'single-bidder',
    label: "Part des appels d'offres avec une seule offre",
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { nationalReference: { value: 0.19, source: 'France 2021' }, populationUnknown, frameworkAgreements: acc.frameworkDetails() },
  };
}
