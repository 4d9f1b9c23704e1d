import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import { EmbeddedEventLog, type Subscription } from '@observatoire/platform';
import { EmbeddedOrganisationProfileStore } from '../../infrastructure/embedded/embedded-organisation-profile-store';
import { EmbeddedSearchIndex } from '../../infrastructure/embedded/embedded-search-index';
import { FIXTURE, SUPPLIERS } from '../../testing/contract.builder';
import { contractPublished, supplierResolved } from '../../testing/search-events';
import { IndexContractWhenContractPublishedHandler } from '../index-contract-when-contract-published/index-contract-when-contract-published.handler';
import { UpdateOrganisationWhenResolvedHandler } from '../update-organisation-when-resolved/update-organisation-when-resolved.handler';
import { rebuildSearchIndex } from './rebuild-search-index';

describe('reindex from the log', () => {
  let dir: string;
  let bus: EmbeddedEventLog;
  let index: EmbeddedSearchIndex;
  let profiles: EmbeddedOrganisationProfileStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'search-rebuild-'));
    bus = new EmbeddedEventLog(join(dir, 'bus'));
    index = new EmbeddedSearchIndex({ file: join(dir, 'search.sqlite') });
    profiles = new EmbeddedOrganisationProfileStore({ file: join(dir, 'search.sqlite') });
    await index.ensureIndex();
    await profiles.ensure();
  });

  afterEach(async () => {
    await bus.close();
    await index.close();
    await profiles.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The search consumer as the service runs it: one group over both topics. */
  function startConsumer(): Promise<Subscription> {
    const contracts = new IndexContractWhenContractPublishedHandler(index, profiles, new Map());
    const organisations = new UpdateOrganisationWhenResolvedHandler(index, profiles);
    return bus.subscribe({
      group: CONSUMER_GROUPS.search,
      topics: [TOPICS.contracts, TOPICS.organisations],
      handler: async (batch) => {
        await contracts.execute(batch.filter((d) => d.topic === TOPICS.contracts).map((d) => d.event));
        await organisations.execute(batch.filter((d) => d.topic === TOPICS.organisations).map((d) => d.event));
      },
    });
  }

  it('refuses while the consumer runs, and drops nothing', async () => {
    const sub = await startConsumer();
    await bus.publish(TOPICS.contracts, [contractPublished(FIXTURE.c1, 1)]);
    await sub.drain();
    await expect(rebuildSearchIndex(bus, index)).rejects.toThrow(/stop the consumer group/);
    expect(await index.count()).toBe(1);
    await sub.stop();
  });

  it('empties the index and rewinds the group, so that restarting the consumer rebuilds it from both topics', async () => {
    let sub = await startConsumer();
    await bus.publish(TOPICS.organisations, [supplierResolved(SUPPLIERS.tpLeon, 1)]);
    await sub.drain();
    await bus.publish(TOPICS.contracts, Object.values(FIXTURE).map((c) => contractPublished(c, 1)));
    await sub.drain();
    await sub.stop();
    expect(await index.count()).toBe(9);

    const report = await rebuildSearchIndex(bus, index, { dropProfiles: profiles });
    expect(report).toEqual({ group: CONSUMER_GROUPS.search, topics: [TOPICS.contracts, TOPICS.organisations], toReplay: { [TOPICS.contracts]: 9, [TOPICS.organisations]: 1 } });
    expect(await index.count()).toBe(0);
    expect(await profiles.count()).toBe(0);

    sub = await startConsumer();
    await sub.drain();
    await sub.stop();
    expect(await index.count()).toBe(9);
    const c2 = (await index.search({ q: 'trottoirs' })).items[0];
    expect(c2.doc.titulaires).toEqual([{ siret: SUPPLIERS.tpLeon.id, nom: 'SARL TRAVAUX PUBLICS DU LEON', categorie: 'PME' }]);
  });
});
