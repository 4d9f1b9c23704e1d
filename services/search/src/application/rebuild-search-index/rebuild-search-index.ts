import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';
import type { EventBus } from '@observatoire/platform';
import type { OrganisationProfileStore } from '../../domain/organisation-profile-store.port';
import type { SearchIndex } from '../../domain/search-index.port';

export interface RebuildSearchIndexOptions {
  /** The search consumer group (default CONSUMER_GROUPS.search). */
  group?: string;
  /**
   * The profile store, to drop it too (a rebuild "from zero"). Left out, stored profiles are kept:
   * contracts replayed are denormalised at once with the latest profiles, and the replayed
   * organisation events are skipped as already applied — faster, same end state.
   */
  dropProfiles?: OrganisationProfileStore;
}

export interface RebuildSearchIndexReport {
  group: string;
  topics: string[];
  /** Events the consumer will replay when it restarts, per topic. */
  toReplay: Record<string, number>;
}

/** The topics the search projection is built from. */
export const SEARCH_SOURCE_TOPICS = [TOPICS.contracts, TOPICS.organisations] as const;

/**
 * Reindex from the log. Preconditions: the search consumer is STOPPED (every process of the group);
 * the bus refuses to move a group that has running members (the embedded log throws, Kafka's admin
 * refuses a group with active members) and this function fails before dropping anything.
 * Steps: move the group to the beginning of the contracts and organisations topics, then drop and
 * recreate the contracts index (and the profile store when asked). Restarting the consumer rebuilds
 * the index; during the replay the search answers with what has been replayed so far.
 *
 * For a new mapping or analysis chain without downtime, prefer `SearchIndex.reindex()` (copy into a
 * new versioned index and swap the alias): it needs no replay.
 */
export async function rebuildSearchIndex(
  bus: EventBus,
  index: SearchIndex,
  options: RebuildSearchIndexOptions = {},
): Promise<RebuildSearchIndexReport> {
  const group = options.group ?? CONSUMER_GROUPS.search;
  const topics = [...SEARCH_SOURCE_TOPICS];
  await bus.ensureTopics(topics, [group]);
  // Reset first: if the consumer is still running this throws, and nothing has been dropped yet.
  for (const topic of topics) await bus.resetGroup(group, topic);
  await index.drop();
  await index.ensureIndex();
  if (options.dropProfiles) {
    await options.dropProfiles.drop();
    await options.dropProfiles.ensure();
  }
  return { group, topics, toReplay: await bus.lag(group, topics) };
}
