import 'reflect-metadata';
import { Option, type CommanderError } from 'commander';
import type { ObservatoireConfig } from '@observatoire/platform';
import { frenchCommanderError, frenchProgram } from './cli-french';
import { SERVICE_NAMES, type ServiceName } from './compose/service-names';

// Only commander and this file load at start: `observatoire --help` and argument errors answer at once. Every
// command loads what it needs (the platform, the services, Nest) when it runs.

/** Load the configuration and check that the given services have what they need in this profile. */
async function configFor(services: readonly string[], overrides: Partial<Record<string, string>> = {}): Promise<ObservatoireConfig> {
  const { assertServicesConfigured, loadConfig } = await import('@observatoire/platform');
  const config = loadConfig(process.env, overrides);
  assertServicesConfigured({ ...process.env, ...overrides }, config, services);
  return config;
}
const loadConfig = async (overrides: Partial<Record<string, string>> = {}) => (await import('@observatoire/platform')).loadConfig(process.env, overrides);

function parseServices(value: string): ServiceName[] {
  if (value === 'all') return [...SERVICE_NAMES];
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) if (!(SERVICE_NAMES as readonly string[]).includes(n)) throw new Error(`--service : service « ${n} » inconnu (attendu : ${SERVICE_NAMES.join(', ')} ou all)`);
  return names as ServiceName[];
}

