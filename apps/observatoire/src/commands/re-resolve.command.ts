import { createOrganisationResolver, migrateCatalog, openCatalogOrm, ReResolveOrganisationsHandler, type ReResolveOrganisationsResult } from '@observatoire/catalog';
import type { ObservatoireConfig } from '@observatoire/platform';
import { createEventBus } from '../compose/event-bus.factory';
import { lockDataDir } from '../compose/data-dir-lock';

export interface ReResolveCommandOptions {
  /** Comma-separated unknown reasons (default OFFLINE,NOT_FOUND,API_ERROR). */
  reasons?: string;
  /** Comma-separated organisation ids (SIRET/SIREN…): re-resolve exactly these. */
  ids?: string;
  limit?: number;
  batchSize?: number;
  json?: boolean;
}

const list = (s: string | undefined) => (s ? s.split(',').map((x) => x.trim()).filter(Boolean) : undefined);

/**
 * `observatoire re-resolve`: resolves again the organisations left `unknown` (by default for OFFLINE,
 * NOT_FOUND or API_ERROR) — typically right after `observatoire sirene-import` — and publishes
 * SupplierResolved / BuyerResolved for those whose profile changed, so search and analytics follow.
 */
export async function reResolveCommand(config: ObservatoireConfig, opts: ReResolveCommandOptions = {}): Promise<ReResolveOrganisationsResult> {
  const unlock = config.profile === 'embedded' ? lockDataDir(config.dataDir, 'observatoire re-resolve') : () => undefined;
  const bus = createEventBus(config, 'observatoire-re-resolve-cli');
  const orm = await openCatalogOrm({ url: config.databases.catalog });
  try {
    if (config.profile === 'embedded') await migrateCatalog(orm);
    const handler = new ReResolveOrganisationsHandler(orm, createOrganisationResolver({ sireneApiUrl: config.sireneApiUrl }), bus);
    const result = await handler.execute({
      reasons: list(opts.reasons),
      ids: list(opts.ids),
      limit: opts.limit,
      batchSize: opts.batchSize,
      onBatch: (p) => {
        if (process.stderr.isTTY && !opts.json) process.stderr.write(`\r ${p.selected} organisations, ${p.resolved} résolues, ${p.published} événements publiés`);
      },
    });
    if (process.stderr.isTTY && !opts.json) process.stderr.write('\n');
    process.stdout.write(
      opts.json
        ? JSON.stringify(result, null, 2) + '\n'
        : `Organisations reprises : ${result.selected}  ·  résolues : ${result.resolved}  ·  toujours inconnues : ${result.stillUnknown}  ·  profils changés : ${result.changed}  ·  événements publiés : ${result.published}\n`,
    );
    return result;
  } finally {
    await orm.close();
    await bus.close();
    unlock();
  }
}
