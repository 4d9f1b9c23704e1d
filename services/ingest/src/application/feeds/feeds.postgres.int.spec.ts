import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog } from '@observatoire/platform';
import { inject } from 'vitest';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
import { IngestFilesHandler } from '../ingest-files/ingest-files.handler';
import { FeedServer, failing, plain, withEtag } from '../../../test/support/feed-server';
import { createScratchDatabase } from '../../../test/support/scratch-postgres';
import { FeedStatusQuery } from './feed-status/feed-status.query';
import { OnboardBuyersFromCsvHandler } from './onboard-buyers-from-csv/onboard-buyers-from-csv.handler';
import { PullDueFeedsHandler } from './pull-due-feeds/pull-due-feeds.handler';
import { PublishBuyerRegistryHandler } from './publish-buyer-registry/publish-buyer-registry.handler';
import { PullFeedHandler } from './pull-feed/pull-feed.handler';

const V1 = readFileSync(resolve(__dirname, '../../../test/fixtures/real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json'), 'utf8');

/** The feed registry on real PostgreSQL: migrations, booleans, timestamps and the due-feed claim. */
describe('feed registry on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let server: FeedServer;

  beforeAll(async () => {
    database = await createScratchDatabase(inject('engines').postgres.url);
    orm = await createIngestOrm(database.url);
    expect(await migrateIngest(orm)).toEqual(['Migration20261128000000_ingest_initial', 'Migration20261128100000_ingest_feeds', 'Migration20261128200000_ingest_ledger_lock', 'Migration20261215000000_ingest_buyer_registry_stamp', 'Migration20261216000000_ingest_staged_hash']);
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'feeds-pg-bus-')));
    server = await new FeedServer().start();
  });

  afterAll(async () => {
    await server.stop();
    await bus.close();
    await orm.close(true);
    await database.drop();
  });

  it('onboards from CSV, pulls due feeds with conditional requests, and reports their alerts', async () => {
    server.route('/etag.json', withEtag(() => V1, () => '"e1"'));
    server.route('/plain.json', plain(() => V1));
    server.route('/down.json', failing(500));
    const csv = ['24350013900189;Rennes Métropole;' + server.url('/etag.json') + ';60', '21350238800016;Commune;' + server.url('/plain.json') + ';60', '21350238800016;Commune;' + server.url('/down.json') + ';60'].join('\n');
    expect(await new OnboardBuyersFromCsvHandler(orm).execute(csv)).toMatchObject({ created: 3, invalid: 0 });

    const pull = new PullFeedHandler(orm, new IngestFilesHandler(orm, bus), { timeoutMs: 5_000, maxBytes: 10_000_000, spoolDir: tmpdir() });
    const pullDue = new PullDueFeedsHandler(orm, pull);
    const first = await pullDue.execute({ concurrency: 4 });
    expect(first.outcomes.map((o) => o.result).sort()).toEqual(['changed', 'changed', 'failed']);
    expect(await pullDue.execute()).toMatchObject({ due: 0 });

    const feeds = await new FeedStatusQuery(orm).feeds();
    for (const f of feeds) expect((await pull.execute(f.id)).result).toBe(f.url!.endsWith('/down.json') ? 'failed' : 'unchanged');
    const after = await new FeedStatusQuery(orm).feeds();
    expect(after.find((f) => f.url!.endsWith('/down.json'))).toMatchObject({ enabled: true, consecutiveFailures: 2, alert: 'ok' });
    expect(after.filter((f) => f.lastResult === 'unchanged')).toHaveLength(2);
  });

  it('stamps and publishes the buyer registry (timestamps, enabled-feed counts and the stamp on PostgreSQL)', async () => {
    const registry = new PublishBuyerRegistryHandler(orm, bus);
    expect(await registry.execute()).toEqual({ buyers: 2, changed: 2, published: 2 });
    expect(await registry.execute()).toEqual({ buyers: 2, changed: 0, published: 2 });
    const events: { aggregateId: string; aggregateVersion: number; data: { active: boolean; registeredAt: string } }[] = [];
    const sub = await bus.subscribe({ group: 'registry-reader', topics: [TOPICS.buyerRegistry], handler: async (b) => void events.push(...(b.map((d) => d.event) as never[])) });
    await sub.drain(10_000);
    await sub.stop();
    expect(events.map((e) => [e.aggregateId, e.aggregateVersion, e.data.active])).toEqual([
      ['21350238800016', 1, true],
      ['24350013900189', 1, true],
      ['21350238800016', 1, true],
      ['24350013900189', 1, true],
    ]);
    expect(events[0].data.registeredAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });
});
