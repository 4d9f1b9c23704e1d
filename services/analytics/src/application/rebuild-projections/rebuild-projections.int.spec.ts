import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { createScratchDatabase, KafkaEventBus, type ScratchDatabase } from '@observatoire/platform';
import { inject } from 'vitest';
import { sqlOf } from '../../infrastructure/persistence/sql';
import { rebuildScenario, type RebuildWorld } from './rebuild-projections.scenario';

/** The same behaviours on the distributed profile's engines: real Kafka 4 and PostgreSQL 15 (schema swap). */
describe('analytics projections rebuild on Kafka and PostgreSQL', () => {
  const engines = inject('engines');
  const run = randomBytes(4).toString('hex');
  let db: ScratchDatabase;
  let world: RebuildWorld;

  beforeAll(async () => {
    db = await createScratchDatabase(engines.postgres.url, 'analytics_rebuild_it');
    const bus = new KafkaEventBus({ brokers: engines.kafka.brokers, clientId: `analytics-rebuild-it-${run}`, namespace: `rebuild-it-${run}` });
    world = {
      bus,
      url: db.url,
      schemas: async (orm: MikroORM) => ((await sqlOf(orm.em.fork()).raw('select nspname from pg_namespace')).rows as { nspname: string }[]).map((r) => r.nspname),
    };
  }, 120_000);

  afterAll(async () => {
    await world?.bus.close();
    await db?.drop();
  });

  rebuildScenario(() => world);
});
