import type { MikroORM } from '@mikro-orm/core';
import { createEvent, TOPICS } from '@observatoire/contracts';
import { QuarantineProjectionRepository } from '../../infrastructure/persistence/quarantine-projection.repository';
import { delivered, freshSqliteOrm } from '../testing/analytics-test-kit';
import { ProjectQuarantineHandler } from './project-quarantine.handler';

function quarantined(position: number, codes: ('MISSING_ID' | 'MISSING_BUYER')[], run = 'r1') {
  return createEvent(
    'RecordQuarantined',
    {
      source: 'megalis',
      file: 'megalis.json',
      position,
      format: 'decp-2022-json',
      recordId: null,
      acheteurId: null,
      reasons: codes.map((code) => ({ code, field: null, message: code })),
      raw: '{}',
    },
    { source: 'observatoire/ingest', aggregateId: `megalis.json#${position}`, aggregateVersion: 1, correlationId: 'test', idParts: [`megalis.json#${position}`, run] },
  );
}

describe('ProjectQuarantineHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  beforeEach(async () => (orm = await freshSqliteOrm()));
  afterEach(() => orm.close());

  it('counts quarantined records by source, file and reason code; delivered twice, counted once', async () => {
    const handler = new ProjectQuarantineHandler(orm);
    const events = [quarantined(1, ['MISSING_ID']), quarantined(2, ['MISSING_ID', 'MISSING_BUYER'])];
    await handler.handle(delivered(events, TOPICS.quarantine));
    await handler.handle(delivered(events, TOPICS.quarantine));
    // the same record quarantined again by a later run replaces itself
    await handler.handle(delivered([quarantined(2, ['MISSING_ID', 'MISSING_BUYER'], 'r2')], TOPICS.quarantine));
    expect(await new QuarantineProjectionRepository(orm.em.fork()).summary()).toEqual([
      { source: 'megalis', file: 'megalis.json', reasonCode: 'MISSING_BUYER', records: 1 },
      { source: 'megalis', file: 'megalis.json', reasonCode: 'MISSING_ID', records: 2 },
    ]);
  });
});
