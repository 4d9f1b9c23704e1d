import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { ExpectedBuyerRepository } from '../../infrastructure/persistence/expected-buyer.repository';
import { ProjectionRevisionRepository } from '../../infrastructure/persistence/projection-revision.repository';
import { buyerRegistered, contractPublished, delivered, freshSqliteOrm } from '../testing/analytics-test-kit';
import { contract } from '../../domain/testing/builders';
import { ProjectBuyerRegistryHandler } from './project-buyer-registry.handler';

const METROPOLE = '24350013900189';
const BREST = '24290031400017';

describe('ProjectBuyerRegistryHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  let handler: ProjectBuyerRegistryHandler;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    handler = new ProjectBuyerRegistryHandler(orm);
  });
  afterEach(() => orm.close());

  const project = (...events: Parameters<typeof delivered>[0]) => handler.handle(delivered(events, TOPICS.buyerRegistry));
  const registry = () => new ExpectedBuyerRepository(orm.em.fork()).all();
  const revision = () => new ProjectionRevisionRepository(orm.em.fork()).current();

  it('projects the registered buyers, active or not', async () => {
    expect(await project(buyerRegistered(METROPOLE, 1, { nom: 'Rennes Métropole' }), buyerRegistered(BREST, 1, { nom: 'Brest Métropole', active: false }))).toEqual({
      received: 2,
      applied: 2,
      skipped: 0,
      ignored: 0,
    });
    expect(await registry()).toEqual([
      { siret: BREST, siren: '242900314', nom: 'Brest Métropole', active: false },
      { siret: METROPOLE, siren: '243500139', nom: 'Rennes Métropole', active: true },
    ]);
  });

  it('delivered twice, changed once: a redelivery (or the registry re-published at ingest start) changes nothing', async () => {
    const event = buyerRegistered(METROPOLE, 1);
    await project(event);
    const before = { rows: await registry(), revision: await revision() };
    expect(await project(event)).toEqual({ received: 1, applied: 0, skipped: 1, ignored: 0 });
    expect(await project(event, event)).toMatchObject({ applied: 0, skipped: 2 });
    expect({ rows: await registry(), revision: await revision() }).toEqual(before);
  });

  it('keeps the highest registry version, whatever the order of delivery', async () => {
    await project(buyerRegistered(METROPOLE, 2, { active: false }));
    expect(await project(buyerRegistered(METROPOLE, 1, { active: true }))).toMatchObject({ applied: 0, skipped: 1 });
    expect((await registry())[0].active).toBe(false);
    // Enabled again: a new version, applied.
    await project(buyerRegistered(METROPOLE, 3, { active: true }), buyerRegistered(METROPOLE, 1));
    expect(await registry()).toEqual([{ siret: METROPOLE, siren: '243500139', nom: `Acheteur ${METROPOLE}`, active: true }]);
  });

  it('records and ignores events of another type', async () => {
    expect(await handler.handle(delivered([contractPublished(contract({ uid: 'X' }), 1)], TOPICS.buyerRegistry))).toEqual({ received: 1, applied: 0, skipped: 0, ignored: 1 });
    expect(await registry()).toEqual([]);
  });
});
