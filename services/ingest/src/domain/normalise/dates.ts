export type DateOutcome =
  | { readonly status: 'absent'; readonly date: null }
  | { readonly status: 'ok'; readonly date: string }
  | { readonly status: 'repaired'; readonly date: string; readonly repair: string }
  | { readonly status: 'invalid'; readonly date: null; readonly reason: string };

export const MIN_YEAR = 2010;
export const MAX_YEAR = 2039;

const MONTHS: Readonly<Record<string, number>> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  janvier: 1, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12,
};

function iso(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

interface Parsed {
  readonly date: string | null;
  readonly repair: string | null;
}

function parseSpelling(text: string): Parsed {
  let m = text.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (m) return { date: iso(+m[1], +m[2], +m[3]), repair: null };
  m = text.match(/^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:?\d{2})$/);
  if (m) return { date: iso(+m[1], +m[2], +m[3]), repair: 'timezone suffix removed' };
  m = text.match(/^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/);
  if (m) return { date: iso(+m[1], +m[2], +m[3]), repair: 'time part removed' };
  m = text.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/);
  if (m) return { date: iso(+m[3], +m[2], +m[1]), repair: 'DD/MM/YYYY spelling' };
  m = text.match(/^([A-Za-zéèûÉ]+)\.?,?\s+(\d{1,2}),?\s+(\d{4})(\s+\d{2}:\d{2}(:\d{2})?)?$/);
  if (m) {
    const month = MONTHS[m[1].normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()];
    if (month) return { date: iso(+m[3], month, +m[2]), repair: 'month name spelling' };
  }
  return { date: null, repair: null };
}

/**
 * Parses a DECP date: ISO dates, timezone suffixes (`2018-07-10+02:00`, allowed by 1.5), datetimes,
 * `September, 16 2021 00:00:00`, DD/MM/YYYY. A date outside 2010–2039 or after `today` (YYYY-MM-DD)
 * is invalid (null); `0222-04-29` is not guessed into 2022.
 */
export function parseDecpDate(raw: unknown, today: string): DateOutcome {
  if (raw === null || raw === undefined) return { status: 'absent', date: null };
  if (typeof raw !== 'string') return { status: 'invalid', date: null, reason: 'not a text date' };
  const text = raw.trim();
  if (text === '') return { status: 'absent', date: null };
  const parsed = parseSpelling(text);
  if (!parsed.date) return { status: 'invalid', date: null, reason: 'unrecognised date' };
  const year = Number(parsed.date.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) return { status: 'invalid', date: null, reason: `year ${year} outside ${MIN_YEAR}–${MAX_YEAR}` };
  if (parsed.date > today) return { status: 'invalid', date: null, reason: `in the future (after ${today})` };
  return parsed.repair ? { status: 'repaired', date: parsed.date, repair: parsed.repair } : { status: 'ok', date: parsed.date };
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
