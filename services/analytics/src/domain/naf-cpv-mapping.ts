/**
 * "My sector" by the company's NAF code: which CPV codes do firms of a NAF code actually win?
 *
 * The mapping is DERIVED FROM THE DATA, never from a hand-written correspondence table: from the wins of
 * suppliers whose SIRENE profile carries that NAF code (NAF rév. 2, `activitePrincipaleUniteLegale`), it keeps
 * the CPV codes that cover most of those wins. The rule (services/analytics/docs/naf-cpv-mapping.md):
 *
 * 1. A **win** is a pair (current contract, NAF code of one of its titulaires). Each titulaire counts: a
 *    groupement of an electrician (43.21A) and a plumber (43.22A) is a win of 43.21A and a win of 43.22A; two
 *    co-contractors with the same code make one win. Only contracts with a valid CPV code count.
 * 2. A query is a NAF sub-class (`43.21A`) or a prefix of one (division `43`, group `43.2`, class `43.21`),
 *    dot optional; the wins of every code under the prefix are added up.
 * 3. Wins are tallied per CPV group (3 first digits, `level: 'group'`, default) or CPV division (2 digits):
 *    contracts, and Σ usable amounts (framework-agreement maxima apart, unusable amounts counted, never summed).
 * 4. CPV codes are ranked by wins, then amount, then code; they are taken in that order until they cover
 *    `coverage` (default 80 %) of the wins. A code needs a minimum support to be taken — at least
 *    `minContracts` wins (default 3) and at least `minShare` of the wins (default 2 %) — so one odd contract
 *    never adds a sector; the coverage reached may therefore stay under the target, and it is reported.
 * 5. No win at all, or no code with the minimum support: an empty mapping with a French message saying why.
 */

/** One row of the (NAF, CPV) table: the wins of one NAF code in one CPV group. */
export interface NafCpvWins {
  /** NAF code as stored in the profile (`43.21A`; other spellings are normalised, other shapes ignored). */
  naf: string;
  /** CPV group: the 3 first digits of the contract's codeCPV. */
  cpv: string;
  /** Contracts won (a contract counts once per NAF code of its titulaires). */
  contracts: number;
  /** Σ usable amounts of those contracts, framework agreements left out. */
  amount: number;
}

export const NAF_LEVELS = ['division', 'groupe', 'classe', 'sous-classe'] as const;
export type NafLevel = (typeof NAF_LEVELS)[number];

/** A NAF query: `code` as displayed (`43.21A`), `key` without the dot (`4321A`), the matching prefix. */
export interface NafQuery {
  code: string;
  key: string;
  level: NafLevel;
}

const NAF_QUERY = /^(\d{2})(?:\.?(\d)(?:(\d)([A-Z])?)?)?$/;
const NAF_SUBCLASS_KEY = /^\d{4}[A-Z]$/;

/** Display form of a NAF key: `4321A` → `43.21A`, `432` → `43.2`, `43` → `43`. */
export function formatNafKey(key: string): string {
  return key.length <= 2 ? key : `${key.slice(0, 2)}.${key.slice(2)}`;
}

/**
 * A NAF rév. 2 code typed by a user: `43.21A`, `4321a`, ` 43.21 `, `43.2`, `43`. Null when it is not one
 * (letters of sections, NAF rév. 1 shapes such as `45.2V`, anything else).
 */
export function parseNaf(input: string): NafQuery | null {
  const m = NAF_QUERY.exec(input.trim().toUpperCase());
  if (!m) return null;
  const key = m.slice(1).filter(Boolean).join('');
  const level: NafLevel = key.length === 2 ? 'division' : key.length === 3 ? 'groupe' : key.length === 4 ? 'classe' : 'sous-classe';
  return { code: formatNafKey(key), key, level };
}

/** The key of a stored NAF code (`43.21A`, `4321A`, `43.21a`) when it is a NAF rév. 2 sub-class; else null. */
export function nafKeyOf(stored: string | null | undefined): string | null {
  if (!stored) return null;
  const key = stored.replace(/[\s.]/g, '').toUpperCase();
  return NAF_SUBCLASS_KEY.test(key) ? key : null;
}

