import type { ContractFacts } from '../facts';
import { CountAndAmount, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export interface SmeShareDetails {
  /** OECP 2023, France: 59.9 % in number, 27.2 % in amount. */
  nationalReference: { byCount: number; byAmount: number; source: string };
  frameworkAgreements: FrameworkAgreementDetails;
}

export const SME_NATIONAL_REFERENCE = { byCount: 0.599, byAmount: 0.272, source: 'OECP 2023' } as const;

/**
 * 1. SME share (OECP definition): contracts won by a PME (SIRENE categorieEntreprise, group level) ÷ contracts
 * won by a supplier of known size; same in amount. Each titulaire weighs its co-contractor share.
 * Unknown size (empty category, non-diffusible, foreign, non-SIRET id, no titulaire) is reported apart.
 */
export function smeShareIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<SmeShareDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) acc.suppliers(f, (t) => (t.categorie === 'unknown' ? 'unknown' : t.categorie === 'PME' ? 'yes' : 'no'));
  return {
    key: 'sme-share',
    label: 'Part des PME',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { nationalReference: { ...SME_NATIONAL_REFERENCE }, frameworkAgreements: acc.frameworkDetails() },
  };
}
