import { knex } from '@mikro-orm/knex';
import { randomBytes } from 'node:crypto';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Tests and benchmarks: CREATE DATABASE <prefix>_<random> on the PostgreSQL server of `adminUrl`
 * (a superuser URL); `drop()` removes it. Every test file gets its own database.
 */
export async function createScratchDatabase(adminUrl: string, prefix = 'scratch'): Promise<ScratchDatabase> {
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
