import type { MikroORM } from '@mikro-orm/core';
import { contract } from '../../domain/testing/builders';
import { ContractProjectionRepository } from '../../infrastructure/persistence/contract-projection.repository';
import { ProjectionRevisionRepository } from '../../infrastructure/persistence/projection-revision.repository';
import { ProjectionReadStore } from '../../infrastructure/persistence/projection-read.store';
import { contractPublished, delivered, freshSqliteOrm } from '../testing/analytics-test-kit';
import { planContractBatch } from './plan-contract-batch';
import { ProjectContractsHandler } from './project-contracts.handler';

describe('planContractBatch', () => {
  const v1 = contractPublished(contract({ uid: 'U1' }), 1);
  const v2 = contractPublished(contract({ uid: 'U1', montant: 200_000 }), 2);

  it('skips an event this consumer already processed', () => {
    const plan = planContractBatch([v1], new Set([v1.eventId]), new Map());
    expect(plan.toApply).toEqual([]);
    expect(plan.skipped[0].reason).toBe('ALREADY_PROCESSED');
    expect(plan.toRecord).toEqual([]);
  });

  it('skips a revision not newer than the stored one, and still records it', () => {
    const plan = planContractBatch([v1], new Set(), new Map([['U1', 1]]));
    expect(plan.toApply).toEqual([]);
    expect(plan.skipped[0].reason).toBe('STALE_REVISION');
    expect(plan.toRecord).toEqual([v1.eventId]);
  });

  it('keeps only the newest revision of a uid within a batch, whatever the order', () => {
    expect(planContractBatch([v2, v1], new Set(), new Map()).toApply).toEqual([v2]);
    expect(planContractBatch([v1, v2], new Set(), new Map()).toApply).toEqual([v2]);
  });

  it('skips the second copy of the same event inside one batch', () => {
    const plan = planContractBatch([v1, v1], new Set(), new Map());
    expect(plan.toApply).toEqual([v1]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['DUPLICATE_IN_BATCH']);
  });
});

describe('ProjectContractsHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  let handler: ProjectContractsHandler;
  beforeEach(async () => {
    orm = await freshSqliteOrm();
    handler = new ProjectContractsHandler(orm);
  });
  afterEach(() => orm.close());

  const stored = async (uid: string) => {
    const repo = new ContractProjectionRepository(orm.em.fork());
    const [c] = (await repo.contracts({ coTraitance: 'partage' })).filter((x) => x.uid === uid);
    return { contract: c, version: (await repo.versions([uid])).get(uid) };
  };
  const revision = () => new ProjectionRevisionRepository(orm.em.fork()).current();

  it('stores the current contract with its flattened columns', async () => {
    const outcome = await handler.handle(delivered([contractPublished(contract({ uid: 'U1' }), 1)]));
    expect(outcome).toEqual({ received: 1, applied: 1, skipped: 0, ignored: 0 });
    const store = new ProjectionReadStore(orm);
    expect(await store.contracts({ coTraitance: 'partage', cpv: '4523', annee: 2024, typeAchat: 'travaux' })).toHaveLength(1);
    expect(await store.contracts({ coTraitance: 'partage', cpv: '72' })).toHaveLength(0);
    expect(await store.contracts({ coTraitance: 'partage', acheteur: '213502388' })).toHaveLength(1);
    expect(await store.contracts({ coTraitance: 'partage', acheteur: '21350238800014' })).toHaveLength(1);
    expect(await store.contracts({ coTraitance: 'partage', acheteur: '21350238800099' })).toHaveLength(0);
  });

  it('delivered twice, changed once', async () => {
    const event = contractPublished(contract({ uid: 'U1', montant: 100_000 }), 1);
    await handler.handle(delivered([event]));
    const revisionAfterFirst = await revision();
    const second = await handler.handle(delivered([event]));
    expect(second).toEqual({ received: 1, applied: 0, skipped: 1, ignored: 0 });
    expect(await revision()).toBe(revisionAfterFirst);
    expect((await stored('U1')).contract.montant).toBe(100_000);
    expect(await new ContractProjectionRepository(orm.em.fork()).count()).toBe(1);
  });

  it('an older revision delivered after a newer one changes nothing', async () => {
    await handler.handle(delivered([contractPublished(contract({ uid: 'U1', montant: 200_000 }), 2)]));
    await handler.handle(delivered([contractPublished(contract({ uid: 'U1', montant: 100_000 }), 1)]));
    const s = await stored('U1');
    expect(s.version).toBe(2);
    expect(s.contract.montant).toBe(200_000);
  });

  it('revisions out of order inside one batch end on the newest', async () => {
    await handler.handle(
      delivered([
        contractPublished(contract({ uid: 'U1', montant: 100_000 }), 1),
        contractPublished(contract({ uid: 'U1', montant: 300_000 }), 3),
        contractPublished(contract({ uid: 'U1', montant: 200_000 }), 2),
      ]),
    );
    const s = await stored('U1');
    expect(s.version).toBe(3);
    expect(s.contract.montant).toBe(300_000);
  });

  it('a batch whose processed-id write fails leaves no contract behind (one transaction), and is applied on redelivery', async () => {
    const connection = orm.em.getConnection();
    await connection.execute("create trigger fail_record before insert on analytics_processed_event begin select raise(abort, 'boom'); end");
    const event = contractPublished(contract({ uid: 'U1' }), 1);
    await expect(handler.handle(delivered([event]))).rejects.toThrow(/boom/);
    expect(await new ContractProjectionRepository(orm.em.fork()).count()).toBe(0);
    await connection.execute('drop trigger fail_record');
    expect((await handler.handle(delivered([event]))).applied).toBe(1);
    expect(await new ContractProjectionRepository(orm.em.fork()).count()).toBe(1);
  });
});
