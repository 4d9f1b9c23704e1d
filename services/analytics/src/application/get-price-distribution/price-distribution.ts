/** Distribution of amounts: count, min, quartiles (median = q2), max, mean; nulls for an empty list. */
export interface AmountDistribution {
  count: number;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * Quantile by linear interpolation between closest ranks (Hyndman & Fan type 7, the default of R, NumPy and
 * spreadsheets' QUARTILE.INC): h = (n − 1)·p, value = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). `sorted` ascending.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function distributionOf(values: readonly number[]): AmountDistribution {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return {
    count: n,
    min: n ? sorted[0] : null,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: n ? sorted[n - 1] : null,
    mean: n ? sorted.reduce((s, v) => s + v, 0) / n : null,
  };
}
