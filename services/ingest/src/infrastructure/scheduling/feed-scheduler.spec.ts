import type { PullDueFeedsReport } from '../../application/feeds/pull-due-feeds/pull-due-feeds.handler';
import { FeedScheduler } from './feed-scheduler';

const EMPTY: PullDueFeedsReport = { due: 0, pulled: 0, skipped: 0, outcomes: [] };

/** A PullDueFeeds stand-in whose calls finish when the test says so. */
function controllablePullDue() {
  const pending: (() => void)[] = [];
  const calls: unknown[] = [];
  return {
    calls,
    finishAll: () => pending.splice(0).forEach((f) => f()),
    execute: (opts: unknown) => {
      calls.push(opts);
      return new Promise<PullDueFeedsReport>((resolve) => pending.push(() => resolve(EMPTY)));
    },
  };
}

const options = { enabled: true, tickMs: 10, concurrency: 3, batch: 50 };

describe('the feed scheduler', () => {
  it('skips a tick while the previous one is still running', async () => {
    const pullDue = controllablePullDue();
    const scheduler = new FeedScheduler(pullDue, options);
    const first = scheduler.tick();
    expect(await scheduler.tick()).toBeNull();
    expect(pullDue.calls).toEqual([{ limit: 50, concurrency: 3 }]);
    pullDue.finishAll();
    expect(await first).toEqual(EMPTY);
    const third = scheduler.tick();
    pullDue.finishAll();
    await third;
    expect(pullDue.calls).toHaveLength(2);
  });

  it('ticks on its interval once the application has started, and not at all when disabled', async () => {
    const pullDue = { execute: vi.fn(async () => EMPTY) };
    const on = new FeedScheduler(pullDue, options);
    const off = new FeedScheduler(pullDue, { ...options, enabled: false });
    off.onApplicationBootstrap();
    expect(off.isRunning()).toBe(false);
    on.onApplicationBootstrap();
    await vi.waitFor(() => expect(pullDue.execute.mock.calls.length).toBeGreaterThanOrEqual(2), { timeout: 2_000 });
    await on.beforeApplicationShutdown();
    const after = pullDue.execute.mock.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(pullDue.execute.mock.calls.length).toBe(after);
  });

  it('waits for the running tick on shutdown, before the database closes', async () => {
    const pullDue = controllablePullDue();
    const scheduler = new FeedScheduler(pullDue, options);
    scheduler.start();
    void scheduler.tick();
    let stopped = false;
    const stopping = scheduler.beforeApplicationShutdown().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(stopped).toBe(false);
    pullDue.finishAll();
    await stopping;
    expect(stopped).toBe(true);
    expect(scheduler.isRunning()).toBe(false);
  });

  it('keeps ticking after a tick fails', async () => {
    const pullDue = { execute: vi.fn().mockRejectedValueOnce(new Error('database down')).mockResolvedValue(EMPTY) };
    const scheduler = new FeedScheduler(pullDue, options);
    (scheduler as unknown as { logger: { error: () => void; log: () => void } }).logger = { error: () => undefined, log: () => undefined };
    expect(await scheduler.tick()).toBeNull();
    expect(await scheduler.tick()).toEqual(EMPTY);
  });
});
