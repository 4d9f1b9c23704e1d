import { ContractIndexingFailedError, isTransientIndexFailure } from './index-failure-policy';

describe('which refused documents are worth retrying', () => {
  it.each([
    ['429 es_rejected_execution_exception: rejected execution of coordinating operation', true],
    ['503 unavailable_shards_exception: primary shard is not active', true],
    ['500 internal_server_error: boom', true],
    ['400 mapper_parsing_exception: failed to parse field [dateNotification] of type [date]', false],
    ['400 document_parsing_exception: [1:2] failed to parse', false],
    ['403 cluster_block_exception: index read-only', false],
    ['SqliteError: database is locked', true],
    ['SQLITE_BUSY: database is busy', true],
    ['SqliteError: NOT NULL constraint failed: contracts.buyer_id', false],
    ['something nobody expected', false],
  ])('%s → transient: %s', (reason, transient) => {
    expect(isTransientIndexFailure(reason)).toBe(transient);
  });

  it('names every refused contract with its revision and its class in the error the bus dead-letters', () => {
    const err = new ContractIndexingFailedError([
      { uid: 'U1', aggregateVersion: 3, reason: '400 mapper_parsing_exception: bad date', transient: false },
    ]);
    expect(err.transient).toBe(false);
    expect(err.message).toContain('U1@3 [permanent] 400 mapper_parsing_exception: bad date');
    expect(err.message).toContain('will be dead-lettered');
  });
});
