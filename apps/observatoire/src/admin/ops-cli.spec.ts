import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog, loadConfig } from '@observatoire/platform';
import { createAnalyticsOrm, migrateAnalytics } from '@observatoire/analytics';
import { ingestCommand } from '../commands/ingest.command';
import { dlqListCommand, dlqRedriveCommand, replayCommand, statusCommand } from '../commands/ops.command';

describe('ops CLI on the embedded profile', () => {
  it('resets a stopped group, inspects and re-drives its dead letters once, and reports the status', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'obs-ops-cli-'));
    const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dataDir, OBSERVATOIRE_SEED: 'false' });
    const log = new EmbeddedEventLog(join(dataDir, 'events'));
    const sub = await log.subscribe({
      group: CONSUMER_GROUPS.catalog,
      topics: [TOPICS.contracts],
      handler: async () => undefined,
    });
    // A message no consumer can parse: dead-lettered with the parse error as its reason.
    await log.appendRaw(TOPICS.contracts, [{ key: 'POISON', headers: {}, value: '{"type":"ContractPublished","data":"not an event"}' }]);
    await sub.drain(10_000);
    await log.close();

    const status = await statusCommand(config);
    const catalog = status.groups.find((g) => g.group === CONSUMER_GROUPS.catalog)!;
    expect(catalog.topics).toEqual([expect.objectContaining({ topic: TOPICS.contracts, lag: 0, deadLetters: 1 })]);

    const dead = await dlqListCommand(config, { topic: 'contracts', group: 'catalog' });
    expect(dead).toEqual([expect.objectContaining({ key: 'POISON', eventType: 'ContractPublished', reason: expect.stringMatching(/\S/) })]);
    expect((await dlqRedriveCommand(config, { topic: 'contracts', group: 'catalog' })).redriven).toBe(1);
    expect((await dlqRedriveCommand(config, { topic: 'contracts', group: 'catalog' })).redriven).toBe(0);

    const replay = await replayCommand(config, { group: 'catalog' });
    expect('toReplay' in replay && replay.toReplay).toEqual({ [TOPICS.contracts]: 2 }); // POISON and its re-driven copy
  });

  it('replay --group analytics rebuilds the projections into fresh tables and switches over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'obs-ops-cli-'));
    const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dataDir, OBSERVATOIRE_SEED: 'false' });
    await expect(replayCommand(config, { group: 'analytics' })).rejects.toMatchObject({ code: 'NOT_MIGRATED' });
    const orm = await createAnalyticsOrm(config.databases.analytics);
    await migrateAnalytics(orm);
    await orm.close();
    // The Mégalis sample (5 contracts) published by the ingest command; nothing consumed it yet.
    const ingested = await ingestCommand(config, [join(__dirname, '..', 'seed', 'decp-59920013600241-2024-07-09-01.json')], { json: true, source: 'megalis' });
    expect(ingested.published).toBe(5);

    const report = await replayCommand(config, { group: 'analytics' });
    expect(report).toMatchObject({ mode: 'rebuild', rows: { contracts: 5 }, replayed: { [TOPICS.contracts]: 5 } });
  });
});
