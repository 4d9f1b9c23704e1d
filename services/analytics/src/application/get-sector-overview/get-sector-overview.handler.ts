import { countedAsSpend, DEFAULT_NAF_CPV_RULE, describeNafCpvRule, probableDuplicateGroups, summariseProbableDuplicates, type NafCpvMapping, type NafCpvRule, type NafQuery, type ProbableDuplicatesSummary } from '../../domain';
import type { MapNafToCpvHandler } from '../map-naf-to-cpv/map-naf-to-cpv.handler';
import { describeFilters, filtersKey, type AnalyticsFilters } from '../shared/analytics-filters';
import type { ProjectionReadPort, SectorBuyer, SectorTotals, SectorYear } from '../shared/projection-read.port';
import type { QueryCache } from '../shared/query-cache';

export interface SectorLatestContract {
  uid: string;
  objet: string | null;
  acheteur: { id: string; nom: string | null };
  montant: number | null;
  /** False when the montant is unusable (absurd, out of range): shown, never summed. */
  montantUtilisable: boolean;
  /** The montant of an accord-cadre is a maximum, not a spend. */
  accordCadre: boolean;
  dateNotification: string | null;
  lien: string;
}

/** The CPV codes a NAF code was mapped to, as the page explains them (French words, as the query's). */
export interface SectorByNaf {
  /** The NAF query as displayed (`43.21A`, or a prefix `43.2`). */
  naf: string;
  /** The NAF codes of the data under the query. */
  codesNaf: string[];
  /** Contracts won by firms of that NAF (each titulaire counting for its own code), whatever their CPV code. */
  marches: number;
  /** Σ usable amounts of those contracts, framework agreements apart. */
  montant: number;
  /** The CPV codes kept (group of 3 digits or division of 2), in rank order; the overview covers them. */
  cpv: { code: string; contrats: number; montant: number; part: number; partMontant: number | null }[];
  /** Share of the NAF's contracts (and amounts) the kept codes cover. */
  couverture: number | null;
  couvertureMontant: number | null;
  regle: { niveau: 'groupe' | 'division'; couverture: number; supportMin: number; partMin: number; description: string };
  /** Why no CPV code could be kept (French), else null. */
  message: string | null;
}

export interface SectorOverview {
  filters: Record<string, string | number>;
  totals: SectorTotals;
  byYear: SectorYear[];
  topBuyers: SectorBuyer[];
  latestContracts: SectorLatestContract[];
  /**
   * Probable duplicates (one award published under two ids, services/analytics/docs/api.md §10) among the contracts
   * `totals.amount` sums: `excessAmount` is what that total counts twice. Shown, not subtracted.
   */
  probableDuplicates: ProbableDuplicatesSummary;
  /** Only for a sector given by NAF code (`naf=`): the mapping used. */
  secteur?: SectorByNaf;
}

/** A sector given by the company's NAF code instead of a CPV prefix. */
export interface SectorNafQuery {
  naf: NafQuery;
  rule?: Partial<NafCpvRule>;
}

/**
 * GET /api/secteur — "how much did Lorient Agglomération award in my trade last year": totals (count, Σ usable
 * amounts, framework-agreement maxima apart), by year, top buyers by amount and the latest contracts.
 * Plain SQL aggregates over the flattened columns (no facts needed).
 *
 * The sector is a CPV prefix (`filters.cpv`) or the company's NAF code: then the CPV codes that firms of that NAF
 * usually win (`MapNafToCpvHandler`, derived from every current contract, whatever the territory and period) are
 * the sector, and the answer says which codes were used and why.
 */
export class GetSectorOverviewHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly cache: QueryCache,
    private readonly nafMapping: MapNafToCpvHandler,
  ) {}

  execute(filters: AnalyticsFilters, limit: number, byNaf?: SectorNafQuery): Promise<SectorOverview> {
    const rule = byNaf ? { ...DEFAULT_NAF_CPV_RULE, ...byNaf.rule } : null;
    const key = `secteur:${limit}:${filtersKey(filters)}${byNaf ? `:naf=${byNaf.naf.key}:${JSON.stringify(rule)}` : ''}`;
    return this.cache.get(key, async () => {
      const mapping = byNaf ? await this.nafMapping.execute(byNaf.naf, rule!) : null;
      const scope: AnalyticsFilters = mapping ? { ...filters, cpvIn: mapping.codes.map((c) => c.code) } : filters;
      const [totals, byYear, topBuyers, latest] = [
        await this.store.sectorTotals(scope),
        await this.store.sectorByYear(scope),
        await this.store.topBuyers(scope, limit),
        await this.store.latestContracts(scope, limit),
      ];
      const duplicates = summariseProbableDuplicates(probableDuplicateGroups((await this.store.duplicateCandidates(scope)).filter(countedAsSpend)));
      return {
        filters: mapping ? { ...describeFilters(filters), naf: mapping.naf.code } : describeFilters(filters),
        totals,
        probableDuplicates: duplicates,
        byYear,
        topBuyers,
        latestContracts: latest.map((c) => ({
          uid: c.uid,
          objet: c.objet,
          acheteur: { id: c.acheteurId, nom: c.acheteurNom },
          montant: c.montant,
          montantUtilisable: c.montantUtilisable,
          accordCadre: c.accordCadre,
          dateNotification: c.dateNotification,
          lien: `/contrats/${encodeURIComponent(c.uid)}`,
        })),
        ...(mapping ? { secteur: sectorByNaf(mapping) } : {}),
      };
    });
  }
}

function sectorByNaf(m: NafCpvMapping): SectorByNaf {
  return {
    naf: m.naf.code,
    codesNaf: m.nafCodes,
    marches: m.wins.contracts,
    montant: m.wins.amount,
    cpv: m.codes.map((c) => ({ code: c.code, contrats: c.contracts, montant: c.amount, part: c.share, partMontant: c.amountShare })),
    couverture: m.coverage.contracts,
    couvertureMontant: m.coverage.amount,
    regle: {
      niveau: m.rule.level === 'group' ? 'groupe' : 'division',
      couverture: m.rule.coverage,
      supportMin: m.rule.minContracts,
      partMin: m.rule.minShare,
      description: describeNafCpvRule(m.rule),
    },
    message: m.empty?.message ?? null,
  };
}
