import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog, InstrumentedEventBus, Metrics } from '@observatoire/platform';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
import { fileInput } from './resolve-inputs';
import { IngestFilesHandler } from './ingest-files.handler';

const BRETON = resolve(__dirname, '../../../test/fixtures/real/decp-info-tabular-extract/decp_2024H2_travaux_cpv4521_bretagne.csv');
const HEADER = 'uid,id,type,codeCPV,acheteur_id,acheteur_nom,titulaire_id,titulaire_nom,montant,dateNotification,procedure,dureeMois,offresRecues';
/** One made-up file (BUILT FOR TESTS): a valid row and one without buyer nor amount nor date. */
const MADE_UP = `${HEADER}\n21350238000011X1,X1,Marché,45233141,21350238000011,COMMUNE,44306184100047,SARL VOIRIE,80000,2024-09-02,Procédure adaptée,6,3\n,,,,,,,,pas-un-montant,hier,,,\n`;

async function counter(metrics: Metrics, name: string): Promise<Record<string, number>> {
  const metric = metrics.registry.getSingleMetric(name);
  const out: Record<string, number> = {};
  for (const v of (await metric?.get())?.values ?? []) out[String(v.labels.outcome ?? v.labels.topic)] = v.value;
  return out;
}

describe('ingest metrics', () => {
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let metrics: Metrics;

  beforeEach(async () => {
    orm = await createIngestOrm('sqlite::memory:');
    await migrateIngest(orm);
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'ingest-metrics-')));
    metrics = new Metrics();
  });

  afterEach(async () => {
    await bus.close();
    await orm.close();
  });

  it('counts records by outcome and the events published (bare bus, as in the CLI)', async () => {
    const handler = new IngestFilesHandler(orm, bus, { stageBatch: 50, publishPage: 40 }, metrics);
    const first = await handler.run([fileInput(BRETON, 'bretagne.csv'), { name: 'made-up.csv', open: () => Readable.from([Buffer.from(MADE_UP)]) }], { source: 'test', trigger: 'test' });
    expect(first.quarantined).toBeGreaterThan(0);
    const records = await counter(metrics, 'observatoire_ingest_records_total');
    expect(records.accepted).toBe(first.accepted);
    expect(records.flagged ?? 0).toBe(first.flagged);
    expect(records.quarantined).toBe(first.quarantined);
    expect(records.duplicate ?? 0).toBe(first.duplicates);
    const published = await counter(metrics, 'observatoire_events_published_total');
    expect(published[TOPICS.contracts]).toBe(first.published);
    expect(published[TOPICS.quarantine]).toBe(first.quarantined);
    expect(published[TOPICS.ingestRuns]).toBe(1);

    const again = await handler.run([fileInput(BRETON, 'bretagne.csv')], { source: 'test', trigger: 'test' });
    expect(again.duplicates).toBe(again.records);
    expect((await counter(metrics, 'observatoire_ingest_records_total')).duplicate).toBe(first.duplicates + again.duplicates);
    expect((await counter(metrics, 'observatoire_events_published_total'))[TOPICS.contracts]).toBe(first.published);
  });

  it('does not count publications twice when the bus is already instrumented (the apps)', async () => {
    const handler = new IngestFilesHandler(orm, new InstrumentedEventBus(bus, metrics), { stageBatch: 50, publishPage: 40 }, metrics);
    const s = await handler.run([fileInput(BRETON, 'bretagne.csv')], { source: 'test', trigger: 'test' });
    expect((await counter(metrics, 'observatoire_events_published_total'))[TOPICS.contracts]).toBe(s.published);
    expect((await counter(metrics, 'observatoire_ingest_records_total')).accepted).toBe(s.accepted);
  });
});
