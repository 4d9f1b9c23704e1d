import { MikroORM } from '@mikro-orm/core';
import { ormOptions } from '@observatoire/platform';
import { INGEST_ENTITIES } from './ingest.entities';
import { INGEST_MIGRATIONS } from './migrations';

export async function createIngestOrm(url: string): Promise<MikroORM> {
  return MikroORM.init(await ormOptions({ url, entities: INGEST_ENTITIES, migrations: INGEST_MIGRATIONS, migrationsTable: 'ingest_migrations', schema: 'public' }));
}

/** Explicit migration step (`observatoire migrate`), never run at boot. */
export async function migrateIngest(orm: MikroORM): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}
