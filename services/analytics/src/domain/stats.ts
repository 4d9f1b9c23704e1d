/** Small, pure statistics used by the indicators. Every function returns null (never NaN) on empty input. */

/** numerator / denominator, or null when the denominator is 0. */
export function safeRatio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Ordinary median: mean of the two middle values for an even count; null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Weighted median: the smallest value whose cumulative weight reaches half of the total weight;
 * when the cumulative weight equals exactly half, the mean of that value and the next one
 * (so equal weights give the ordinary median). Zero weights are ignored. Null for no positive weight.
 */
export function weightedMedian(points: readonly { value: number; weight: number }[]): number | null {
  const sorted = points.filter((p) => p.weight > 0).sort((a, b) => a.value - b.value);
  const total = sorted.reduce((s, p) => s + p.weight, 0);
  if (total <= 0) return null;
  const half = total / 2;
  const eps = 1e-9 * total;
  let cumulative = 0;
  for (let i = 0; i < sorted.length; i++) {
    cumulative += sorted[i].weight;
    if (Math.abs(cumulative - half) <= eps && i + 1 < sorted.length) return (sorted[i].value + sorted[i + 1].value) / 2;
    if (cumulative > half) return sorted[i].value;
  }
  return sorted[sorted.length - 1].value;
}

/** Arithmetic mean, null for no values. */
export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}
