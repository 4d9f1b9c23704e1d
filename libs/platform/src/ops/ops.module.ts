import { join } from 'node:path';
import { type DynamicModule, Global, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { EventBus } from '../event-bus/event-bus.port';
import { BusOperations, type OpsLogger } from './bus-operations';
import { httpMetricsMiddleware } from './http-metrics.middleware';
import { Metrics } from './metrics';
import { AdminOpsController, MetricsController } from './ops.controllers';

export interface OpsModuleOptions {
  /** The process's bus, ideally an `InstrumentedEventBus` (consumer metrics, in-process replay). */
  bus: EventBus;
  metrics: Metrics;
  /**
   * The process's data directory: only to read the former re-drive cursor file
   * (`<dataDir>/ops/redrive-cursors.json`) once, as a migration. The cursors live in the event log.
   */
  dataDir?: string;
  logger?: OpsLogger;
  /** Known consumer groups and their topics (default: the services' groups). */
  groups?: Record<string, string[]>;
}

/** The former (legacy) re-drive cursor file of a data directory: read for migration, never written. */
export function redriveCursorFile(dataDir: string): string {
  return join(dataDir, 'ops', 'redrive-cursors.json');
}

/**
 * Observability and operations of one process: `GET /api/metrics`, the HTTP duration histogram
 * (middleware on every route), and the admin endpoints on consumer groups and dead letters.
 * Global: services inject `Metrics` to count their own things (records ingested, flagged…).
 */
@Global()
@Module({})
export class OpsModule implements NestModule {
  static forRoot(options: OpsModuleOptions): DynamicModule {
    const ops = new BusOperations(options.bus, {
      metrics: options.metrics,
      legacyCursorFile: options.dataDir ? redriveCursorFile(options.dataDir) : null,
      logger: options.logger,
      groups: options.groups,
    });
    options.metrics.sampleConsumersWith(() => ops.sample());
    return {
      module: OpsModule,
      controllers: [MetricsController, AdminOpsController],
      providers: [
        { provide: Metrics, useValue: options.metrics },
        { provide: BusOperations, useValue: ops },
      ],
      exports: [Metrics, BusOperations],
    };
  }

  constructor(private readonly metrics: Metrics) {}

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(httpMetricsMiddleware(this.metrics)).forRoutes('{*path}');
  }
}
