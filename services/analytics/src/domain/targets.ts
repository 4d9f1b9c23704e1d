import type { IndicatorKey } from './indicators/indicator';

/** Charter targets (fractions), shown against the byCount value. Configuration, not constants of the formulas. */
export type CharterTargets = Partial<Record<IndicatorKey, number>>;

/** Breizh Small Business Act: advances to TPE/PME (charter variant) 50 %; first-time suppliers 30 %. Others undefined. */
export const DEFAULT_CHARTER_TARGETS: Readonly<CharterTargets> = Object.freeze({
  'advances-charter': 0.5,
  'first-time-suppliers': 0.3,
});
