import { CONSUMER_GROUPS, TOPICS } from '@observatoire/contracts';

/** The topics each service's consumer group reads (what a replay moves back to the beginning). */
export const CONSUMER_GROUP_TOPICS: Record<string, string[]> = {
  [CONSUMER_GROUPS.catalog]: [TOPICS.contracts],
  [CONSUMER_GROUPS.search]: [TOPICS.contracts, TOPICS.organisations],
  [CONSUMER_GROUPS.analytics]: [TOPICS.contracts, TOPICS.organisations, TOPICS.quarantine, TOPICS.ingestRuns, TOPICS.buyerRegistry],
};

/** `catalog` → `observatoire-catalog`; a full group name is returned as is. */
export function resolveGroupName(name: string): string {
  return (CONSUMER_GROUPS as Record<string, string>)[name] ?? name;
}

/** `contracts` or `ingest-runs` → the topic name; a full topic name is returned as is. */
export function resolveTopicName(name: string): string {
  const topics = TOPICS as Record<string, string>;
  if (topics[name]) return topics[name];
  const byShort = Object.values(topics).find((t) => t === `observatoire.${name}.v1`);
  return byShort ?? name;
}
