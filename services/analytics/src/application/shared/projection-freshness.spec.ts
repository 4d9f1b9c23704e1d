import { ProjectionFreshness } from './projection-freshness';

describe('ProjectionFreshness', () => {
  const position = async () => ({ revision: 7, changedAt: '2026-12-07T01:00:00.000Z' });

  it('says the projection is catching up while the analytics group has events left, and asks the bus at most once per ttl', async () => {
    let now = 0;
    let lag = 12;
    let asked = 0;
    const f = new ProjectionFreshness({ position, lag: async () => (asked++, lag) }, 2_000, () => now);
    expect(await f.current()).toEqual({ revision: 7, asOf: '2026-12-07T01:00:00.000Z', lag: 12, catchingUp: true });
    lag = 0;
    now = 1_000;
    expect((await f.current()).lag).toBe(12);
    now = 2_500;
    expect(await f.current()).toMatchObject({ lag: 0, catchingUp: false });
    expect(asked).toBe(2);
  });

  it('answers without a lag when there is no bus or the bus fails', async () => {
    expect(await new ProjectionFreshness({ position }).current()).toMatchObject({ lag: null, catchingUp: false });
    const failing = new ProjectionFreshness({ position, lag: async () => Promise.reject(new Error('broker down')) });
    expect(await failing.current()).toMatchObject({ revision: 7, lag: null, catchingUp: false });
  });
});
