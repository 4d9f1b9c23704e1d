import { inject } from 'vitest';
import { openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { contractBatchScenarios } from './support/contract-batch-scenarios';
import { createScratchDatabase } from './support/scratch-postgres';
import { catalogUseCaseScenarios } from './support/use-case-scenarios';

/** Real PostgreSQL started by the repository's scripts: a fresh scratch database per test, migrated up from empty. */
const openPostgres = (loadTerritory: boolean) => async () => {
  const database = await createScratchDatabase(inject('engines').postgres.url);
  const orm = await openCatalogOrm({ url: database.url });
  const result = await migrateCatalog(orm, { loadTerritory });
  if (loadTerritory) expect(result.territory?.communes).toBe(35_015);
  return {
    orm,
    dispose: async () => {
      await orm.close(true);
      await database.drop();
    },
  };
};

catalogUseCaseScenarios('PostgreSQL', openPostgres(true));
// without the territory reference, which these scenarios do not read
contractBatchScenarios('PostgreSQL', openPostgres(false));
