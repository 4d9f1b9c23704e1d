import { createEvent, TOPICS, type FileSummary } from '@observatoire/contracts';
import { EmbeddedEventLog, EventBusTransport } from '@observatoire/platform';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './testing/analytics-test-app';

const DAY_MS = 86_400_000;

const file = (name: string, source: string, records: number, extra: Partial<FileSummary> = {}): FileSummary => ({
  file: name,
  source,
  format: 'decp-2022-json',
  records,
  accepted: records - 2,
  flagged: 1,
  quarantined: 1,
  duplicates: 3,
  errors: [],
  ...extra,
});

/** An IngestRunCompleted as ingest publishes it, finished `daysAgo` days before now. */
function run(runId: string, daysAgo: number, files: FileSummary[]) {
  const finishedAt = new Date(Date.now() - daysAgo * DAY_MS).toISOString();
  return createEvent(
    'IngestRunCompleted',
    { runId, trigger: 'cli', startedAt: finishedAt, finishedAt, files, published: 1, unchanged: 0 },
    { source: 'observatoire/ingest', aggregateId: runId, aggregateVersion: 1, correlationId: 'test' },
  );
}

/** GET /api/qualite/sources on a Nest app built from AnalyticsModule, fed with IngestRunCompleted through the embedded bus. */
describe('GET /api/qualite/sources', () => {
  let t: AnalyticsTestApp;
  let bus: EmbeddedEventLog;
  let transport: EventBusTransport;

  beforeAll(async () => {
    t = await startAnalyticsTestApp('analytics-sources', { staleSourceDays: 30 });
    bus = t.bus;
    transport = t.transport;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  const http = () => t.http();

  it('answers an empty list before any ingest run', async () => {
    const res = await http().get('/api/qualite/sources').expect(200);
    expect(res.body).toEqual({ staleAfterDays: 30, items: [] });
  });

  it('lists each source with its last run, its counts and its age, the stalest first', async () => {
    const megalisLatest = run('r-megalis-2', 2, [file('a.json', 'megalis', 10), file('b.json', 'megalis', 5)]);
    const megalisOlder = run('r-megalis-1', 200, [file('a.json', 'megalis', 3)]);
    const both = run('r-both', 100, [file('c.csv', 'decp.info', 7, { format: 'decp-info-csv' }), file('d.json', 'upload', 4)]);
    const upload = run('r-upload', 31, [file('e.json', 'upload', 6)]);
    // delivered out of order, one of them twice: a source keeps its latest run
    await bus.publish(TOPICS.ingestRuns, [megalisLatest, megalisOlder, both, upload, megalisLatest]);
    await transport.drain(60_000);

    const res = await http().get('/api/qualite/sources').expect(200);
    expect(res.body.staleAfterDays).toBe(30);
    expect(res.body.items.map((i: { source: string }) => i.source)).toEqual(['decp.info', 'upload', 'megalis']);
    const [decpInfo, up, megalis] = res.body.items;
    expect(decpInfo).toEqual({
      source: 'decp.info',
      lastRunId: 'r-both',
      lastFinishedAt: both.data.finishedAt,
      ageDays: 100,
      files: 1,
      records: 7,
      accepted: 5,
      flagged: 1,
      quarantined: 1,
      duplicates: 3,
      stale: true,
    });
    expect(up).toMatchObject({ lastRunId: 'r-upload', ageDays: 31, files: 1, records: 6, stale: true });
    expect(megalis).toMatchObject({ lastRunId: 'r-megalis-2', ageDays: 2, files: 2, records: 15, accepted: 11, flagged: 2, quarantined: 2, duplicates: 6, stale: false });
  });

  it('refuses any parameter with 400 INVALID_PARAMETER', async () => {
    const res = await http().get('/api/qualite/sources').query({ territoire: 'bretagne' }).set('x-correlation-id', 'c-2').expect(400);
    expect(res.body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('paramètre(s) inconnu(s) : territoire'), correlationId: 'c-2' });
  });

  it('documents the path in OpenAPI', async () => {
    const doc = await http().get('/api/openapi.json').expect(200);
    expect(doc.body.paths['/api/qualite/sources'].get.responses['200']).toBeDefined();
    expect(doc.body.components.schemas.SourceFreshness.required).toEqual(['staleAfterDays', 'items']);
  });
});
