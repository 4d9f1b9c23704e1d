import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import type { Migrator } from '@mikro-orm/migrations';
import { readTerritoryTables } from '../territory/territory-reference';
import { upsertRows } from './bulk-write';
import { CommuneEntity, DepartementEntity, EpciEntity, RegionEntity } from './entities';

export interface MigrateCatalogOptions {
  /** Load (upsert) the territory reference tables after the schema migrations. Default true. */
  loadTerritory?: boolean;
  /** Directory of the COG/DGCL CSV files. Default services/catalog/reference. */
  referenceDir?: string;
}

export interface MigrateCatalogResult {
  applied: string[];
  territory: { regions: number; departements: number; epcis: number; communes: number } | null;
}

/**
 * The catalog's migration step (CLI `observatoire migrate`): runs the committed migrations of the
 * dialect up, then upserts the territory reference. Never called at module init.
 */
export async function migrateCatalog(orm: MikroORM, options: MigrateCatalogOptions = {}): Promise<MigrateCatalogResult> {
  const migrator = orm.getMigrator() as Migrator;
  const applied = (await migrator.up()).map((m) => m.name);
  if (options.loadTerritory === false) return { applied, territory: null };
  const tables = readTerritoryTables(options.referenceDir);
  const em = orm.em.fork() as SqlEntityManager;
  await em.transactional(async (tx) => {
    await upsertRows(tx, RegionEntity, tables.regions);
    await upsertRows(tx, DepartementEntity, tables.departements);
    await upsertRows(tx, EpciEntity, tables.epcis);
    await upsertRows(tx, CommuneEntity, tables.communes);
  });
  return {
    applied,
    territory: {
      regions: tables.regions.length,
      departements: tables.departements.length,
      epcis: tables.epcis.length,
      communes: tables.communes.length,
    },
  };
}
