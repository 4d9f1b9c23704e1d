import type { SqlEntityManager } from '@mikro-orm/knex';
import { openCatalogOrm } from '../src/infrastructure/orm/catalog-orm.config';
import { migrateCatalog } from '../src/infrastructure/orm/migrate-catalog';
import { applyContractPublishedBatch } from '../src/application/apply-contract-published-batch/apply-contract-published-batch';
import { aContract, contractPublished } from './support/contract-events';

async function main() {
  const url = process.argv[2] ?? 'sqlite::memory:';
  const orm = await openCatalogOrm({ url, debug: process.env.DEBUG === '1' });
  console.time('migrate');
  console.log(await migrateCatalog(orm));
  console.timeEnd('migrate');
  const e1 = contractPublished(aContract(), 1);
  const r1 = await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [e1]);
  console.log(r1);
  const r2 = await applyContractPublishedBatch(orm.em.fork() as SqlEntityManager, [e1, contractPublished(aContract({ montant: 5 }), 2)]);
  console.log(r2);
  console.log(await (orm.em.fork() as SqlEntityManager).getConnection().execute('select uid, montant, aggregate_version from contract'));
  await orm.close();
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
