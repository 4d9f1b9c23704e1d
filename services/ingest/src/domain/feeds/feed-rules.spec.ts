import { alertState, backoffMinutes, checkFeedDefinition, freshnessHours, nextPullAt, parseOnboardingCsv, worstAlert, type AlertInput } from './feed-rules';

const NOW = new Date('2026-11-28T12:00:00Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const feed = (over: Partial<AlertInput> = {}): AlertInput => ({
  kind: 'url',
  enabled: true,
  intervalMinutes: 60,
  consecutiveFailures: 0,
  lastSuccessAt: hoursAgo(1),
  createdAt: hoursAgo(100),
  ...over,
});

describe('feed schedule and backoff', () => {
  it.each([
    [1, 2],
    [2, 4],
    [5, 32],
    [10, 1024],
    [11, 1440],
    [60, 1440],
  ])('waits 2^n minutes after %i consecutive failures, capped at 24 h (%i min)', (n, minutes) => {
    expect(backoffMinutes(n)).toBe(minutes);
  });

  it('schedules the next pull one interval later after a success, and by backoff after a failure', () => {
    expect(nextPullAt(NOW, 'unchanged', 90, 0).toISOString()).toBe('2026-11-28T13:30:00.000Z');
    expect(nextPullAt(NOW, 'failed', 90, 3).toISOString()).toBe('2026-11-28T12:08:00.000Z');
  });
});

describe('feed alert state', () => {
  it('is ok when the feed was pulled successfully within three intervals', () => {
    expect(alertState(feed({ lastSuccessAt: hoursAgo(2.9) }), NOW)).toBe('ok');
  });

  it('is stale when no successful pull happened for three intervals', () => {
    expect(alertState(feed({ lastSuccessAt: hoursAgo(3.1) }), NOW)).toBe('stale');
  });

  it('counts staleness from registration when the feed never succeeded', () => {
    expect(alertState(feed({ lastSuccessAt: null, createdAt: hoursAgo(1) }), NOW)).toBe('ok');
    expect(alertState(feed({ lastSuccessAt: null, createdAt: hoursAgo(4) }), NOW)).toBe('stale');
  });

  it('is failing from three consecutive failures, before being stale', () => {
    expect(alertState(feed({ consecutiveFailures: 2 }), NOW)).toBe('ok');
    expect(alertState(feed({ consecutiveFailures: 3, lastSuccessAt: hoursAgo(50) }), NOW)).toBe('failing');
  });

  it('never calls a disabled feed stale', () => {
    expect(alertState(feed({ enabled: false, lastSuccessAt: null }), NOW)).toBe('ok');
    expect(alertState(feed({ kind: 'upload', enabled: false, lastSuccessAt: null }), NOW)).toBe('ok');
  });

  it('calls an upload feed stale once it received nothing for longer than its expected period (one interval)', () => {
    expect(alertState(feed({ kind: 'upload', lastSuccessAt: hoursAgo(0.9) }), NOW)).toBe('ok');
    expect(alertState(feed({ kind: 'upload', lastSuccessAt: hoursAgo(1.1) }), NOW)).toBe('stale');
    expect(alertState(feed({ kind: 'upload', lastSuccessAt: null, createdAt: hoursAgo(0.5) }), NOW)).toBe('ok');
    expect(alertState(feed({ kind: 'upload', lastSuccessAt: null, createdAt: hoursAgo(2) }), NOW)).toBe('stale');
    expect(alertState(feed({ kind: 'upload', consecutiveFailures: 3, lastSuccessAt: hoursAgo(0.1) }), NOW)).toBe('failing');
  });

  it('gives a buyer the alert of its worst feed', () => {
    expect(worstAlert(['ok', 'stale'])).toBe('stale');
    expect(worstAlert(['stale', 'failing', 'ok'])).toBe('failing');
    expect(worstAlert([])).toBe('ok');
  });

  it('measures freshness in hours since the last change', () => {
    expect(freshnessHours(hoursAgo(26.04), NOW)).toBe(26);
    expect(freshnessHours(null, NOW)).toBeNull();
  });
});

describe('feed definitions', () => {
  const valid = { siret: '24350013900189', nom: 'Commune de Rennes', url: 'https://example.org/decp.json', kind: 'url' as const, intervalMinutes: 60, enabled: true, credentialsEnv: null };

  it('accepts a complete definition', () => {
    expect(checkFeedDefinition(valid)).toEqual([]);
  });

  it('names every faulty field', () => {
    const problems = checkFeedDefinition({ ...valid, siret: '21350238000012', url: 'ftp://x', intervalMinutes: 1, credentialsEnv: 'eyJhbGciOi.secret' });
    expect(problems.map((p) => p.field)).toEqual(['siret', 'url', 'intervalle_minutes', 'credentialsEnv']);
  });

  it('refuses credentials written in the URL', () => {
    expect(checkFeedDefinition({ ...valid, url: 'https://user:pass@example.org/decp.json' }).map((p) => p.field)).toEqual(['url']);
  });

  it('lets an upload feed have no URL', () => {
    expect(checkFeedDefinition({ ...valid, kind: 'upload', url: null })).toEqual([]);
  });
});

describe('onboarding CSV', () => {
  it('reads each line with its file line number, skipping the header and blank lines', () => {
    const lines = parseOnboardingCsv('\uFEFFsiret;nom;url;intervalle_minutes\r\n24350013900189;Rennes;https://a.example/decp.json;60\n\n"24350013900189";"Rennes; ville";https://b.example/x.xml;\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ line: 2, ok: true, definition: { siret: '24350013900189', intervalMinutes: 60 } });
    expect(lines[1]).toMatchObject({ line: 4, ok: true, definition: { nom: 'Rennes; ville', intervalMinutes: 1440 } });
  });

  it('reports an invalid line with its number and field', () => {
    const [bad, short] = parseOnboardingCsv('24350013900189;Rennes;https://a.example/decp.json;souvent\n123;Rennes\n');
    expect(bad).toEqual({ line: 1, ok: false, problems: [expect.objectContaining({ field: 'intervalle_minutes' })] });
    expect(short).toMatchObject({ line: 2, ok: false, problems: [{ field: 'ligne' }] });
  });
});
