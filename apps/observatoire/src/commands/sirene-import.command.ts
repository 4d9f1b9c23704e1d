import { importSireneStock, migrateCatalog, openCatalogOrm } from '@observatoire/catalog';
import type { ObservatoireConfig } from '@observatoire/platform';
import { MultiBar, Presets } from 'cli-progress';
import { lockDataDir } from '../compose/data-dir-lock';

/**
 * `observatoire sirene-import`: streams INSEE's SIRENE stock files (StockUniteLegale,
 * StockEtablissement, CSV) into the catalog's reference tables, optionally filtered to some
 * départements. Organisations resolved afterwards get their size, legal category and territory.
 */
export async function sireneImportCommand(config: ObservatoireConfig, o: { unitesLegales?: string; etablissements?: string; departements?: string }) {
  if (!o.unitesLegales && !o.etablissements) throw new Error('give --unites-legales and/or --etablissements (SIRENE stock CSV files)');
  const unlock = config.profile === 'embedded' ? lockDataDir(config.dataDir, 'observatoire sirene-import') : () => undefined;
  const orm = await openCatalogOrm({ url: config.databases.catalog });
  const bars = process.stderr.isTTY ? new MultiBar({ format: ' {file} | {read} lignes lues | {kept} retenues', hideCursor: true }, Presets.shades_classic) : null;
  const bar = { unitesLegales: bars?.create(0, 0, { file: 'unités légales', read: 0, kept: 0 }), etablissements: bars?.create(0, 0, { file: 'établissements', read: 0, kept: 0 }) };
  try {
    if (config.profile === 'embedded') await migrateCatalog(orm);
    const result = await importSireneStock({
      orm,
      unitesLegales: o.unitesLegales,
      etablissements: o.etablissements,
      departements: o.departements ? o.departements.split(',').map((d) => d.trim()) : undefined,
      onProgress: (p) => bar[p.file]?.update(p.read, { read: p.read, kept: p.kept }),
    });
    bars?.stop();
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    bars?.stop();
    await orm.close();
    unlock();
  }
}
