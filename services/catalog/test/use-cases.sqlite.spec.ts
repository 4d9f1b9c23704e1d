import { openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { contractBatchScenarios } from './support/contract-batch-scenarios';
import { catalogUseCaseScenarios } from './support/use-case-scenarios';

const openSqlite = async () => {
  const orm = await openCatalogOrm({ url: 'sqlite::memory:' });
  await migrateCatalog(orm, { loadTerritory: false });
  return { orm, dispose: () => orm.close(true) };
};

catalogUseCaseScenarios('the embedded SQLite store (:memory:)', openSqlite);
contractBatchScenarios('the embedded SQLite store (:memory:)', openSqlite);
