/**
 * French CPV 2008 labels. The reference list writes codes with their check digit (`45233140-2`);
 * DECP `codeCPV` is the 8 digits. Pure lookups over a map loaded once (infrastructure/reference).
 */
export type CpvLabels = ReadonlyMap<string, string>;

/** `45233140-2` → `45233140`; null when it is not a CPV code. */
export function cpvKey(code: string | null | undefined): string | null {
  const m = /^\s*(\d{8})(?:-\d)?\s*$/.exec(code ?? '');
  return m ? m[1] : null;
}

/**
 * The label of a code, else the label of its nearest listed ancestor (trailing digits zeroed:
 * 45233149 → 45233140 → 45233100 → 45233000 → 45230000 → 45200000 → 45000000), else undefined.
 * An unlisted leaf (a later CPV revision, a typo in the last digits) still gets a French label
 * to be found by.
 */
export function cpvLabelOf(labels: CpvLabels, code: string | null | undefined): string | undefined {
  const key = cpvKey(code);
  if (!key) return undefined;
  const exact = labels.get(key);
  if (exact) return exact;
  for (let digits = 7; digits >= 2; digits--) {
    const ancestor = key.slice(0, digits).padEnd(8, '0');
    if (ancestor === key) continue;
    const label = labels.get(ancestor);
    if (label) return label;
  }
  return undefined;
}
