import type { ConsiderationFacts, ContractFacts } from '../facts';
import { safeRatio } from '../stats';
import { CountAndAmount, type Answer, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export type ConsiderationKind = 'social' | 'environmental';

export interface ConsiderationsOptions extends AmountOptions {
  kind: ConsiderationKind;
}

export interface ConsiderationsDetails {
  kind: ConsiderationKind;
  /** Each type's share of the known contracts (by count). A contract may carry several types. */
  clause: { contracts: number; value: number | null };
  criterion: { contracts: number; value: number | null };
  /** Social only: "Marché réservé". Always 0 for environmental (no such value in the schema). */
  reserved: { contracts: number; value: number | null };
  /** "Pas de considération…" combined with another value: counted as unknown. */
  contradictory: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

function answerOf(c: ConsiderationFacts): Answer {
  if (c.status === 'declared') return 'yes';
  if (c.status === 'none') return 'no';
  return 'unknown';
}

/**
 * 5. Social / environmental considerations: contracts with at least one consideration (clause, criterion or,
 * social only, reserved contract) ÷ contracts whose considerations list is known. Empty list (2019 format)
 * and contradictory lists are unknown.
 */
export function considerationsIndicator(facts: readonly ContractFacts[], opts: ConsiderationsOptions): IndicatorValue<ConsiderationsDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  let clause = 0;
  let criterion = 0;
  let reserved = 0;
  let contradictory = 0;
  for (const f of facts) {
    const c = opts.kind === 'social' ? f.considerationsSociales : f.considerationsEnvironnementales;
    acc.contract(f, answerOf(c));
    if (c.status === 'contradictory') contradictory += 1;
    if (c.status !== 'declared') continue;
    if (c.clause) clause += 1;
    if (c.criterion) criterion += 1;
    if (c.reserved) reserved += 1;
  }
  const known = acc.byCount.denominator;
  return {
    key: opts.kind === 'social' ? 'social-considerations' : 'environmental-considerations',
    label: opts.kind === 'social' ? 'Part des marchés avec une considération sociale' : 'Part des marchés avec une considération environnementale',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: {
      kind: opts.kind,
      clause: { contracts: clause, value: safeRatio(clause, known) },
      criterion: { contracts: criterion, value: safeRatio(criterion, known) },
      reserved: { contracts: reserved, value: safeRatio(reserved, known) },
      contradictory,
      frameworkAgreements: acc.frameworkDetails(),
    },
  };
}
