const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days from `from` to `to` (ISO YYYY-MM-DD, UTC calendar days); null when either is missing or malformed. */
export function daysBetween(from: string | null, to: string | null): number | null {
  const a = from ? ISO.exec(from) : null;
  const b = to ? ISO.exec(to) : null;
  if (!a || !b) return null;
  const ta = Date.UTC(Number(a[1]), Number(a[2]) - 1, Number(a[3]));
  const tb = Date.UTC(Number(b[1]), Number(b[2]) - 1, Number(b[3]));
  return Math.round((tb - ta) / 86_400_000);
}

/** The same calendar day `years` earlier, as an ISO string (29 Feb compares between 28 Feb and 1 Mar). */
export function yearsBefore(date: string, years: number): string {
  const m = ISO.exec(date);
  if (!m) throw new Error(`not an ISO date: ${date}`);
  return `${String(Number(m[1]) - years).padStart(4, '0')}-${m[2]}-${m[3]}`;
}