export type CpvLevel = 'division' | 'group';

export interface NafCpvRule {
  /** CPV granularity: `group` (3 digits, default) or `division` (2 digits). */
  level: CpvLevel;
  /** Share of the wins the kept codes should cover, in (0, 1]. */
  coverage: number;
  /** Minimum wins for a code to be kept (≥ 1). */
  minContracts: number;
  /** Minimum share of the wins for a code to be kept, in [0, 1). */
  minShare: number;
}

export const DEFAULT_NAF_CPV_RULE: Readonly<NafCpvRule> = Object.freeze({ level: 'group', coverage: 0.8, minContracts: 3, minShare: 0.02 });

export interface NafCpvCode {
  /** CPV prefix: group (3 digits) or division (2 digits). */
  code: string;
  contracts: number;
  amount: number;
  /** contracts ÷ the NAF's wins. */
  share: number;
  /** amount ÷ the NAF's Σ usable amounts; null when that sum is 0. */
  amountShare: number | null;
}

export type NafCpvEmptyReason = 'NO_WIN' | 'INSUFFICIENT_SUPPORT';

export interface NafCpvMapping {
  naf: NafQuery;
  /** The codes of the data under the query, as displayed (`43.21A`…). */
  nafCodes: string[];
  rule: NafCpvRule;
  /** Every win of the NAF query, whatever its CPV code. */
  wins: { contracts: number; amount: number };
  /** The CPV codes kept, in rank order. */
  codes: NafCpvCode[];
  /** Share of the wins (and of the amount) the kept codes cover; null without wins. */
  coverage: { contracts: number | null; amount: number | null };
  /** CPV codes won at least once by the NAF query (kept or not). */
  candidates: number;
  /** Why the mapping is empty (null when it is not), with a French message for the user. */
  empty: { reason: NafCpvEmptyReason; message: string } | null;
}

function checkRule(rule: NafCpvRule): NafCpvRule {
  if (rule.level !== 'group' && rule.level !== 'division') throw new RangeError(`level must be group or division, got ${String(rule.level)}`);
  if (!(rule.coverage > 0 && rule.coverage <= 1)) throw new RangeError(`coverage must be in (0, 1], got ${rule.coverage}`);
  if (!(Number.isInteger(rule.minContracts) && rule.minContracts >= 1)) throw new RangeError(`minContracts must be an integer ≥ 1, got ${rule.minContracts}`);
  if (!(rule.minShare >= 0 && rule.minShare < 1)) throw new RangeError(`minShare must be in [0, 1), got ${rule.minShare}`);
  return rule;
}

const percent = (v: number) => `${Math.round(v * 1000) / 10}`.replace('.', ',') + '\u00a0%';
const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** The rule in French, for the page that explains the mapping. */
export function describeNafCpvRule(rule: NafCpvRule): string {
  const level = rule.level === 'group' ? 'groupes CPV (3 premiers chiffres du code)' : 'divisions CPV (2 premiers chiffres du code)';
  return (
    `Marchés en cours remportés par des entreprises ayant ce code NAF (SIRENE), chaque cotraitant comptant pour son propre code, ` +
    `regroupés par ${level}. Les codes CPV sont retenus du plus fréquent au moins fréquent jusqu’à couvrir ${percent(rule.coverage)} ` +
    `de ces marchés ; un code n’est retenu que s’il réunit au moins ${plural(rule.minContracts, 'marché', 'marchés')} et ${percent(rule.minShare)} du total.`
  );
}

