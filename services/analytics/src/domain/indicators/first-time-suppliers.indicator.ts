import type { ContractFacts } from '../facts';
import { yearsBefore } from '../dates';
import { CountAndAmount, type Answer, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export const FIRST_TIME_LOOKBACK_YEARS = 3;

export interface FirstTimeSuppliersOptions extends AmountOptions {
  /** Facts of earlier contracts (any buyer; current contracts may be repeated, they are deduplicated by uid). */
  history?: readonly ContractFacts[];
  /**
   * First notification date the history covers (ISO). When given, a contract notified less than 3 years after
   * it cannot be judged: unknown. When absent, the history is assumed complete.
   */
  historyStart?: string;
}

export interface FirstTimeSuppliersDetails {
  lookbackYears: number;
  historyStart: string | null;
  /** Région Bretagne 2022: 20 %. */
  regionalReference: { value: number; source: string };
  /** Contracts of the history without a notification date: they cannot be placed in the window. */
  undatedHistory: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

const buyerKey = (f: ContractFacts): string => f.buyer.siren ?? f.buyer.id;

/**
 * 10. First-time suppliers: titulaires (weighted by share) with no contract — as titulaire or co-titulaire —
 * with the same buyer (SIREN) notified in the 3 years before this contract's notification
 * ([date − 3 years, date), strictly earlier) ÷ titulaires of contracts that can be judged.
 * Supplier identity: SIREN, else the raw id. Target 30 % (charter); Région Bretagne 2022: 20 %.
 */
export function firstTimeSuppliersIndicator(
  facts: readonly ContractFacts[],
  opts: FirstTimeSuppliersOptions = {},
): IndicatorValue<FirstTimeSuppliersDetails> {
  const all = new Map<string, ContractFacts>();
  for (const f of opts.history ?? []) all.set(f.uid, f);
  for (const f of facts) all.set(f.uid, f);
  let undatedHistory = 0;
  const seen = new Map<string, { uid: string; date: string }[]>();
  for (const f of all.values()) {
    if (f.dateNotification == null) {
      undatedHistory += 1;
      continue;
    }
    for (const t of f.titulaires) {
      const k = `${buyerKey(f)}|${t.key}`;
      const list = seen.get(k) ?? [];
      list.push({ uid: f.uid, date: f.dateNotification });
      seen.set(k, list);
    }
  }

  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) {
    const date = f.dateNotification;
    const windowStart = date ? yearsBefore(date, FIRST_TIME_LOOKBACK_YEARS) : null;
    const judgeable = date != null && windowStart != null && (opts.historyStart == null || windowStart >= opts.historyStart);
    acc.suppliers(f, (t): Answer => {
      if (!judgeable) return 'unknown';
      const prior = (seen.get(`${buyerKey(f)}|${t.key}`) ?? []).some((p) => p.uid !== f.uid && p.date >= windowStart && p.date < date);
      return prior ? 'no' : 'yes';
    });
  }
  return {
    key: 'first-time-suppliers',
    label: 'Part des primo-titulaires (aucun marché avec cet acheteur depuis 3 ans)',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: {
      lookbackYears: FIRST_TIME_LOOKBACK_YEARS,
      historyStart: opts.historyStart ?? null,
      regionalReference: { value: 0.2, source: 'Région Bretagne 2022' },
      undatedHistory,
      frameworkAgreements: acc.frameworkDetails(),
    },
  };
}
