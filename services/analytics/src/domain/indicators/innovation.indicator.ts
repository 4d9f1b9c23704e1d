import type { ContractFacts } from '../facts';
import { CountAndAmount, yesNo, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

/** 6b. Innovation: marcheInnovant = true ÷ contracts where it is known (2022 field). */
export function innovationIndicator(
  facts: readonly ContractFacts[],
  opts: AmountOptions = {},
): IndicatorValue<{ frameworkAgreements: FrameworkAgreementDetails }> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) acc.contract(f, yesNo(f.marcheInnovant));
  return {
    key: 'innovation',
    label: 'Part des marchés innovants',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { frameworkAgreements: acc.frameworkDetails() },
  };
}
