import type { ContractFacts } from '../facts';
import { RatioAccumulator, type AmountOptions, type IndicatorValue } from './indicator';

/** HHI above this value (on shares in percent, 0–10 000) flags a concentrated buyer × CPV-division market. */
export const HHI_CONCENTRATION_THRESHOLD = 2_500;

export interface ConcentrationGroup {
  buyer: string;
  cpvDivision: string;
  contracts: number;
  totalAmount: number;
  suppliers: number;
  /** Σ (100 × supplier amount / total)², 0–10 000. */
  hhi: number;
  topSupplier: { key: string; share: number };
  concentrated: boolean;
}

export interface ConcentrationDetails {
  threshold: number;
  groups: ConcentrationGroup[];
  /** Contracts with a usable amount but no CPV division or no titulaire: cannot be placed in a market. */
  unplaced: number;
  /** Framework agreements left out of the HHI because their montant is a maximum (option `separate`). */
  frameworkAgreementsExcluded: number;
}

/** Herfindahl–Hirschman index of amounts (shares in percent). Null for an empty market. */
export function hhi(amounts: readonly number[]): number | null {
  const total = amounts.reduce((s, a) => s + a, 0);
  if (total <= 0) return null;
  return amounts.reduce((s, a) => s + (100 * a / total) ** 2, 0);
}

/**
 * 9. Concentration: per buyer (SIREN, else id) × CPV division, the HHI of the amounts won by each supplier
 * (SIREN, else id; co-contractors weighted by their share). byCount = contracts in concentrated markets ÷
 * contracts placed in a market; byAmount the same in euros. Only usable amounts enter (the HHI is amount-based).
 */
export function concentrationIndicator(facts: readonly ContractFacts[], opts: AmountOptions = {}): IndicatorValue<ConcentrationDetails> {
  const separate = (opts.frameworkAgreementAmounts ?? 'separate') === 'separate';
  const markets = new Map<string, { buyer: string; cpvDivision: string; facts: ContractFacts[]; bySupplier: Map<string, number> }>();
  let excluded = 0;
  let frameworkAgreementsExcluded = 0;
  let unplaced = 0;
  let unplacedAmount = 0;
  for (const f of facts) {
    if (f.amount == null) {
      excluded += 1;
      continue;
    }
    if (f.frameworkAgreement && separate) {
      frameworkAgreementsExcluded += 1;
      continue;
    }
    if (f.cpvDivision == null || f.titulaires.length === 0) {
      unplaced += 1;
      unplacedAmount += f.amount;
      continue;
    }
    const buyer = f.buyer.siren ?? f.buyer.id;
    const key = `${buyer}|${f.cpvDivision}`;
    let market = markets.get(key);
    if (!market) {
      market = { buyer, cpvDivision: f.cpvDivision, facts: [], bySupplier: new Map() };
      markets.set(key, market);
    }
    market.facts.push(f);
    for (const t of f.titulaires) {
      if (t.share <= 0) continue;
      market.bySupplier.set(t.key, (market.bySupplier.get(t.key) ?? 0) + t.share * f.amount);
    }
  }

  const byCount = new RatioAccumulator();
  const byAmount = new RatioAccumulator();
  byCount.add('unknown', unplaced);
  byAmount.add('unknown', unplacedAmount);
  const groups: ConcentrationGroup[] = [];
  for (const m of markets.values()) {
    const entries = [...m.bySupplier.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const totalAmount = entries.reduce((s, [, a]) => s + a, 0);
    const index = hhi(entries.map(([, a]) => a)) ?? 0;
    const concentrated = index > HHI_CONCENTRATION_THRESHOLD;
    groups.push({
      buyer: m.buyer,
      cpvDivision: m.cpvDivision,
      contracts: m.facts.length,
      totalAmount,
      suppliers: entries.length,
      hhi: index,
      topSupplier: { key: entries[0][0], share: entries[0][1] / totalAmount },
      concentrated,
    });
    byCount.add(concentrated ? 'yes' : 'no', m.facts.length);
    byAmount.add(concentrated ? 'yes' : 'no', totalAmount);
  }
  groups.sort((a, b) => a.buyer.localeCompare(b.buyer) || a.cpvDivision.localeCompare(b.cpvDivision));
  return {
    key: 'concentration',
    label: 'Part des marchés passés sur un segment acheteur × division CPV concentré (IHH > 2 500)',
    unit: 'share',
    byCount: byCount.ratio(),
    byAmount: byAmount.ratio(),
    excludedUnusableAmounts: excluded,
    details: { threshold: HHI_CONCENTRATION_THRESHOLD, groups, unplaced, frameworkAgreementsExcluded },
  };
}
