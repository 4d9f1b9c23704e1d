import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '@observatoire/platform';
import { IngestFilesHandler, fileInput } from '@observatoire/ingest';
import { createObservatoire } from '../compose/observatoire';
import { SERVICE_NAMES, SERVICES, migrateAll } from '../compose/services';
import { AnalyticsModule, createAnalyticsOrm, migrateAnalytics } from '@observatoire/analytics';
import { createLogger } from '../compose/logger';

import { promises as fsp } from 'node:fs';
import { EmbeddedEventLog } from '../../../../libs/platform/src/event-bus/embedded/embedded-event-log';
// DEV ONLY: concurrent writePositions of one group race on the same tmp file (reported to the lead)
let seq = 0;
const chains = new Map<string, Promise<void>>();
(EmbeddedEventLog.prototype as unknown as { writePositions: unknown }).writePositions = function (this: EmbeddedEventLog, group: string, positions: unknown) {
  const file = this.offsetsFile(group);
  const prev = chains.get(file) ?? Promise.resolve();
  const next = prev.then(async () => { const tmp = `${file}.${process.pid}.${++seq}.tmp`; await fsp.writeFile(tmp, JSON.stringify(positions)); await fsp.rename(tmp, file); });
  chains.set(file, next.catch(() => undefined));
  return next;
};

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'obs-web-'));
  const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn' });
  if (process.env.WIRE_ANALYTICS) {
    SERVICES.analytics.module = async (c) => AnalyticsModule.register({ databaseUrl: c.databases.analytics });
    SERVICES.analytics.migrate = async (c) => { const orm = await createAnalyticsOrm(c.databases.analytics); try { return await migrateAnalytics(orm); } finally { await orm.close(); } };
  }
  await migrateAll(config, SERVICE_NAMES);
  const obs = await createObservatoire(config, [...SERVICE_NAMES], createLogger('warn', 'dev'));
  await obs.app.listen(Number(process.env.DEVPORT || 4555), '127.0.0.1');
  const r = await obs.app.get(IngestFilesHandler).run([fileInput(resolve(__dirname, '../seed/decp_2024H2_travaux_cpv4521_bretagne.csv'))], { source: 'test', trigger: 'test' });
  await obs.drain();
  console.log('READY', JSON.stringify(r).slice(0, 300));
}
main().catch((e) => { console.error(e); process.exit(1); });
