/**
 * Generates the next migration of each dialect with the MikroORM Migrator, by diffing the entities
 * against a scratch database migrated up to the committed migrations.
 *   node -r @swc-node/register services/catalog/scripts/create-migration.ts <name> [postgres://…/postgres]
 * Without a PostgreSQL URL only the SQLite set is generated. Commit the generated files and add
 * them to migrations/<dialect>/index.ts.
 */
import type { Migrator } from '@mikro-orm/migrations';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { migrationsDirectory, openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { createScratchDatabase } from '../test/support/scratch-postgres';

async function generate(url: string, dir: string, name: string): Promise<void> {
  const orm = await openCatalogOrm({ url });
  try {
    const migrator = orm.getMigrator() as Migrator;
    await migrator.up();
    const result = await migrator.createMigration(dir, false, false, name);
    console.log(result.fileName ? `created ${path.join(dir, result.fileName)}` : `no schema change for ${url.split(':')[0]}`);
  } finally {
    await orm.close(true);
  }
}

async function main(): Promise<void> {
  const [name = 'catalog', adminUrl] = process.argv.slice(2);
  const scratch = mkdtempSync(path.join(tmpdir(), 'catalog-migration-'));
  try {
    await generate(`sqlite:${path.join(scratch, 'scratch.db')}`, migrationsDirectory('sqlite'), name);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (!adminUrl) return;
  const scratchPg = await createScratchDatabase(adminUrl, 'catalog_scratch');
  try {
    await generate(scratchPg.url, migrationsDirectory('postgresql'), name);
  } finally {
    await scratchPg.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
