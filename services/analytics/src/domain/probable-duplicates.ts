import type { Contract } from '@observatoire/contracts';
import { isFrameworkAgreement } from './facts';

/**
 * Probable duplicates: one contract published twice under two ids.
 *
 * Merging by `uid` (ingest) removes the copies a contract gets from several sources under the same id. Real files
 * also hold the same award published twice under two different ids — e.g. CA Quimperlé Communauté publishes
 * `2024T00053` and `20242024-12-13`, both 985,008.19 € of CPV 45212320 to two establishments of SANITHERM,
 * notified the same day. Summing both counts that award twice. The rule (services/analytics/docs/indicators.md):
 * two current contracts with different uids are probable duplicates when they have
 *   - the same buyer (acheteur id) and the same CPV code,
 *   - the same current amount to the cent, and that amount is not round (not a multiple of 100 €: round amounts
 *     — 40,000 €, 90,000 € — are legitimately repeated across lots and orders of one buyer),
 *   - the same titulaire companies (SIREN; two establishments of one company are the same company; a titulaire
 *     without a SIRET counts by its id), at least one,
 *   - notification dates at most 90 days apart (a contract without a date keeps its whole group together).
 * Nothing is removed from the figures: the groups are shown with the amount they may count twice.
 */

/**
 * What a spend total sums (sector overview): a usable amount that is not a framework-agreement maximum. The
 * probable duplicates among these are what such a total counts twice.
 */
export function countedAsSpend(c: Contract): boolean {
  return c.montantUtilisable && !isFrameworkAgreement(c);
}

/** Longest gap between the notification dates of two copies of one award. */
export const DUPLICATE_WINDOW_DAYS = 90;

export interface ProbableDuplicateCopy {
  uid: string;
  id: string;
  dateNotification: string | null;
  datePublicationDonnees: string | null;
  /** The titulaire identifiers as published (establishments may differ between copies). */
  titulaires: string[];
  /** The ingest sources this copy came from. */
  sources: string[];
}

export interface ProbableDuplicateGroup {
  acheteurId: string;
  acheteurNom: string | null;
  codeCPV: string;
  objet: string | null;
  montant: number;
  /** The titulaire companies the copies share (SIREN, or the id of a titulaire without SIRET). */
  titulaires: string[];
  /** Two or more, by notification date then uid. */
  copies: ProbableDuplicateCopy[];
  /** What summing every copy adds to the real award: montant × (copies − 1). */
  excessAmount: number;
}

const DAY_MS = 86_400_000;

/** Whole cents of a non-round amount (not a multiple of 100 €), else null. */
function distinctiveCents(montant: number | null): number | null {
  if (montant === null || !Number.isFinite(montant) || montant <= 0) return null;
  const cents = Math.round(montant * 100);
  return cents % 10_000 === 0 ? null : cents;
}

/** SIREN of a SIRET (14 digits), else the trimmed id. */
function companyOf(id: string): string {
  const t = id.trim();
  return /^\d{14}$/.test(t) ? t.slice(0, 9) : t;
}

function dayOf(date: string | null): number | null {
  if (!date) return null;
  const t = Date.parse(date.slice(0, 10));
  return Number.isNaN(t) ? null : Math.floor(t / DAY_MS);
}

/**
 * Splits copies sorted by date into runs whose consecutive dates are at most the window apart. A copy without a
 * date cannot be placed: its whole group stays one run.
 */
function clusters(copies: Contract[]): Contract[][] {
  const day = (c: Contract) => dayOf(c.dateNotification);
  const sorted = [...copies].sort((a, b) => (day(a) ?? -Infinity) - (day(b) ?? -Infinity) || a.uid.localeCompare(b.uid));
  if (sorted.some((c) => day(c) === null)) return [sorted];
  const runs: Contract[][] = [];
  for (const c of sorted) {
    const run = runs[runs.length - 1];
    if (run && day(c)! - day(run[run.length - 1])! <= DUPLICATE_WINDOW_DAYS) run.push(c);
    else runs.push([c]);
  }
  return runs;
}

/** The groups of probable duplicates among these current contracts, the largest amount counted twice first. */
export function probableDuplicateGroups(contracts: readonly Contract[]): ProbableDuplicateGroup[] {
  const byKey = new Map<string, { companies: string[]; contracts: Contract[] }>();
  for (const c of contracts) {
    const cents = distinctiveCents(c.montant);
    if (cents === null || !c.codeCPV || !c.titulaires?.length) continue;
    const companies = [...new Set(c.titulaires.map((t) => companyOf(t.id)).filter((id) => id !== ''))].sort();
    if (companies.length === 0) continue;
    const key = [c.acheteur.id, c.codeCPV, cents, ...companies].join('\u001f');
    const entry = byKey.get(key) ?? { companies, contracts: [] };
    if (!entry.contracts.some((x) => x.uid === c.uid)) entry.contracts.push(c);
    byKey.set(key, entry);
  }
  const groups: ProbableDuplicateGroup[] = [];
  for (const { companies, contracts: same } of byKey.values()) {
    if (same.length < 2) continue;
    for (const run of clusters(same)) {
      if (run.length < 2) continue;
      const first = run[0];
      groups.push({
        acheteurId: first.acheteur.id,
        acheteurNom: run.map((c) => c.acheteur.denominationSociale).find((n) => n) ?? null,
        codeCPV: first.codeCPV!,
        objet: run.map((c) => c.objet).find((o) => o) ?? null,
        montant: first.montant!,
        titulaires: companies,
        copies: run.map((c) => ({
          uid: c.uid,
          id: c.id,
          dateNotification: c.dateNotification,
          datePublicationDonnees: c.datePublicationDonnees,
          titulaires: (c.titulaires ?? []).map((t) => t.id),
          sources: [...new Set(c.provenance.map((p) => p.source))].sort(),
        })),
        excessAmount: first.montant! * (run.length - 1),
      });
    }
  }
  return groups.sort((a, b) => b.excessAmount - a.excessAmount || a.acheteurId.localeCompare(b.acheteurId) || a.copies[0].uid.localeCompare(b.copies[0].uid));
}

export interface ProbableDuplicatesSummary {
  groups: number;
  /** Contracts in the groups, every copy included. */
  contracts: number;
  /** Σ excessAmount, to the cent. */
  excessAmount: number;
}

export function summariseProbableDuplicates(groups: readonly ProbableDuplicateGroup[]): ProbableDuplicatesSummary {
  return {
    groups: groups.length,
    contracts: groups.reduce((n, g) => n + g.copies.length, 0),
    excessAmount: Math.round(groups.reduce((s, g) => s + g.excessAmount, 0) * 100) / 100,
  };
}
