import { IngestFilesHandler } from '@observatoire/ingest';
import type { ObservatoireConfig } from '@observatoire/platform';
import { createObservatoire } from '../compose/observatoire';
import { lockDataDir } from '../compose/data-dir-lock';
import { createLogger } from '../compose/logger';
import { migrateAll, type ServiceName } from '../compose/services';
import { startTelemetry, stopTelemetry } from '../telemetry';
import { seedIfEmpty } from '../seed/seed';

export async function startCommand(config: ObservatoireConfig, services: ServiceName[], opts: { migrate: boolean }): Promise<void> {
  startTelemetry(`observatoire-${services.length === 4 ? 'embedded' : services.join('-')}`);
  const logger = createLogger(config.logLevel, services.length === 4 ? 'observatoire' : services.join('+'));
  const unlock = config.profile === 'embedded' ? lockDataDir(config.dataDir, 'observatoire start') : () => undefined;
  try {
    if (opts.migrate) {
      const applied = await migrateAll(config, services);
      logger.info({ applied }, 'migrations applied');
    }
    const obs = await createObservatoire(config, services, logger);
    if (config.seed && services.includes('ingest')) await seedIfEmpty(obs.app.get(IngestFilesHandler), logger);
    await obs.app.listen(config.port, config.host);
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/`;
    logger.info({ profile: config.profile, services, dataDir: config.dataDir, url }, `observatoire prêt : ${url}`);
    if (process.stdout.isTTY) process.stdout.write(`\n  Observatoire de la commande publique bretonne : ${url}\n\n`);
    const shutdown = async (signal: string) => {
      logger.info({ signal }, 'arrêt');
      await obs.close().catch((e: Error) => logger.error({ err: e.message }, 'close failed'));
      await stopTelemetry();
      unlock();
      process.exit(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  } catch (e) {
    unlock();
    throw e;
  }
}
