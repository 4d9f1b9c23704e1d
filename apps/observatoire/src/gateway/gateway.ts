import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import { mountWeb, securityHeaders } from '../compose/observatoire';

/** Which service answers which API path prefix (after `/api`). */
export const ROUTES: { prefix: string; service: 'ingest' | 'catalog' | 'search' | 'analytics' }[] = [
  { prefix: '/ingest', service: 'ingest' },
  // Source freshness (IngestRunCompleted) and probable duplicates are analytics projections; the rest of /qualite is ingest's. First match wins.
  { prefix: '/qualite/sources', service: 'analytics' },
  { prefix: '/qualite/doublons', service: 'analytics' },
  { prefix: '/qualite', service: 'ingest' },
  { prefix: '/admin/feeds', service: 'ingest' },
  { prefix: '/admin/buyers', service: 'ingest' },
  { prefix: '/admin/consumers', service: 'ingest' },
  { prefix: '/admin/dlq', service: 'ingest' },
  // A group's replay goes to the service that consumes it: that process stops, resets and restarts its own
  // consumers in place (analytics rebuilds into fresh tables, then switches over). Any other process would
  // find the group's consumers running elsewhere and answer 409.
  ...(['catalog', 'search', 'analytics'] as const).flatMap((service) => [
    { prefix: `/admin/replay/observatoire-${service}`, service },
    { prefix: `/admin/replay/${service}`, service },
  ]),
  { prefix: '/admin/replay', service: 'ingest' },
  { prefix: '/admin/analytics', service: 'analytics' },
  { prefix: '/admin/organisations', service: 'catalog' },
  { prefix: '/contrats', service: 'catalog' },
  { prefix: '/acheteurs', service: 'catalog' },
  { prefix: '/titulaires', service: 'catalog' },
  { prefix: '/organisations', service: 'catalog' },
  { prefix: '/search', service: 'search' },
  { prefix: '/indicators', service: 'analytics' },
  { prefix: '/secteur', service: 'analytics' },
  { prefix: '/prix', service: 'analytics' },
  { prefix: '/preparer-achat', service: 'analytics' },
];

export type Upstreams = Record<'ingest' | 'catalog' | 'search' | 'analytics', string>;

/**
 * The distributed profile's single public origin: web pages at `/`, each `/api/...` path forwarded
 * (streamed, method, headers and body unchanged) to the service that owns it; `/api/health` and
 * `/api/openapi.json` aggregate every service's.
 */
export function createGateway(upstreams: Upstreams, webRoot: string | null): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  app.get('/api/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/health', async (_req, res) => {
    const checks: Record<string, unknown> = {};
    let ok = true;
    await Promise.all(
      Object.entries(upstreams).map(async ([name, base]) => {
        try {
          const r = await fetch(new URL('/api/health', base), { signal: AbortSignal.timeout(5000) });
          checks[name] = await r.json();
          ok &&= r.ok;
        } catch (e) {
          checks[name] = { status: 'down', detail: (e as Error).message };
          ok = false;
        }
      }),
    );
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', services: checks });
  });
  app.get('/api/openapi.json', async (_req, res) => {
    const docs = await Promise.all(
      Object.values(upstreams).map(async (base) => {
        try {
          return (await (await fetch(new URL('/api/openapi.json', base), { signal: AbortSignal.timeout(5000) })).json()) as { paths?: object; components?: { schemas?: object } };
        } catch {
          return {};
        }
      }),
    );
    const first = docs.find((d) => 'openapi' in d) ?? { openapi: '3.0.3', info: { title: 'Observatoire', version: '0.1.0' } };
    res.json({
      ...first,
      paths: Object.assign({}, ...docs.map((d) => d.paths ?? {})),
      components: { ...(first as { components?: object }).components, schemas: Object.assign({}, ...docs.map((d) => d.components?.schemas ?? {})) },
    });
  });
  app.use('/api', (req, res) => {
    const route = ROUTES.find((r) => req.path === r.prefix || req.path.startsWith(`${r.prefix}/`));
    if (!route) {
      res.status(404).json({ code: 'NOT_FOUND', message: `aucun service ne sert /api${req.path}`, correlationId: req.headers['x-correlation-id'] ?? 'none' });
      return;
    }
    forward(req, res, upstreams[route.service], `/api${req.url}`);
  });
  if (webRoot) mountWeb(app);
  return app;
}

function forward(req: IncomingMessage, res: ServerResponse, base: string, path: string) {
  const target = new URL(path, base);
  const upstream = httpRequest(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-for': req.socket.remoteAddress ?? '' } },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'UPSTREAM_UNAVAILABLE', message: `service indisponible : ${e.message}`, correlationId: req.headers['x-correlation-id'] ?? 'none' }));
  });
  req.pipe(upstream);
}
