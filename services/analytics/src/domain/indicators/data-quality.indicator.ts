import type { ContractFacts } from '../facts';
import type { QualityFlagCode } from '@observatoire/contracts';
import { CountAndAmount, type IndicatorValue } from './indicator';

export interface DataQualityDetails {
  /** Current montant missing or unusable (absurd, "NC", < 1 €, > 3 bn €). */
  unusableAmounts: number;
  /** Buyer id invalid, or a titulaire id that is neither a valid SIRET nor another legitimate scheme. */
  invalidIdentifiers: number;
  /** Contracts received from more than one source (platform, PES, API…) and merged. */
  duplicatesAcrossSources: number;
  /** Contracts in a group of probable duplicates: the same award published under two ids (every copy counts). */
  probableDuplicates: number;
  /** Every quality flag code seen, with the number of contracts carrying it. */
  flags: Partial<Record<QualityFlagCode, number>>;
}

export function hasInvalidIdentifier(f: ContractFacts): boolean {
  return (
    !f.buyer.idValid ||
    f.titulaires.some((t) => t.idStatus === 'invalid') ||
    f.flags.includes('SUPPLIER_ID_INVALID') ||
    f.flags.includes('BUYER_ID_INVALID')
  );
}

/**
 * 13. Data quality: contracts with at least one of the problems (unusable amount, invalid identifier, duplicate
 * across sources, probable duplicate under another id) ÷ all contracts. Nothing is unknown here: byCount only;
 * each problem in details.
 */
export function dataQualityIndicator(facts: readonly ContractFacts[]): IndicatorValue<DataQualityDetails> {
  const acc = new CountAndAmount();
  const details: DataQualityDetails = { unusableAmounts: 0, invalidIdentifiers: 0, duplicatesAcrossSources: 0, probableDuplicates: 0, flags: {} };
  for (const f of facts) {
    const unusable = f.amount == null;
    const invalid = hasInvalidIdentifier(f);
    const duplicate = f.sources.length > 1;
    if (unusable) details.unusableAmounts += 1;
    if (invalid) details.invalidIdentifiers += 1;
    if (duplicate) details.duplicatesAcrossSources += 1;
    if (f.probableDuplicate) details.probableDuplicates += 1;
    for (const code of f.flags) details.flags[code] = (details.flags[code] ?? 0) + 1;
    acc.contract(f, unusable || invalid || duplicate || f.probableDuplicate ? 'yes' : 'no');
  }
  return {
    key: 'data-quality',
    label: 'Part des marchés présentant une anomalie de données',
    unit: 'share',
    byCount: acc.byCount.ratio(),
    excludedUnusableAmounts: acc.excludedUnusableAmounts,
    details,
  };
}
