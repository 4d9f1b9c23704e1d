import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createGateway, type Upstreams } from './gateway';

function fakeService(name: string): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/api/health') {
          res.writeHead(name === 'search' ? 503 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: name === 'search' ? 'degraded' : 'ok' }));
          return;
        }
        if (req.url === '/api/openapi.json') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { [`/api/${name}`]: {} } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name });
        res.end(JSON.stringify({ service: name, method: req.method, url: req.url, body, auth: req.headers.authorization ?? null }));
      });
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

describe('distributed gateway (one public origin)', () => {
  const servers: Server[] = [];
  let upstreams: Upstreams;

  beforeAll(async () => {
    const entries = await Promise.all((['ingest', 'catalog', 'search', 'analytics'] as const).map(async (n) => [n, await fakeService(n)] as const));
    for (const [, s] of entries) servers.push(s.server);
    upstreams = Object.fromEntries(entries.map(([n, s]) => [n, s.url])) as Upstreams;
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it.each([
    ['/api/contrats/X?limit=2', 'catalog'],
    ['/api/acheteurs/24350013900189', 'catalog'],
    ['/api/search?q=voirie', 'search'],
    ['/api/indicators?territoire=bretagne', 'analytics'],
    ['/api/qualite/quarantaine', 'ingest'],
    ['/api/qualite/flux', 'ingest'],
    ['/api/qualite/sources', 'analytics'],
    ['/api/qualite/doublons?territoire=bretagne', 'analytics'],
    ['/api/preparer-achat?cpv=45&montant=100000', 'analytics'],
    ['/api/admin/analytics/rebuild', 'analytics'],
    ['/api/admin/replay/observatoire-analytics', 'analytics'],
    ['/api/admin/replay/observatoire-catalog', 'catalog'],
    ['/api/admin/replay/catalog', 'catalog'],
    ['/api/admin/replay/observatoire-search', 'search'],
    ['/api/admin/replay/search', 'search'],
    ['/api/admin/replay/analytics', 'analytics'],
    ['/api/admin/replay/observatoire-unknown', 'ingest'],
  ])('forwards %s to the %s service with its query string', async (path, service) => {
    const res = await request(createGateway(upstreams, null)).get(path);
    expect(res.status).toBe(200);
    expect(res.body.service).toBe(service);
    expect(res.body.url).toBe(path);
  });

  it('streams an upload body and the authorization header to ingest', async () => {
    const res = await request(createGateway(upstreams, null)).post('/api/ingest/uploads?filename=a.csv').set('authorization', 'Bearer k').set('content-type', 'application/octet-stream').send(Buffer.from('uid,id\n'));
    expect(res.body).toMatchObject({ service: 'ingest', method: 'POST', body: 'uid,id\n', auth: 'Bearer k' });
  });

  it('answers 404 with a code for a path no service owns', async () => {
    const res = await request(createGateway(upstreams, null)).get('/api/nothing');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('reports degraded health when one service is not ready', async () => {
    const res = await request(createGateway(upstreams, null)).get('/api/health');
    expect(res.status).toBe(503);
    expect(res.body.services.catalog.status).toBe('ok');
    expect(res.body.services.search.status).toBe('degraded');
  });

  it('merges the OpenAPI paths of every service', async () => {
    const res = await request(createGateway(upstreams, null)).get('/api/openapi.json');
    expect(Object.keys(res.body.paths).sort()).toEqual(['/api/analytics', '/api/catalog', '/api/ingest', '/api/search']);
  });

  it('answers 502 with a code when a service is down', async () => {
    const res = await request(createGateway({ ...upstreams, catalog: 'http://127.0.0.1:1' }, null)).get('/api/contrats/X');
    expect(res.status).toBe(502);
    expect(res.body.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});

describe('gateway liveness', () => {
  it('answers liveness without asking the services (readiness is /api/health)', async () => {
    const res = await request(createGateway({ ingest: 'http://127.0.0.1:1', catalog: 'http://127.0.0.1:1', search: 'http://127.0.0.1:1', analytics: 'http://127.0.0.1:1' }, null)).get('/api/health/live');
    expect(res.status).toBe(200);
  });
});
