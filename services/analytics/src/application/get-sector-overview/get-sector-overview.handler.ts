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

export interface SectorOverview {
  filters: Record<string, string | number>;
  totals: SectorTotals;
  byYear: SectorYear[];
  topBuyers: SectorBuyer[];
  latestContracts: SectorLatestContract[];
}

/**
 * GET /api/secteur — "how much did Lorient Agglomération award in my trade last year": totals (count, Σ usable
 * amounts, framework-agreement maxima apart), by year, top buyers by amount and the latest contracts.
 * Plain SQL aggregates over the flattened columns (no facts needed).
 */
export class GetSectorOverviewHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly cache: QueryCache,
  ) {}

  execute(filters: AnalyticsFilters, limit: number): Promise<SectorOverview> {
    return this.cache.get(`secteur:${limit}:${filtersKey(filters)}`, async () => {
      const [totals, byYear, topBuyers, latest] = [
        await this.store.sectorTotals(filters),
        await this.store.sectorByYear(filters),
        await this.store.topBuyers(filters, limit),
        await this.store.latestContracts(filters, limit),
      ];
      return {
        filters: describeFilters(filters),
        totals,
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
      };
    });
  }
}
