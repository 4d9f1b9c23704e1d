import { aContract, contractPublished } from '../../test/support/contract-events';
import { planBatch } from './batch-plan';

describe('planBatch (idempotency rule)', () => {
  const v1 = contractPublished(aContract(), 1);
  const v2 = contractPublished(aContract({ montant: 200_000 }), 2);

  it('given a new event, it is applied and recorded', () => {
    const plan = planBatch([v1], new Set(), new Map());
    expect(plan.toApply).toEqual([v1]);
    expect(plan.toRecord).toEqual([v1.eventId]);
  });

  it('given an already processed event id, it is skipped and not recorded again', () => {
    const plan = planBatch([v1], new Set([v1.eventId]), new Map());
    expect(plan.toApply).toEqual([]);
    expect(plan.skipped[0].reason).toBe('ALREADY_PROCESSED');
    expect(plan.toRecord).toEqual([]);
  });

  it('given a revision older than or equal to the stored one, it is skipped as stale but recorded', () => {
    const plan = planBatch([v1], new Set(), new Map([[v1.data.contract.uid, 2]]));
    expect(plan.toApply).toEqual([]);
    expect(plan.skipped[0].reason).toBe('STALE_REVISION');
    expect(plan.toRecord).toEqual([v1.eventId]);
  });

  it('given two revisions of one uid in a batch, in any order, only the newest is applied', () => {
    for (const batch of [[v1, v2], [v2, v1]]) {
      const plan = planBatch(batch, new Set(), new Map());
      expect(plan.toApply).toEqual([v2]);
      expect(plan.toRecord.sort()).toEqual([v1.eventId, v2.eventId].sort());
    }
  });

  it('given the same event twice in a batch, it is applied once', () => {
    const plan = planBatch([v1, v1], new Set(), new Map());
    expect(plan.toApply).toEqual([v1]);
    expect(plan.skipped[0].reason).toBe('DUPLICATE_IN_BATCH');
  });
});
