import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiExceptionFilter, EventBusTransport, InstrumentedEventBus, metricsOfProcess, OpsModule, PlatformModule, publicRateLimit, type EventBus, type ObservatoireConfig } from '@observatoire/platform';
import express from 'express';
import type { Logger } from 'pino';
import { createEventBus } from './event-bus.factory';
import { NestPinoLogger } from './logger';
import { SERVICES, type ServiceName } from './services';

export interface Observatoire {
  app: INestApplication;
  bus: EventBus;
  transport: EventBusTransport;
  /** Wait until every consumer of this process has handled what was published so far. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const WEB_ROOT = resolve(__dirname, '../web/public');

/**
 * Composes the observatory: the given services as NestJS modules in one hybrid process (HTTP + their
 * consumers on the event bus). The embedded profile runs all four in one process over the embedded
 * log, SQLite and the embedded search engine; the distributed profile runs one service per process
 * over Kafka, PostgreSQL and Elasticsearch/OpenSearch.
 */
export async function createObservatoire(config: ObservatoireConfig, services: ServiceName[], logger: Logger, opts: { serveWeb?: boolean } = {}): Promise<Observatoire> {
  const metrics = metricsOfProcess();
  const bus = new InstrumentedEventBus(createEventBus(config, `observatoire-${services.join('-')}`, (l, m) => logger[l as 'info' | 'warn' | 'error']?.(m)), metrics, logger.child({ component: 'consumers' }));
  const imports: DynamicModule[] = [PlatformModule.forRoot({ bus, config }), OpsModule.forRoot({ bus, metrics, dataDir: config.dataDir, logger })];
  for (const name of services) imports.push(await SERVICES[name].module(config));

  @Module({ imports })
  class ObservatoireRootModule {}

  const app = await NestFactory.create(ObservatoireRootModule as Type<unknown>, { bodyParser: false, logger: new NestPinoLogger(logger), abortOnError: false });
  app.enableShutdownHooks();
  const json = express.json({ limit: '1mb' });
  app.use('/api', (req: express.Request, res: express.Response, next: express.NextFunction) => (req.path.startsWith('/ingest/uploads') ? next() : json(req, res, next)));
  app.use(securityHeaders);
  // Public read-only endpoints are rate-limited per client; search has its own limiter (and cache headers).
  app.use('/api', publicRateLimit({ capacity: config.publicRateLimit.capacity, refillPerSecond: config.publicRateLimit.refillPerSecond, exempt: ['/search', '/health', '/metrics', '/admin', '/ingest', '/openapi.json'] }));
  app.enableCors({ origin: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  if (opts.serveWeb !== false && existsSync(WEB_ROOT)) mountWeb(app.getHttpAdapter().getInstance() as express.Express);
  const transport = new EventBusTransport(bus);
  app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  return {
    app,
    bus,
    transport,
    drain: (t) => transport.drain(t),
    close: async () => {
      await app.close();
      await bus.close();
    },
  };
}

/** Chart.js, served from the installed package (no CDN: the CSP allows scripts from this origin only). */
export const VENDOR_FILES: Record<string, string> = {
  '/vendor/chart.js': join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
};

/**
 * The French web pages at `/`: static assets, vendor scripts, and the single-page fallback for every
 * other GET outside `/api` (uids may contain dots, so the fallback is by prefix, not by extension).
 */
export function mountWeb(app: express.Express): void {
  for (const [route, file] of Object.entries(VENDOR_FILES)) {
    app.get(route, (_req, res) => res.type('text/javascript').setHeader('Cache-Control', 'public, max-age=86400').sendFile(file));
  }
  app.use(express.static(WEB_ROOT, { index: 'index.html', maxAge: '5m' }));
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api/') || req.path === '/api' || req.path.startsWith('/assets/') || req.path.startsWith('/vendor/')) return next();
    res.sendFile(join(WEB_ROOT, 'index.html'));
  });
}

/** Security headers; embeddable widget routes (`/widget/...`) may be framed by buyers' sites. */
export function securityHeaders(req: express.Request, res: express.Response, next: express.NextFunction) {
  const embeddable = req.path.startsWith('/widget/') || req.path.startsWith('/assets/') || req.path.startsWith('/vendor/');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (!embeddable) res.setHeader('X-Frame-Options', 'SAMEORIGIN');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors ${embeddable ? '*' : "'self'"}`,
  );
  next();
}
