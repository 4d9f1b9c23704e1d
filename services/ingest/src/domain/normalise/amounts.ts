/** The ministry's bounds: an amount above 3 bn EUR or below 1 EUR is unusable. */
export const MAX_USABLE_AMOUNT = 3e9;
export const MIN_USABLE_AMOUNT = 1;

/**
 * Why an amount cannot feed indicators, or null when it can. Patterns seen in real files:
 * `1.0E17`, `999999999`, amounts starting `123456789`, a single non-zero digit repeated at least
 * six times as the whole integer part (111111, 9999999). Round amounts (1000000) are legitimate.
 */
export function amountUnusableReason(amount: number): string | null {
  if (!Number.isFinite(amount)) return 'not a finite number';
  if (amount > MAX_USABLE_AMOUNT) return 'above 3 bn EUR';
  if (amount < MIN_USABLE_AMOUNT) return 'below 1 EUR';
  const integerPart = Math.trunc(amount).toFixed(0);
  if (integerPart.startsWith('123456789')) return 'placeholder pattern 123456789…';
  if (/^([1-9])\1{5,}$/.test(integerPart)) return `placeholder pattern (one digit repeated: ${integerPart})`;
  return null;
}
