import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import { DomainError, type EventBus } from '@observatoire/platform';
import pino from 'pino';
import type { ProjectionStoreSwitch } from '../../infrastructure/persistence/projection-store-switch';
import { rebuildAnalyticsProjections, type RebuildPhase, type RebuildReport } from './rebuild-projections';

export interface RebuildStatus {
  id: string;
  state: 'running' | 'succeeded' | 'failed';
  phase: RebuildPhase;
  remaining: Record<string, number> | null;
  startedAt: string;
  finishedAt: string | null;
  requestedBy: string;
  report: RebuildReport | null;
  error: string | null;
}

const logger = pino({ base: { component: 'analytics-rebuild' }, timestamp: pino.stdTimeFunctions.isoTime });

/**
 * The rebuild as a background job of the analytics process (admin API): one at a time, its progress and last
 * report kept for `GET`, every phase logged as one JSON line with the job id.
 */
export class RebuildProjectionsJob {
  private current: RebuildStatus | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly bus: EventBus,
    private readonly live: MikroORM,
    private readonly store: () => ProjectionStoreSwitch,
    private readonly onOperation: (name: string) => void = () => undefined,
  ) {}

  status(): RebuildStatus | null {
    return this.current ? structuredClone(this.current) : null;
  }

  start(requestedBy: string): RebuildStatus {
    if (this.current?.state === 'running') throw new DomainError('REBUILD_RUNNING', `une reconstruction est déjà en cours (${this.current.id}, phase ${this.current.phase})`, 409, { id: this.current.id });
    const status: RebuildStatus = { id: randomUUID(), state: 'running', phase: 'preparing', remaining: null, startedAt: new Date().toISOString(), finishedAt: null, requestedBy, report: null, error: null };
    this.current = status;
    this.onOperation('analytics.rebuild');
    logger.info({ operation: 'analytics.rebuild', id: status.id, via: requestedBy }, 'analytics rebuild started');
    this.running = rebuildAnalyticsProjections(this.bus, this.live, this.store(), {
      onProgress: (p) => {
        if (p.phase !== status.phase) logger.info({ id: status.id, phase: p.phase }, `analytics rebuild ${p.phase}`);
        status.phase = p.phase;
        status.remaining = p.remaining ?? null;
      },
    }).then(
      (report) => {
        Object.assign(status, { state: 'succeeded', phase: 'done', report, remaining: null, finishedAt: new Date().toISOString() });
        logger.info({ id: status.id, ...report.rows, revision: report.revision, ms: report.ms }, 'analytics rebuild switched over');
      },
      (e: unknown) => {
        Object.assign(status, { state: 'failed', phase: 'failed', error: e instanceof Error ? e.message : String(e), finishedAt: new Date().toISOString() });
        logger.warn({ id: status.id, err: status.error }, 'analytics rebuild failed');
      },
    );
    return structuredClone(status);
  }

  /** Resolves when the job started last has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.running;
  }
}
