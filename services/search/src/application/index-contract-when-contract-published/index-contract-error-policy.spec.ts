import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog } from '@observatoire/platform';
import type { ContractSearchDocument } from '../../domain/search-document';
import type { SearchIndex } from '../../domain/search-index.port';
import { EmbeddedOrganisationProfileStore } from '../../infrastructure/embedded/embedded-organisation-profile-store';
import { EmbeddedSearchIndex } from '../../infrastructure/embedded/embedded-search-index';
import { aContract } from '../../testing/contract.builder';
import { contractPublished } from '../../testing/search-events';
import { IndexContractWhenContractPublishedHandler } from './index-contract-when-contract-published.handler';

/**
 * The error policy end to end on the embedded bus: a document the engine refuses for good ends in
 * the dead-letter topic with a reason naming it; the rest of its batch is indexed; nothing loops.
 * The engine's refusal is injected at its edge (upsertMany's report), the index itself is real.
 */
describe('ContractPublished consumer error policy', () => {
  let dir: string;
  let bus: EmbeddedEventLog;
  let index: EmbeddedSearchIndex;
  let profiles: EmbeddedOrganisationProfileStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'search-dlq-'));
    bus = new EmbeddedEventLog(join(dir, 'bus'));
    index = new EmbeddedSearchIndex({ file: ':memory:' });
    profiles = new EmbeddedOrganisationProfileStore({ file: ':memory:' });
    await index.ensureIndex();
    await profiles.ensure();
  });

  afterEach(async () => {
    await bus.close();
    await index.close();
    await profiles.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The real index, refusing the documents whose uid `refuse` names, as Elasticsearch reports a bulk item error. */
  function refusing(refuse: (uid: string) => string | null): SearchIndex {
    return Object.create(index, {
      upsertMany: {
        value: async (docs: ContractSearchDocument[]) => {
          const ok = docs.filter((d) => !refuse(d.uid));
          const report = await index.upsertMany(ok);
          return { ...report, failed: docs.filter((d) => refuse(d.uid)).map((d) => ({ uid: d.uid, reason: refuse(d.uid)! })) };
        },
      },
    });
  }

  it('dead-letters only the contract refused for good, with its uid and the engine reason, after bounded retries', async () => {
    const handler = new IndexContractWhenContractPublishedHandler(
      refusing((uid) => (uid.endsWith('BAD') ? '400 mapper_parsing_exception: failed to parse field [dateNotification]' : null)),
      profiles,
      new Map(),
    );
    const sub = await bus.subscribe({
      group: CONSUMER_GROUPS.search,
      topics: [TOPICS.contracts],
      retryBackoffMs: 1,
      handler: async (batch) => void (await handler.execute(batch.map((d) => d.event))),
    });
    const good = [aContract({ id: 'G1' }), aContract({ id: 'G2' })];
    await bus.publish(TOPICS.contracts, [contractPublished(good[0]), contractPublished(aContract({ id: 'BAD' }), 2), contractPublished(good[1])]);
    await sub.drain(30_000);
    await sub.stop();

    expect(await index.count()).toBe(2);
    const dead = await bus.deadLetters(TOPICS.contracts, CONSUMER_GROUPS.search);
    expect(dead).toHaveLength(1);
    expect(dead[0].key).toBe(aContract({ id: 'BAD' }).uid);
    expect(dead[0].reason).toContain(`${aContract({ id: 'BAD' }).uid}@2 [permanent] 400 mapper_parsing_exception`);
  });

  it('retries a transient refusal and indexes the contract once the engine accepts it, with nothing dead-lettered', async () => {
    let refusals = 2;
    const handler = new IndexContractWhenContractPublishedHandler(
      refusing(() => (refusals-- > 0 ? '429 es_rejected_execution_exception: queue full' : null)),
      profiles,
      new Map(),
    );
    const sub = await bus.subscribe({
      group: CONSUMER_GROUPS.search,
      topics: [TOPICS.contracts],
      retryBackoffMs: 1,
      handler: async (batch) => void (await handler.execute(batch.map((d) => d.event))),
    });
    await bus.publish(TOPICS.contracts, [contractPublished(aContract({ id: 'T1' }))]);
    await sub.drain(30_000);
    await sub.stop();
    expect(await index.count()).toBe(1);
    expect(await bus.deadLetters(TOPICS.contracts, CONSUMER_GROUPS.search)).toEqual([]);
  });
});
