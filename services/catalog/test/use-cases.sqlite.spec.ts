import { openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { catalogUseCaseScenarios } from './support/use-case-scenarios';

catalogUseCaseScenarios('the embedded SQLite store (:memory:)', async () => {
  const orm = await openCatalogOrm({ url: 'sqlite::memory:' });
  await migrateCatalog(orm, { loadTerritory: false });
  return { orm, dispose: () => orm.close(true) };
});
