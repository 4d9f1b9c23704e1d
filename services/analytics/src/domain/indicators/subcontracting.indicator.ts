import type { ContractFacts } from '../facts';
import { CountAndAmount, yesNo, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

/** 6a. Declared subcontracting: sousTraitanceDeclaree = true ÷ contracts where it is known (2022 field). */
export function subcontractingIndicator(
  facts: readonly ContractFacts[],
  opts: AmountOptions = {},
): IndicatorValue<{ frameworkAgreements: FrameworkAgreementDetails }> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) acc.contract(f, yesNo(f.sousTraitanceDeclaree));
  return {
    key: 'subcontracting-declared',
    label: 'Part des marchés avec sous-traitance déclarée',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { frameworkAgreements: acc.frameworkDetails() },
  };
}
