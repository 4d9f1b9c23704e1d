import { knex } from '@mikro-orm/knex';
import { randomBytes } from 'node:crypto';

/** CREATE DATABASE <prefix>_<random> on the server of `adminUrl`; `drop()` removes it. */
export async function createScratchDatabase(adminUrl: string, prefix = 'ingest_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.destroy();
    },
  };
}
