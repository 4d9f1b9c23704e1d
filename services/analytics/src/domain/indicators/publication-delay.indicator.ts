import type { ContractFacts } from '../facts';
import { daysBetween } from '../dates';
import { median } from '../stats';
import { CountAndAmount, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

/**
 * The legal rule is "within two months of notification". Two calendar months span 59 to 62 days; the observatory
 * uses a fixed 61 days (e.g. 1 March → 1 May) so that the rule does not depend on the month.
 */
export const PUBLICATION_WITHIN_DAYS = 61;

export interface PublicationDelayDetails {
  /** Median days from notification to publication, over known, non-negative delays. */
  medianDays: number | null;
  withinDays: number;
  /** Publication dated before notification (flag PUBLICATION_BEFORE_NOTIFICATION): counted as unknown. */
  negative: number;
  /** One of the two dates missing: unknown. */
  missing: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

/** Delay in days from dateNotification to datePublication; null when unknown or negative (a data error). */
export function publicationDelayDays(f: ContractFacts): number | null {
  const d = daysBetween(f.dateNotification, f.datePublication);
  return d == null || d < 0 ? null : d;
}

/**
 * 11. Publication delay: contracts published within 61 days of notification ÷ contracts with a known,
 * non-negative delay; median delay in details.
 */
export function publicationDelayIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<PublicationDelayDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  const delays: number[] = [];
  let negative = 0;
  let missing = 0;
  for (const f of facts) {
    const raw = daysBetween(f.dateNotification, f.datePublication);
    if (raw == null) missing += 1;
    else if (raw < 0) negative += 1;
    else delays.push(raw);
    acc.contract(f, raw == null || raw < 0 ? 'unknown' : raw <= PUBLICATION_WITHIN_DAYS ? 'yes' : 'no');
  }
  return {
    key: 'publication-delay',
    label: 'Part des marchés publiés dans les deux mois suivant la notification',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { medianDays: median(delays), withinDays: PUBLICATION_WITHIN_DAYS, negative, missing, frameworkAgreements: acc.frameworkDetails() },
  };
}
