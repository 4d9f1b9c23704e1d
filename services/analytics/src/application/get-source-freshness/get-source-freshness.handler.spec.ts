import type { ProjectionReadPort, SourceFreshnessRow } from '../shared/projection-read.port';
import { DEFAULT_STALE_SOURCE_DAYS, GetSourceFreshnessHandler } from './get-source-freshness.handler';

const NOW = new Date('2025-06-30T12:00:00.000Z');
const row = (source: string, lastFinishedAt: string): SourceFreshnessRow => ({
  source,
  lastRunId: `run-${source}`,
  lastFinishedAt,
  files: 1,
  records: 10,
  accepted: 9,
  flagged: 0,
  quarantined: 1,
  duplicates: 0,
});
const storeOf = (rows: SourceFreshnessRow[]) => ({ sourceFreshness: async () => rows }) as unknown as ProjectionReadPort;

describe('GetSourceFreshnessHandler', () => {
  it('gives each source its age in whole days and flags those older than the threshold (45 days by default), the stalest first', async () => {
    const rows = [
      row('fresh', '2025-06-29T18:00:00.000Z'), // 0.75 day
      row('exactly-45', '2025-05-16T12:00:00.000Z'), // 45 days: not older than the threshold
      row('just-over', '2025-05-16T11:59:59.000Z'),
      row('b-old', '2024-01-01T00:00:00.000Z'),
      row('a-old', '2024-01-01T00:00:00.000Z'),
    ];
    const r = await new GetSourceFreshnessHandler(storeOf(rows), undefined, () => NOW).execute();
    expect(r.staleAfterDays).toBe(DEFAULT_STALE_SOURCE_DAYS);
    expect(r.items.map((i) => [i.source, i.ageDays, i.stale])).toEqual([
      ['a-old', 546, true],
      ['b-old', 546, true],
      ['just-over', 45, true],
      ['exactly-45', 45, false],
      ['fresh', 0, false],
    ]);
    expect(r.items[4]).toEqual({ ...rows[0], ageDays: 0, stale: false });
  });

  it('takes its threshold from the options and treats an unreadable date as stale, listed first', async () => {
    const r = await new GetSourceFreshnessHandler(storeOf([row('recent', '2025-06-25T00:00:00.000Z'), row('broken', 'not a date')]), 3, () => NOW).execute();
    expect(r.items.map((i) => [i.source, i.ageDays, i.stale])).toEqual([
      ['broken', null, true],
      ['recent', 5, true],
    ]);
    expect(() => new GetSourceFreshnessHandler(storeOf([]), 0)).toThrow(/positive/);
  });
});
