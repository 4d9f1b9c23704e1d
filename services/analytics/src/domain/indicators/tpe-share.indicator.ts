import type { ContractFacts } from '../facts';
import { CountAndAmount, yesNo, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

/**
 * 2. TPE share: contracts won by a supplier with fewer than 10 employees (SIRENE trancheEffectifs proxy)
 * ÷ contracts won by a supplier whose headcount band is known; same in amount; co-contractor shares apply.
 */
export function tpeShareIndicator(
  facts: readonly ContractFacts[],
  opts: AmountOptions = {},
): IndicatorValue<{ frameworkAgreements: FrameworkAgreementDetails }> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) acc.suppliers(f, (t) => yesNo(t.tpe));
  return {
    key: 'tpe-share',
    label: 'Part des TPE (moins de 10 salariés)',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { frameworkAgreements: acc.frameworkDetails() },
  };
}