/** Derive the CPV codes a NAF query usually wins, from the (NAF, CPV) table of wins. */
export function mapNafToCpv(table: readonly NafCpvWins[], naf: NafQuery, rule: Partial<NafCpvRule> = {}): NafCpvMapping {
  const r = checkRule({ ...DEFAULT_NAF_CPV_RULE, ...rule });
  const width = r.level === 'group' ? 3 : 2;
  const byCode = new Map<string, { contracts: number; amount: number }>();
  const nafCodes = new Set<string>();
  let contracts = 0;
  let amount = 0;
  for (const row of table) {
    const key = nafKeyOf(row.naf);
    if (!key || !key.startsWith(naf.key) || !/^\d{3}/.test(row.cpv) || !(row.contracts > 0)) continue;
    nafCodes.add(formatNafKey(key));
    const code = row.cpv.slice(0, width);
    const acc = byCode.get(code) ?? { contracts: 0, amount: 0 };
    acc.contracts += row.contracts;
    acc.amount += row.amount;
    byCode.set(code, acc);
    contracts += row.contracts;
    amount += row.amount;
  }
  const base = { naf, nafCodes: [...nafCodes].sort(), rule: r, wins: { contracts, amount }, candidates: byCode.size };
  if (contracts === 0) {
    return {
      ...base,
      codes: [],
      coverage: { contracts: null, amount: null },
      empty: {
        reason: 'NO_WIN',
        message:
          `Aucun marché n’a été remporté par une entreprise de code NAF ${naf.code} dans les données de l’observatoire ` +
          `(code inconnu, ou entreprises sans profil SIRENE) : la correspondance avec des codes CPV ne peut pas être établie. ` +
          (naf.key.length > 2
            ? `Essayez un code NAF plus large (division ${formatNafKey(naf.key.slice(0, 2))}) ou choisissez directement un code CPV.`
            : 'Essayez un autre code NAF ou choisissez directement un code CPV.'),
      },
    };
  }

  const ranked = [...byCode.entries()]
    .map(([code, v]) => ({ code, contracts: v.contracts, amount: v.amount, share: v.contracts / contracts, amountShare: amount > 0 ? v.amount / amount : null }))
    .sort((a, b) => b.contracts - a.contracts || b.amount - a.amount || a.code.localeCompare(b.code));
  const target = r.coverage * contracts - 1e-9;
  const codes: NafCpvCode[] = [];
  let covered = 0;
  let coveredAmount = 0;
  for (const c of ranked) {
    if (covered >= target) break;
    // ranked by wins: once a code lacks support, every later one does too
    if (c.contracts < r.minContracts || c.share < r.minShare) break;
    codes.push(c);
    covered += c.contracts;
    coveredAmount += c.amount;
  }
  if (codes.length === 0) {
    return {
      ...base,
      codes,
      coverage: { contracts: 0, amount: amount > 0 ? 0 : null },
      empty: {
        reason: 'INSUFFICIENT_SUPPORT',
        message:
          `Trop peu de marchés pour établir la correspondance : les entreprises de code NAF ${naf.code} ont remporté ` +
          `${plural(contracts, 'marché', 'marchés')}, et aucun code CPV n’en réunit au moins ${r.minContracts} (ni ${percent(r.minShare)}). ` +
          `Essayez un code NAF plus large ou choisissez directement un code CPV.`,
      },
    };
  }
  return { ...base, codes, coverage: { contracts: covered / contracts, amount: amount > 0 ? coveredAmount / amount : null }, empty: null };
}

export interface NafCodeCount {
  /** NAF code as displayed (`43.21A`). */
  code: string;
  /** Contracts won by firms with that code. */
  contracts: number;
}

/** The NAF codes present in the table (optionally under a prefix), by decreasing wins then code. */
export function nafCodesOf(table: readonly NafCpvWins[], prefix?: NafQuery): NafCodeCount[] {
  const counts = new Map<string, number>();
  for (const row of table) {
    const key = nafKeyOf(row.naf);
    if (!key || (prefix && !key.startsWith(prefix.key))) continue;
    counts.set(key, (counts.get(key) ?? 0) + row.contracts);
  }
  return [...counts.entries()]
    .map(([key, n]) => ({ code: formatNafKey(key), contracts: n }))
    .sort((a, b) => b.contracts - a.contracts || a.code.localeCompare(b.code));
}
