import { computeIndicators, INDICATOR_KEYS, type IndicatorKey, type IndicatorUnit, type IndicatorValue } from '../../domain';

/** An indicator value without its details (series, breakdowns, exports). */
export type IndicatorSummary = Omit<IndicatorValue, 'details'>;

export function summarise(v: IndicatorValue): IndicatorSummary {
  const { details: _details, ...rest } = v;
  return rest;
}

/** Label and unit of every indicator (taken from the domain itself, over an empty selection). */
export const INDICATOR_INFO: Readonly<Record<IndicatorKey, { label: string; unit: IndicatorUnit }>> = (() => {
  const empty = computeIndicators([], { targets: {} });
  return Object.fromEntries(INDICATOR_KEYS.map((k) => [k, { label: empty[k].label, unit: empty[k].unit }])) as Record<IndicatorKey, { label: string; unit: IndicatorUnit }>;
})();
