import type { ContractFacts, SupplierFacts } from '../facts';
import { mean, safeRatio } from '../stats';
import { CountAndAmount, yesNo, type Answer, type AmountOptions, type FrameworkAgreementDetails, type IndicatorValue } from './indicator';

export interface AdvancesDetails {
  /** Mean tauxAvance (fraction) over contracts with an advance whose rate is known. */
  meanTauxAvance: number | null;
  /** Same, weighted by usable amount. */
  meanTauxAvanceByAmount: number | null;
  /** Contracts with an advance whose rate is known / unknown (tauxAvance missing, or 0 = "rate not known" in schema 2.0). */
  tauxKnown: number;
  tauxUnknown: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

/**
 * 4a. Advances: contracts with attributionAvance = true ÷ contracts where attributionAvance is known;
 * same in amount. Mean tauxAvance in details. attributionAvance is a 2022-format field: 2019 records are unknown.
 */
export function advancesIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<AdvancesDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  const rates: number[] = [];
  let weighted = 0;
  let weight = 0;
  let tauxUnknown = 0;
  for (const f of facts) {
    acc.contract(f, yesNo(f.attributionAvance));
    if (f.attributionAvance !== true) continue;
    if (f.tauxAvance == null) {
      tauxUnknown += 1;
      continue;
    }
    rates.push(f.tauxAvance);
    if (f.amount != null) {
      weighted += f.tauxAvance * f.amount;
      weight += f.amount;
    }
  }
  return {
    key: 'advances',
    label: "Part des marchés avec attribution d'une avance",
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: {
      meanTauxAvance: mean(rates),
      meanTauxAvanceByAmount: safeRatio(weighted, weight),
      tauxKnown: rates.length,
      tauxUnknown,
      frameworkAgreements: acc.frameworkDetails(),
    },
  };
}

/** Charter variant thresholds: contracts strictly over 25 000 € HT, advance of at least 30 %. */
export const CHARTER_ADVANCE_MIN_AMOUNT = 25_000;
export const CHARTER_ADVANCE_MIN_RATE = 0.3;

export interface AdvancesCharterDetails {
  minAmount: number;
  minRate: number;
  /** Région Bretagne 2022: 45.7 %. */
  regionalReference: { value: number; source: string };
  /** Weight (contracts, co-contractor shares) whose membership of the population is unknown: supplier size unknown. */
  populationUnknown: number;
  frameworkAgreements: FrameworkAgreementDetails;
}

/** PME (SIRENE) or, when the category is unknown, a known TPE; ETI/GE are out even with < 10 employees (group level wins). */
export function isSmallOrMedium(t: SupplierFacts): Answer {
  if (t.categorie === 'PME') return 'yes';
  if (t.categorie === 'ETI' || t.categorie === 'GE') return 'no';
  return t.tpe === true ? 'yes' : 'unknown';
}

function charterAnswer(f: ContractFacts): Answer {
  if (f.attributionAvance === 'unknown') return 'unknown';
  if (f.attributionAvance === false) return 'no';
  if (f.tauxAvance == null) return 'unknown';
  return f.tauxAvance >= CHARTER_ADVANCE_MIN_RATE ? 'yes' : 'no';
}

/**
 * 4b. Charter variant: among contracts over 25 k€ won by a TPE/PME (weighted by the TPE/PME titulaires' shares),
 * the share with an advance of at least 30 %. Contracts with an unusable amount cannot be tested against
 * 25 k€: they are excluded and counted. Target 50 % (charter); Région Bretagne 2022: 45.7 %.
 */
export function advancesCharterIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<AdvancesCharterDetails> {
  const acc = new CountAndAmount(opts.frameworkAgreementAmounts);
  let populationUnknown = 0;
  for (const f of facts) {
    if (f.amount == null) {
      acc.excludedUnusableAmounts += 1;
      continue;
    }
    if (f.amount <= CHARTER_ADVANCE_MIN_AMOUNT) continue;
    if (f.titulaires.length === 0) {
      populationUnknown += 1;
      continue;
    }
    let entered = false;
    for (const t of f.titulaires) {
      const member = isSmallOrMedium(t);
      if (member === 'unknown') populationUnknown += t.share;
      if (member !== 'yes' || t.share <= 0) continue;
      if (!entered) acc.enter(f);
      entered = true;
      acc.add(f, charterAnswer(f), t.share);
    }
  }
  return {
    key: 'advances-charter',
    label: 'Part des marchés de plus de 25 k€ attribués à des TPE/PME avec une avance d’au moins 30 %',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    byAmount: acc.byAmount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details: {
      minAmount: CHARTER_ADVANCE_MIN_AMOUNT,
      minRate: CHARTER_ADVANCE_MIN_RATE,
      regionalReference: { value: 0.457, source: 'Région Bretagne 2022' },
      populationUnknown,
      frameworkAgreements: acc.frameworkDetails(),
    },
  };
}
