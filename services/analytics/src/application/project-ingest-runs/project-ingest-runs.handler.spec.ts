import type { MikroORM } from '@mikro-orm/core';
import { createEvent, TOPICS, type FileSummary } from '@observatoire/contracts';
import { IngestRunProjectionRepository } from '../../infrastructure/persistence/ingest-run-projection.repository';
import { delivered, freshSqliteOrm } from '../testing/analytics-test-kit';
import { ProjectIngestRunsHandler } from './project-ingest-runs.handler';

const file = (name: string, source: string, records: number): FileSummary => ({
  file: name,
  source,
  format: 'decp-2022-json',
  records,
  accepted: records - 1,
  flagged: 0,
  quarantined: 1,
  duplicates: 0,
  errors: [],
});

function run(runId: string, finishedAt: string, files: FileSummary[]) {
  return createEvent(
    'IngestRunCompleted',
    { runId, trigger: 'cli', startedAt: finishedAt, finishedAt, files, published: 1, unchanged: 0 },
    { source: 'observatoire/ingest', aggregateId: runId, aggregateVersion: 1, correlationId: 'test' },
  );
}

describe('ProjectIngestRunsHandler (SQLite in memory)', () => {
  let orm: MikroORM;
  beforeEach(async () => (orm = await freshSqliteOrm()));
  afterEach(() => orm.close());

  it('keeps, per source, the latest run and its counts, whatever the delivery order and repetitions', async () => {
    const handler = new ProjectIngestRunsHandler(orm);
    const late = run('r2', '2025-03-01T00:00:00Z', [file('a.json', 'megalis', 10), file('b.json', 'megalis', 5)]);
    const early = run('r1', '2025-01-01T00:00:00Z', [file('a.json', 'megalis', 3), file('c.csv', 'decp.info', 7)]);
    await handler.handle(delivered([late], TOPICS.ingestRuns));
    await handler.handle(delivered([early, late], TOPICS.ingestRuns));
    const freshness = await new IngestRunProjectionRepository(orm.em.fork()).freshness();
    expect(freshness.get('megalis')).toMatchObject({ lastRunId: 'r2', files: 2, records: 15, accepted: 13, quarantined: 2 });
    expect(freshness.get('decp.info')).toMatchObject({ lastRunId: 'r1', files: 1, records: 7 });
  });
});