async function main(argv: string[]): Promise<number> {
  const program = frenchProgram();

  program
    .command('start')
    .description("démarre l'observatoire (profil embarqué par défaut : un seul processus, données sous OBSERVATOIRE_DATA_DIR)")
    .addOption(new Option('--service <names>', 'services à lancer : all, ou liste ingest,catalog,search,analytics').default('all'))
    .option('--port <port>', 'port HTTP (PORT)')
    .option('--no-seed', "n'intègre pas l'échantillon breton au premier démarrage")
    .option('--no-migrate', 'ne lance pas les migrations avant le démarrage')
    .action(async (o: { service: string; port?: string; seed: boolean; migrate: boolean }) => {
      const services = parseServices(o.service);
      const config = await configFor(services, { PORT: o.port, OBSERVATOIRE_SEED: o.seed ? undefined : 'false' });
      const { startCommand } = await import('./commands/start.command');
      await startCommand(config, services, { migrate: o.migrate });
    });

  program
    .command('ingest')
    .description('intègre des fichiers DECP (JSON/XML 2019 et 2022, CSV decp.info, .gz), des répertoires ou des URL')
    .argument('<fichiers...>', 'fichiers, répertoires ou URL')
    .option('--json', 'imprime le bilan JSON sur la sortie standard', false)
    .option('--source <source>', 'source logique des données (plateforme, flux…)', 'cli')
    .option('--lock-wait <secondes>', 'attente maximale du registre des marchés quand une autre intégration le tient (défaut 600)')
    .action(async (inputs: string[], o: { json: boolean; source: string; lockWait?: string }) => {
      const config = await configFor(['ingest']);
      const lockWaitMs = o.lockWait === undefined ? undefined : Number(o.lockWait) * 1000;
      if (lockWaitMs !== undefined && !(Number.isFinite(lockWaitMs) && lockWaitMs >= 0)) throw new Error(`--lock-wait: nombre de secondes attendu, pas "${o.lockWait}"`);
      const { ingestCommand, printSummary } = await import('./commands/ingest.command');
      const summary = await ingestCommand(config, inputs, { ...o, lockWaitMs });
      printSummary(summary, o.json);
    });

  program
    .command('gateway')
    .description('origine publique unique du profil distribué : pages web et /api relayé vers chaque service')
    .requiredOption('--ingest <url>', 'URL du service ingest')
    .requiredOption('--catalog <url>', 'URL du service catalog')
    .requiredOption('--search <url>', 'URL du service search')
    .requiredOption('--analytics <url>', 'URL du service analytics')
    .option('--port <port>', 'port HTTP (PORT)')
    .action(async (o: { ingest: string; catalog: string; search: string; analytics: string; port?: string }) => {
      const config = await loadConfig({ PORT: o.port });
      const { createGateway } = await import('./gateway/gateway');
      const { WEB_ROOT } = await import('./compose/observatoire');
      const app = createGateway({ ingest: o.ingest, catalog: o.catalog, search: o.search, analytics: o.analytics }, WEB_ROOT);
      await new Promise<void>((resolve) => app.listen(config.port, config.host, () => resolve()));
      process.stdout.write(`passerelle : http://${config.host}:${config.port}/\n`);
    });

  program
    .command('migrate')
    .description('applique les migrations des bases des services')
    .addOption(new Option('--service <names>', 'services').default('all'))
    .action(async (o: { service: string }) => {
      const services = parseServices(o.service);
      const config = await configFor(services);
      const { migrateAll } = await import('./compose/services');
      const done = await migrateAll(config, services);
      process.stdout.write(JSON.stringify({ applied: done }, null, 2) + '\n');
    });

  program
    .command('sirene-import')
    .description('importe le stock SIRENE (CSV StockUniteLegale / StockEtablissement) dans le référentiel du catalogue')
    .option('--unites-legales <file>', 'StockUniteLegale (CSV)')
    .option('--etablissements <file>', 'StockEtablissement (CSV)')
    .option('--departements <codes>', 'ne garder que ces départements (ex. 22,29,35,56)')
    .action(async (o: { unitesLegales?: string; etablissements?: string; departements?: string }) => {
      const { sireneImportCommand } = await import('./commands/sirene-import.command');
      await sireneImportCommand(await configFor(['catalog']), o);
    });

  program
    .command('re-resolve')
    .description('résout à nouveau les organisations inconnues (par défaut OFFLINE, NOT_FOUND, API_ERROR), par ex. après sirene-import, et publie les profils changés')
    .option('--reasons <codes>', 'motifs à reprendre (ex. OFFLINE,NOT_FOUND,API_ERROR)')
    .option('--ids <ids>', 'ces organisations seulement (identifiants séparés par des virgules)')
    .option('--limit <n>', 'au plus n organisations')
    .option('--batch-size <n>', 'organisations par lot', '200')
    .option('--json', 'résultat en JSON', false)
    .action(async (o: { reasons?: string; ids?: string; limit?: string; batchSize: string; json: boolean }) => {
      const { reResolveCommand } = await import('./commands/re-resolve.command');
      await reResolveCommand(await configFor(['catalog']), { reasons: o.reasons, ids: o.ids, limit: o.limit ? Number(o.limit) : undefined, batchSize: Number(o.batchSize), json: o.json });
    });

  program
    .command('generate')
    .description('écrit des DECP SYNTHÉTIQUES déterministes (benchmarks)')
    .requiredOption('--contracts <n>', 'nombre de contrats')
    .option('--seed <n>', 'graine', '42')
    .addOption(new Option('--shape <shape>', 'forme').choices(['decp-2022-json', 'decp-info-csv']).default('decp-2022-json'))
    .requiredOption('--out <file>', 'fichier de sortie (.gz pour compresser)')
    .action(async (o: { contracts: string; seed: string; shape: 'decp-2022-json' | 'decp-info-csv'; out: string }) => {
      const { generateCommand } = await import('./commands/generate.command');
      await generateCommand({ contracts: Number(o.contracts), seed: Number(o.seed), shape: o.shape, out: o.out });
    });

  const ops = () => import('./commands/ops.command');
  program
    .command('status')
    .description('retard des consommateurs et lettres mortes par groupe')
    .option('--json', 'sortie JSON', false)
    .action(async (o: { json: boolean }) => {
      const { statusCommand, printOpsResult } = await ops();
      printOpsResult(await statusCommand(await loadConfig()), o.json);
    });
  program
    .command('replay')
    .description("rejoue un groupe depuis le début ; analytics : reconstruit dans des tables neuves puis bascule ; search : recrée l'index")
    .requiredOption('--group <group>', 'catalog, search ou analytics')
    .option('--drop-profiles', 'search : recrée aussi les profils des organisations', false)
    .option('--json', 'sortie JSON', false)
    .action(async (o: { group: string; dropProfiles: boolean; json: boolean }) => {
      const { replayCommand, parseReplayableGroup, printOpsResult } = await ops();
      printOpsResult(await replayCommand(await loadConfig(), { group: parseReplayableGroup(o.group), dropProfiles: o.dropProfiles }), o.json);
    });
  const dlq = program.command('dlq').description('lettres mortes (dead-letter topics)');
  dlq
    .command('list')
    .requiredOption('--topic <topic>', 'sujet (contracts, organisations… ou nom complet)')
    .requiredOption('--group <group>', 'groupe (catalog, search, analytics ou nom complet)')
    .option('--limit <n>', 'nombre maximum', '100')
    .option('--json', 'sortie JSON', false)
    .action(async (o: { topic: string; group: string; limit: string; json: boolean }) => {
      const { dlqListCommand, printOpsResult } = await ops();
      printOpsResult(await dlqListCommand(await loadConfig(), { topic: o.topic, group: o.group, limit: Number(o.limit) }), o.json);
    });
  dlq
    .command('redrive')
    .requiredOption('--topic <topic>', 'sujet')
    .requiredOption('--group <group>', 'groupe')
    .option('--json', 'sortie JSON', false)
    .action(async (o: { topic: string; group: string; json: boolean }) => {
      const { dlqRedriveCommand, printOpsResult } = await ops();
      printOpsResult(await dlqRedriveCommand(await loadConfig(), { topic: o.topic, group: o.group }), o.json);
    });

  try {
    await program.parseAsync(argv);
    return 0;
  } catch (e) {
    const err = e as CommanderError;
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      // --help, --version: not errors
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
      process.stderr.write(`observatoire : ${frenchCommanderError(err.code, err.message)}\n(observatoire --help pour l’aide)\n`);
      return err.exitCode || 1;
    }
    process.stderr.write(`observatoire : ${(e as Error).message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    return 1;
  }
}

void main(process.argv).then((code) => {
  if (code !== 0) process.exit(code);
});
