import type { ContractFacts } from '../facts';
import { normaliseLabel } from '../text';
import { CountAndAmount, type Answer, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export type SimplifiedProcedureKind = 'procedure-adaptee' | 'no-publicity-no-competition';

export interface SimplifiedProceduresOptions extends AmountOptions {
  kind: SimplifiedProcedureKind;
}

/** "Procédure adaptée" (MAPA), whatever the spelling drift. */
export function isProcedureAdaptee(procedure: string | null): boolean {
  return normaliseLabel(procedure) === 'procedure adaptee';
}

/**
 * Without publicity or competition: 2022 "Marché passé sans publicité ni mise en concurrence préalable" and the
 * legacy 1.4 "Marché négocié sans publicité ni mise en concurrence préalable".
 */
export function isWithoutPublicityOrCompetition(procedure: string | null): boolean {
  return normaliseLabel(procedure).includes('sans publicite ni mise en concurrence');
}

/**
 * 7. Simplified procedures: contracts passed under the procedure ÷ contracts whose procedure is known;
 * a missing procedure is unknown.
 */
export function simplifiedProceduresIndicator(
  facts: readonly ContractFacts[],
  opts: SimplifiedProceduresOptions,
): IndicatorValue<{ kind: SimplifiedProcedureKind; frameworkAgreements: FrameworkAgreementDetails }> {
  const test = opts.kind === 'procedure-adaptee' ? isProcedureAdaptee : isWithoutPublicityOrCompetition;
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  for (const f of facts) {
    const answer: Answer = normaliseLabel(f.procedure) === '' ? 'unknown' : test(f.procedure) ? 'yes' : 'no';
    acc.contract(f, answer);
  }
  return {
    key: opts.kind,
    label: opts.kind === 'procedure-adaptee' ? 'Part des marchés en procédure adaptée' : 'Part des marchés sans publicité ni mise en concurrence',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: { kind: opts.kind, frameworkAgreements: acc.frameworkDetails() },
  };
}
