import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MikroORM } from '@mikro-orm/core';
import { TOPICS } from '@observatoire/contracts';
import { ApiExceptionFilter, EmbeddedEventLog, OpenApiRegistry, PlatformModule, loadConfig } from '@observatoire/platform';
import request from 'supertest';
import { IngestModule } from '../../ingest.module';
import { INGEST_ORM } from '../ingest.tokens';
import { migrateIngest } from '../persistence/ingest-orm';
import { FeedScheduler } from '../scheduling/feed-scheduler';
import { FeedServer, failing, withEtag } from '../../../test/support/feed-server';

const V1 = readFileSync(resolve(__dirname, '../../../test/fixtures/real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json'), 'utf8');
const RENNES = '24350013900189';
const KEY = { Authorization: 'Bearer k' };

describe('feed registry HTTP API (Nest app from IngestModule on SQLite)', () => {
  let app: INestApplication;
  let server: FeedServer;
  let bus: EmbeddedEventLog;

  beforeAll(async () => {
    server = await new FeedServer().start();
    server.route('/rennes.json', withEtag(() => V1, () => '"r1"'));
    server.route('/down.json', failing(500));
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'feeds-http-')));
    @Module({
      imports: [
        PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_ADMIN_TOKENS: 'k', OBSERVATOIRE_INGEST_TOKENS: 'upload-only' }) }),
        IngestModule.register({ databaseUrl: 'sqlite::memory:', feedPull: { timeoutMs: 2_000 } }),
      ],
    })
    class TestRoot {}
    app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
    app.setGlobalPrefix('api');
    app.useGlobalFilters(new ApiExceptionFilter());
    await app.init();
    await migrateIngest(app.get<MikroORM>(INGEST_ORM));
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
    await bus.close();
  });

  const http = () => request(app.getHttpServer());

  it.each([
    ['post', '/api/admin/feeds'],
    ['post', '/api/admin/feeds/import'],
    ['get', '/api/admin/feeds'],
    ['post', '/api/admin/feeds/f_x/pull'],
    ['post', `/api/admin/buyers/${RENNES}/backfill`],
  ] as const)('refuses %s %s without a key, with a wrong key, and to an upload-only key', async (method, path) => {
    const anonymous = await http()[method](path).expect(401);
    expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    await http()[method](path).set('Authorization', 'Bearer nope').expect(401);
    const uploadOnly = await http()[method](path).set('Authorization', 'Bearer upload-only').expect(403);
    expect(uploadOnly.body.code).toBe('FORBIDDEN');
  });

  it('registers a feed, then updates it when registered again', async () => {
    const body = { siret: RENNES, nom: 'Rennes Métropole', url: server.url('/rennes.json'), intervalMinutes: 60 };
    const first = await http().post('/api/admin/feeds').set(KEY).send(body).expect(201);
    expect(first.body).toEqual({ id: expect.stringMatching(/^f_/), created: true });
    const second = await http().post('/api/admin/feeds').set(KEY).send({ ...body, intervalMinutes: 30 }).expect(201);
    expect(second.body).toEqual({ id: first.body.id, created: false });
  });

  it('publishes the registered buyer as BuyerRegistered (the same event id when registered again unchanged)', async () => {
    const events: { eventId: string; type: string; aggregateId: string; data: unknown }[] = [];
    const sub = await bus.subscribe({ group: `reader-${Math.random()}`, topics: [TOPICS.buyerRegistry], handler: async (b) => void events.push(...b.map((d) => d.event)) });
    await sub.drain(10_000);
    await sub.stop();
    const rennes = events.filter((e) => e.aggregateId === RENNES);
    expect(rennes).toHaveLength(2);
    expect(rennes[0]).toMatchObject({ type: 'BuyerRegistered', data: { siret: RENNES, siren: '243500139', nom: 'Rennes Métropole', active: true } });
    expect(rennes[1].eventId).toBe(rennes[0].eventId);
  });

  it('answers FEED_INVALID with the faulty fields', async () => {
    const res = await http().post('/api/admin/feeds').set(KEY).send({ siret: '123', nom: 'X', url: 'ftp://x', credentialsEnv: 'not a name' }).expect(400);
    expect(res.body.code).toBe('FEED_INVALID');
    expect(res.body.details.problems.map((p: { field: string }) => p.field)).toEqual(['siret', 'url', 'credentialsEnv']);
  });

  it('imports a text/csv body and reports each line', async () => {
    const csv = `siret;nom;url;intervalle_minutes\n${RENNES};Rennes Métropole;${server.url('/down.json')};60\nabc;;;\n`;
    const res = await http().post('/api/admin/feeds/import').set(KEY).set('Content-Type', 'text/csv').send(csv).expect(201);
    expect(res.body).toMatchObject({ created: 1, updated: 0, invalid: 1 });
    expect(res.body.lines[1]).toMatchObject({ line: 3, status: 'invalid' });
  });

  it('refuses an import that is not text/csv', async () => {
    const res = await http().post('/api/admin/feeds/import').set(KEY).send({ csv: 'x' }).expect(415);
    expect(res.body.code).toBe('FEED_IMPORT_UNSUPPORTED_MEDIA');
  });

  it('pulls a feed on demand, then sees it unchanged through its ETag', async () => {
    const list = await http().get('/api/admin/feeds').set(KEY).expect(200);
    const feed = list.body.items[0].feeds.find((f: { url: string }) => f.url.endsWith('/rennes.json'));
    const first = await http().post(`/api/admin/feeds/${feed.id}/pull`).set(KEY).expect(200);
    expect(first.body).toMatchObject({ result: 'changed', summary: { records: 5 } });
    const second = await http().post(`/api/admin/feeds/${feed.id}/pull`).set(KEY).expect(200);
    expect(second.body).toMatchObject({ result: 'unchanged', reason: 'not-modified' });
  });

  it('answers FEED_NOT_FOUND for an unknown feed and BUYER_NOT_FOUND for an unknown buyer', async () => {
    expect((await http().post('/api/admin/feeds/f_unknown/pull').set(KEY).expect(404)).body.code).toBe('FEED_NOT_FOUND');
    expect((await http().post('/api/admin/buyers/21350238800016/backfill').set(KEY).expect(404)).body.code).toBe('BUYER_NOT_FOUND');
  });

  it('backfills a buyer, lists its failing feeds by alert state, and shows them publicly without URLs', async () => {
    for (let i = 0; i < 3; i++) await http().post(`/api/admin/buyers/${RENNES}/backfill`).set(KEY).expect(200);
    const failingList = await http().get('/api/admin/feeds?alert=failing').set(KEY).expect(200);
    expect(failingList.body.items).toHaveLength(1);
    expect(failingList.body.items[0]).toMatchObject({ siret: RENNES, alert: 'failing' });
    expect(failingList.body.items[0].feeds).toEqual([expect.objectContaining({ alert: 'failing', lastError: expect.stringContaining('HTTP 500') })]);
    const pub = await http().get('/api/qualite/flux').expect(200);
    expect(pub.body.items).toHaveLength(2);
    expect(pub.body.items.map((f: { alert: string }) => f.alert).sort()).toEqual(['failing', 'ok']);
    expect(JSON.stringify(pub.body)).not.toContain('127.0.0.1');
    expect(pub.body.items[0]).not.toHaveProperty('lastError');
    await http().get('/api/qualite/flux?alert=bad').expect(400);
  });

  it('registers its paths in OpenAPI with the admin key on admin routes', () => {
    const doc = app.get(OpenApiRegistry).document({ title: 't', version: '1' }) as { paths: Record<string, Record<string, { security?: unknown }>> };
    expect(doc.paths['/api/admin/feeds'].post.security).toEqual([{ adminKey: [] }]);
    expect(doc.paths['/api/admin/feeds/import'].post.security).toEqual([{ adminKey: [] }]);
    expect(doc.paths['/api/qualite/flux'].get.security).toBeUndefined();
  });

  it('leaves the feed scheduler off unless asked', () => {
    expect(app.get(FeedScheduler).isRunning()).toBe(false);
  });

  it('lets an upload-only key (role ingest) upload a file', async () => {
    const res = await http()
      .post('/api/ingest/uploads?filename=megalis.json')
      .set('Authorization', 'Bearer upload-only')
      .set('Content-Type', 'application/octet-stream')
      .send(Buffer.from(V1))
      .expect(201);
    expect(res.body.records).toBeGreaterThan(0);
  });
});
