import { mapNafToCpv, nafCodesOf, type NafCodeCount, type NafCpvMapping, type NafCpvRule, type NafCpvWins, type NafQuery } from '../../domain';
import type { ProjectionReadPort } from '../shared/projection-read.port';
import type { QueryCache } from '../shared/query-cache';

/**
 * The NAF → CPV mapping derived from the data (domain `mapNafToCpv`): the (NAF, CPV group) table of wins is read
 * once per projection revision (one set-based query over every current contract) and every NAF query, and the
 * list of NAF codes present, is answered from it.
 */
export class MapNafToCpvHandler {
  constructor(
    private readonly store: ProjectionReadPort,
    private readonly cache: QueryCache,
  ) {}

  private table(): Promise<NafCpvWins[]> {
    return this.cache.get('naf-cpv:wins', () => this.store.nafCpvWins());
  }

  async execute(naf: NafQuery, rule: Partial<NafCpvRule> = {}): Promise<NafCpvMapping> {
    return mapNafToCpv(await this.table(), naf, rule);
  }

  /** NAF codes of the data (under `prefix` when given), by decreasing wins: the page's autocomplete. */
  async nafCodes(prefix: NafQuery | null, limit: number): Promise<{ total: number; items: NafCodeCount[] }> {
    const all = nafCodesOf(await this.table(), prefix ?? undefined);
    return { total: all.length, items: all.slice(0, limit) };
  }
}
