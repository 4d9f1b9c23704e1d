/**
 * Enum spellings drift in DECP (curly vs straight apostrophes, upper case, missing accents,
 * legacy 1.4 wording). Indicators compare values through this key, never raw strings.
 */
export function normaliseLabel(value: string | null | undefined): string {
  if (value == null) return '';
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

export function sameLabel(a: string | null | undefined, b: string): boolean {
  return normaliseLabel(a) === normaliseLabel(b);
}
