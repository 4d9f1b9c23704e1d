/**
 * Test helper of the analytics HTTP specs (not exported): a Nest app built from AnalyticsModule and the platform's
 * global providers, migrated, its consumers fed through an embedded event log in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MikroORM } from '@mikro-orm/core';
import request from 'supertest';
import { ApiExceptionFilter, EmbeddedEventLog, EventBusTransport, loadConfig, PlatformModule } from '@observatoire/platform';
import { AnalyticsModule, type AnalyticsModuleOptions } from '../../../analytics.module';
import { ANALYTICS_ORM } from '../../analytics.tokens';
import { migrateAnalytics } from '../../persistence/analytics-orm';

export interface AnalyticsTestApp {
  app: INestApplication;
  bus: EmbeddedEventLog;
  transport: EventBusTransport;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startAnalyticsTestApp(prefix: string, options: Omit<AnalyticsModuleOptions, 'databaseUrl'> = {}): Promise<AnalyticsTestApp> {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const bus = new EmbeddedEventLog(join(dir, 'bus'));
  @Module({
    imports: [
      PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_DATA_DIR: dir }) }),
      AnalyticsModule.register({ ...options, databaseUrl: `sqlite:${join(dir, 'analytics.db')}` }),
    ],
  })
  class TestAppModule {}
  const app = await NestFactory.create(TestAppModule as Type<unknown>, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  await migrateAnalytics(app.get<MikroORM>(ANALYTICS_ORM));
  const transport = new EventBusTransport(bus);
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  return {
    app,
    bus,
    transport,
    http: () => request(app.getHttpServer()),
    async close() {
      await app.close();
      await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
