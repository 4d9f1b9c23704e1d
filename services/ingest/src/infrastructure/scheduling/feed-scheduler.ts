import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { PullDueFeedsHandler, PullDueFeedsReport } from '../../application/feeds/pull-due-feeds/pull-due-feeds.handler';

export interface FeedSchedulerOptions {
  /** Off unless asked: existing callers of IngestModule.register keep their behaviour. */
  enabled: boolean;
  /** Milliseconds between ticks (default 60 000). */
  tickMs: number;
  /** Most feeds pulled at once (default 4). */
  concurrency: number;
  /** Most due feeds selected per tick (default 100). */
  batch: number;
}

export const DEFAULT_FEED_SCHEDULER: FeedSchedulerOptions = { enabled: false, tickMs: 60_000, concurrency: 4, batch: 100 };

/**
 * Ticks every `tickMs` and pulls the due feeds. A tick that is still running when the next one comes
 * makes that one a no-op (never two ticks at once); shutdown stops the timer and waits for the
 * running tick before the ORM closes.
 */
export class FeedScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('FeedScheduler');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PullDueFeedsReport | null> | null = null;

  constructor(
    private readonly pullDue: Pick<PullDueFeedsHandler, 'execute'>,
    private readonly options: FeedSchedulerOptions,
  ) {}

  onApplicationBootstrap() {
    if (this.options.enabled) this.start();
  }

  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  /** One tick; resolves to null when skipped because the previous one is still running. */
  async tick(): Promise<PullDueFeedsReport | null> {
    if (this.running) return null;
    this.running = this.pullDue
      .execute({ limit: this.options.batch, concurrency: this.options.concurrency })
      .then((report) => {
        if (report.pulled) {
          const counts = report.outcomes.reduce<Record<string, number>>((a, o) => ({ ...a, [o.result]: (a[o.result] ?? 0) + 1 }), {});
          this.logger.log(`feeds pulled: ${report.pulled} ${JSON.stringify(counts)}`);
        }
        return report;
      })
      .catch((e: Error) => {
        this.logger.error(`feed tick failed: ${e.message}`);
        return null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  isRunning(): boolean {
    return this.timer !== null;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  async beforeApplicationShutdown() {
    await this.stop();
  }
}
