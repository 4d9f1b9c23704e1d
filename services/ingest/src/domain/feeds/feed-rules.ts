import { isValidSiret } from '../normalise/siret';

/** Pure rules of the feed registry: schedule, backoff, alert state, onboarding CSV lines. No I/O. */

export const FEED_KINDS = ['url', 'platform-export', 'upload'] as const;
export type FeedKind = (typeof FEED_KINDS)[number];
export const PULL_RESULTS = ['changed', 'unchanged', 'failed'] as const;
export type PullResult = (typeof PULL_RESULTS)[number];
export const ALERT_STATES = ['ok', 'stale', 'failing'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 43_200; // 30 days
export const DEFAULT_INTERVAL_MINUTES = 1_440;
/** Backoff after a failure never waits longer than this. */
export const MAX_BACKOFF_MINUTES = 1_440;
/** Consecutive failures from which a feed is `failing`; intervals without a successful pull from which it is `stale`. */
export const FAILING_AFTER = 3;
export const STALE_AFTER_INTERVALS = 3;
/** An `upload` feed's interval is the period within which a deposit is expected: stale as soon as it passes. */
export const UPLOAD_STALE_AFTER_INTERVALS = 1;

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** Only feeds fetched over HTTP are pulled; `upload` feeds are fed by the upload endpoint. */
export function isPullable(kind: FeedKind): boolean {
  return kind !== 'upload';
}

/** Wait after the n-th consecutive failure (n ≥ 1): 2^n minutes, capped at 24 h. */
export function backoffMinutes(consecutiveFailures: number): number {
  const n = Math.max(1, consecutiveFailures);
  return n >= 11 ? MAX_BACKOFF_MINUTES : Math.min(2 ** n, MAX_BACKOFF_MINUTES);
}

/** When a feed is due next after a pull that ended with `result`. */
export function nextPullAt(now: Date, result: PullResult, intervalMinutes: number, consecutiveFailures: number): Date {
  const minutes = result === 'failed' ? backoffMinutes(consecutiveFailures) : intervalMinutes;
  return new Date(now.getTime() + minutes * MINUTE);
}

export interface AlertInput {
  kind: FeedKind;
  enabled: boolean;
  intervalMinutes: number;
  consecutiveFailures: number;
  lastSuccessAt: Date | null;
  createdAt: Date;
}

/**
 * `failing` after 3 consecutive failures; `stale` when no successful pull (changed or unchanged)
 * for 3 intervals, counted from registration when there was never one; `ok` otherwise. An `upload`
 * feed is `stale` when it received no successful deposit for longer than its interval (its expected
 * period). Disabled feeds are never stale: nothing is expected from them.
 */
export function alertState(f: AlertInput, now: Date): AlertState {
  if (f.consecutiveFailures >= FAILING_AFTER) return 'failing';
  if (!f.enabled) return 'ok';
  const since = (f.lastSuccessAt ?? f.createdAt).getTime();
  const intervals = isPullable(f.kind) ? STALE_AFTER_INTERVALS : UPLOAD_STALE_AFTER_INTERVALS;
  return now.getTime() - since > intervals * f.intervalMinutes * MINUTE ? 'stale' : 'ok';
}

/** Worst of several alert states (a buyer's alert is its worst feed's). */
export function worstAlert(states: AlertState[]): AlertState {
  return states.includes('failing') ? 'failing' : states.includes('stale') ? 'stale' : 'ok';
}

/** Hours since the feed last brought new content, one decimal; null when it never did. */
export function freshnessHours(lastChangedAt: Date | null, now: Date): number | null {
  return lastChangedAt ? Math.round(((now.getTime() - lastChangedAt.getTime()) / HOUR) * 10) / 10 : null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

export interface FeedDefinition {
  siret: string;
  nom: string;
  url: string | null;
  kind: FeedKind;
  intervalMinutes: number;
  enabled: boolean;
  credentialsEnv: string | null;
}

/** The name of an environment variable (never a secret itself). */
export const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,99}$/;

/** Checks a feed definition field by field; returns every problem, not only the first. */
export function checkFeedDefinition(d: FeedDefinition): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!isValidSiret(d.siret)) problems.push({ field: 'siret', message: `SIRET invalide : « ${d.siret} » (14 chiffres, clé de Luhn)` });
  if (!d.nom.trim()) problems.push({ field: 'nom', message: 'nom manquant' });
  else if (d.nom.length > 300) problems.push({ field: 'nom', message: 'nom trop long (300 caractères au plus)' });
  if (!FEED_KINDS.includes(d.kind)) problems.push({ field: 'kind', message: `type inconnu : ${String(d.kind)} (${FEED_KINDS.join(', ')})` });
  if (isPullable(d.kind) || d.url) {
    const problem = urlProblem(d.url);
    if (problem) problems.push({ field: 'url', message: problem });
  }
  if (!Number.isInteger(d.intervalMinutes) || d.intervalMinutes < MIN_INTERVAL_MINUTES || d.intervalMinutes > MAX_INTERVAL_MINUTES) {
    problems.push({ field: 'intervalle_minutes', message: `entier entre ${MIN_INTERVAL_MINUTES} et ${MAX_INTERVAL_MINUTES} attendu` });
  }
  if (d.credentialsEnv !== null && !ENV_NAME.test(d.credentialsEnv)) {
    problems.push({ field: 'credentialsEnv', message: 'nom de variable d’environnement attendu (A-Z, 0-9, _), jamais le secret lui-même' });
  }
  return problems;
}

function urlProblem(url: string | null): string | null {
  if (!url) return 'URL manquante';
  if (url.length > 2000) return 'URL trop longue';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `URL invalide : ${url}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'URL http(s) attendue';
  if (parsed.username || parsed.password) return 'identifiants interdits dans l’URL (utilisez une variable d’environnement)';
  return null;
}

export type CsvLine =
  | { line: number; ok: true; definition: FeedDefinition }
  | { line: number; ok: false; problems: FieldProblem[] };

export const ONBOARDING_COLUMNS = ['siret', 'nom', 'url', 'intervalle_minutes'] as const;

/**
 * Parses the onboarding CSV `siret;nom;url;intervalle_minutes` (header optional, `;` separated,
 * double quotes for fields holding `;`, empty interval = daily). Line numbers are the file's (1-based).
 */
export function parseOnboardingCsv(text: string): CsvLine[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: CsvLine[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (!raw.trim()) return;
    const cells = splitCsvLine(raw).map((c) => c.trim());
    if (line === 1 && cells[0]?.toLowerCase() === 'siret') return;
    if (cells.length !== ONBOARDING_COLUMNS.length) {
      out.push({ line, ok: false, problems: [{ field: 'ligne', message: `${ONBOARDING_COLUMNS.length} colonnes attendues (${ONBOARDING_COLUMNS.join(';')}), ${cells.length} trouvée(s)` }] });
      return;
    }
    const [siret, nom, url, interval] = cells;
    const definition: FeedDefinition = {
      siret: siret.replace(/\s/g, ''),
      nom,
      url: url || null,
      kind: 'url',
      intervalMinutes: interval === '' ? DEFAULT_INTERVAL_MINUTES : /^\d+$/.test(interval) ? Number(interval) : Number.NaN,
      enabled: true,
      credentialsEnv: null,
    };
    const problems = checkFeedDefinition(definition);
    out.push(problems.length ? { line, ok: false, problems } : { line, ok: true, definition });
  });
  return out;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ';') {
      cells.push(cur);
      cur = '';
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}
