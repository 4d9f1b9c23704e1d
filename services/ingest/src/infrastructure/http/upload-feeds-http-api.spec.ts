import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MikroORM } from '@mikro-orm/core';
import { ApiExceptionFilter, EmbeddedEventLog, OpenApiRegistry, PlatformModule, loadConfig } from '@observatoire/platform';
import request from 'supertest';
import { FeedStatusQuery } from '../../application/feeds/feed-status/feed-status.query';
import { PullDueFeedsHandler } from '../../application/feeds/pull-due-feeds/pull-due-feeds.handler';
import { IngestModule } from '../../ingest.module';
import { INGEST_ORM } from '../ingest.tokens';
import { createLedgerLock } from '../locking/create-ledger-lock';
import { FeedRepository } from '../persistence/feed.repository';
import { migrateIngest } from '../persistence/ingest-orm';
import { FeedServer, withEtag } from '../../../test/support/feed-server';
import { memoryLogger } from '../../../test/support/ingest-runs';

const MEGALIS = readFileSync(resolve(__dirname, '../../../test/fixtures/real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json'));
const NOT_DECP = Buffer.from('bonjour, ceci n’est pas un fichier DECP');
const MEGALIS_SIRET = '59920013600241';
const RENNES = '24350013900189';
const KEY = { Authorization: 'Bearer k' };

/** `POST /api/ingest/uploads?feed=<id>`: uploads attributed to `upload` feeds, recorded like pulls (Nest app on SQLite). */
describe('uploads to upload feeds (HTTP)', () => {
  let app: INestApplication;
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let server: FeedServer;

  beforeAll(async () => {
    server = await new FeedServer().start();
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'upload-feeds-http-')));
    @Module({
      imports: [
        PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_ADMIN_TOKENS: 'k' }) }),
        IngestModule.register({ databaseUrl: 'sqlite::memory:', feedPull: { timeoutMs: 2_000 }, ingestLock: { uploadWaitMs: 300, pollMs: 20 } }),
      ],
    })
    class TestRoot {}
    app = await NestFactory.create(TestRoot, { logger: false, abortOnError: false });
    app.setGlobalPrefix('api');
    app.useGlobalFilters(new ApiExceptionFilter());
    await app.init();
    orm = app.get<MikroORM>(INGEST_ORM);
    await migrateIngest(orm);
  });

  afterAll(async () => {
    await app.close();
    await server.stop();
    await bus.close();
  });

  const http = () => request(app.getHttpServer());
  const upload = (query: string, body: Buffer) => http().post(`/api/ingest/uploads?${query}`).set(KEY).set('Content-Type', 'application/octet-stream').send(body);
  const registerUploadFeed = async (siret: string, nom: string, intervalMinutes = 60) =>
    (await http().post('/api/admin/feeds').set(KEY).send({ siret, nom, kind: 'upload', intervalMinutes }).expect(201)).body.id as string;
  const feedStatus = async (id: string) => {
    const res = await http().get('/api/admin/feeds').set(KEY).expect(200);
    return res.body.items.flatMap((b: { feeds: { id: string }[] }) => b.feeds).find((f: { id: string }) => f.id === id);
  };

  it('ingests an upload attributed to its upload feed and records it on the feed as a pull would', async () => {
    const id = await registerUploadFeed(MEGALIS_SIRET, 'Mégalis Bretagne');
    const res = await upload(`filename=decp-megalis.json&feed=${id}`, MEGALIS).expect(201);
    expect(res.body).toMatchObject({ records: 5, published: 5, feed: { id, result: 'changed', error: null } });
    expect(res.body.perFile[0]).toMatchObject({ file: `feed:${id}/decp-megalis.json`, source: `feed:${id}` });

    const f = await feedStatus(id);
    expect(f).toMatchObject({ kind: 'upload', lastResult: 'changed', consecutiveFailures: 0, alert: 'ok', nextPullAt: null, last: { records: 5, published: 5 } });
    expect(f.last.accepted + f.last.flagged + f.last.quarantined).toBe(5);
    expect(f.lastPullAt).toBe(f.lastSuccessAt);
    expect(f.lastChangedAt).toBe(f.lastPullAt);
    expect(f.freshnessHours).toBe(0);
    const runs = await http().get('/api/ingest/runs?limit=1').expect(200);
    expect(runs.body.items[0]).toMatchObject({ trigger: `upload:feed:${id}` });
    const pub = (await http().get('/api/qualite/flux').expect(200)).body.items.find((x: { id: string }) => x.id === id);
    expect(pub).toMatchObject({ kind: 'upload', lastResult: 'changed', alert: 'ok' });
  });

  it('calls the same bytes sent again `unchanged` (same-content) and keeps the counts of the last change', async () => {
    const id = await registerUploadFeed(MEGALIS_SIRET, 'Mégalis Bretagne');
    const before = await feedStatus(id);
    const res = await upload(`filename=decp-megalis.json&feed=${id}`, MEGALIS).expect(201);
    expect(res.body).toMatchObject({ published: 0, feed: { id, result: 'unchanged', reason: 'same-content' } });
    const after = await feedStatus(id);
    expect(after).toMatchObject({ lastResult: 'unchanged', last: { records: 5, published: 5 } });
    expect(after.lastChangedAt).toBe(before.lastChangedAt);
    expect(after.lastSuccessAt > before.lastSuccessAt).toBe(true);
  });

  it('records an unreadable upload as failed, counts failures, and turns the feed failing after three', async () => {
    const id = await registerUploadFeed(RENNES, 'Rennes Métropole');
    for (let i = 1; i <= 3; i++) {
      const res = await upload(`filename=notes.txt&feed=${id}`, NOT_DECP).expect(201);
      expect(res.body).toMatchObject({ records: 0, feed: { id, result: 'failed', error: expect.stringContaining('notes.txt') } });
      expect(await feedStatus(id)).toMatchObject({ lastResult: 'failed', consecutiveFailures: i, nextPullAt: null });
    }
    expect(await feedStatus(id)).toMatchObject({ alert: 'failing', lastError: expect.stringContaining('notes.txt') });
    expect((await new FeedRepository(orm.em.fork()).get(id))!.lastContentHash).toBeNull();
    // a good deposit resets the failures
    await upload(`filename=rennes.json&feed=${id}`, MEGALIS).expect(201);
    expect(await feedStatus(id)).toMatchObject({ lastResult: 'changed', consecutiveFailures: 0, alert: 'ok', lastError: null });
  });

  it('is stale once an upload feed received nothing for longer than its expected period', async () => {
    const id = await registerUploadFeed(MEGALIS_SIRET, 'Mégalis Bretagne'); // interval 60 min, last deposit just now
    const in50min = () => new Date(Date.now() + 50 * 60_000);
    const in2h = () => new Date(Date.now() + 2 * 3_600_000);
    expect((await new FeedStatusQuery(orm, in50min).feeds()).find((f) => f.id === id)).toMatchObject({ alert: 'ok' });
    expect((await new FeedStatusQuery(orm, in2h).feeds()).find((f) => f.id === id)).toMatchObject({ alert: 'stale' });
  });

  it('refuses an unknown feed, a feed that is pulled, and a conflicting source', async () => {
    expect((await upload('filename=x.json&feed=f_unknown', MEGALIS).expect(404)).body.code).toBe('FEED_NOT_FOUND');
    server.route('/rennes.json', withEtag(() => MEGALIS.toString('utf8'), () => '"r1"'));
    const pulled = (await http().post('/api/admin/feeds').set(KEY).send({ siret: RENNES, nom: 'Rennes Métropole', url: server.url('/rennes.json') }).expect(201)).body.id;
    const refused = await upload(`filename=x.json&feed=${pulled}`, MEGALIS).expect(409);
    expect(refused.body).toMatchObject({ code: 'FEED_NOT_UPLOAD', message: expect.stringContaining('n’accepte pas de dépôt') });
    const id = await registerUploadFeed(MEGALIS_SIRET, 'Mégalis Bretagne');
    expect((await upload(`filename=x.json&feed=${id}&source=autre`, MEGALIS).expect(400)).body.code).toBe('FEED_UPLOAD_SOURCE_CONFLICT');
    await upload(`filename=x.json&feed=${id}&source=feed:${id}`, MEGALIS).expect(201);
    expect((await upload('filename=x.json&feed=pas%20un%20id', MEGALIS).expect(400)).body.code).toBe('INVALID_PARAMETER');
  });

  it('never schedules upload feeds: not due, not pullable, not backfillable, even after a kind change', async () => {
    const id = await registerUploadFeed(MEGALIS_SIRET, 'Mégalis Bretagne');
    const due = await app.get(PullDueFeedsHandler).execute();
    expect(due.outcomes.map((o) => o.feedId)).not.toContain(id);
    expect((await http().post(`/api/admin/feeds/${id}/pull`).set(KEY).expect(409)).body.code).toBe('FEED_NOT_PULLABLE');
    expect((await http().post(`/api/admin/feeds/${id}/backfill`).set(KEY).expect(409)).body.code).toBe('FEED_NOT_PULLABLE');
    expect((await feedStatus(id)).nextPullAt).toBeNull();

    // a pulled feed that becomes `upload` leaves the schedule; back to `url`, it is due at once
    server.route('/switch.json', withEtag(() => MEGALIS.toString('utf8'), () => '"s1"'));
    const body = { siret: RENNES, nom: 'Rennes Métropole', url: server.url('/switch.json') };
    const sw = (await http().post('/api/admin/feeds').set(KEY).send(body).expect(201)).body.id;
    expect((await feedStatus(sw)).nextPullAt).not.toBeNull();
    await http().post('/api/admin/feeds').set(KEY).send({ ...body, kind: 'upload' }).expect(201);
    expect((await feedStatus(sw)).nextPullAt).toBeNull();
    expect((await app.get(PullDueFeedsHandler).execute()).outcomes.map((o) => o.feedId)).not.toContain(sw);
    await http().post('/api/admin/feeds').set(KEY).send({ ...body, kind: 'url' }).expect(201);
    expect((await feedStatus(sw)).nextPullAt).not.toBeNull();
  });

  it('answers 409 INGEST_LEDGER_BUSY with Retry-After when another run holds the ledger past the upload wait, and counts no failure', async () => {
    const id = await registerUploadFeed(RENNES, 'Rennes Métropole');
    const before = await feedStatus(id);
    const held = await createLedgerLock(orm, { pollMs: 20, logger: memoryLogger() }).acquire({ runId: 'run-long', trigger: 'cli' });
    try {
      const res = await upload(`filename=rennes.json&feed=${id}`, MEGALIS).expect(409);
      expect(res.headers['retry-after']).toBe('60');
      expect(res.body).toMatchObject({ code: 'INGEST_LEDGER_BUSY', details: { holder: { runId: 'run-long', trigger: 'cli' } } });
      expect(res.body.message).toMatch(/^Une autre intégration occupe le registre des marchés .*Réessayez dans quelques minutes\.$/);
      const plain = await upload('filename=rennes.json', MEGALIS).expect(409);
      expect(plain.body.code).toBe('INGEST_LEDGER_BUSY');
    } finally {
      await held.release();
    }
    const after = await feedStatus(id);
    expect(after).toMatchObject({ consecutiveFailures: before.consecutiveFailures, lastResult: before.lastResult, lastPullAt: before.lastPullAt });
    await upload(`filename=rennes.json&feed=${id}`, MEGALIS).expect(201);
  });

  it('still takes plain uploads without a feed (source `upload`)', async () => {
    const res = await upload('filename=megalis.json', MEGALIS).expect(201);
    expect(res.body).not.toHaveProperty('feed');
    expect(res.body.perFile[0]).toMatchObject({ file: 'upload:megalis.json', source: 'upload' });
  });

  it('backfills one feed on demand, without its ETag', async () => {
    server.route('/backfill.json', withEtag(() => MEGALIS.toString('utf8'), () => '"b1"'));
    const id = (await http().post('/api/admin/feeds').set(KEY).send({ siret: RENNES, nom: 'Rennes Métropole', url: server.url('/backfill.json') }).expect(201)).body.id;
    await http().post(`/api/admin/feeds/${id}/pull`).set(KEY).expect(200);
    expect((await http().post(`/api/admin/feeds/${id}/pull`).set(KEY).expect(200)).body).toMatchObject({ result: 'unchanged', reason: 'not-modified' });
    const res = await http().post(`/api/admin/feeds/${id}/backfill`).set(KEY).expect(200);
    expect(res.body).toMatchObject({ feedId: id, result: 'changed', httpStatus: 200, summary: { records: 5 } });
    expect(server.requestsTo('/backfill.json').at(-1)!.headers['if-none-match']).toBeUndefined();
    await http().post(`/api/admin/feeds/${id}/backfill`).expect(401);
    expect((await http().post('/api/admin/feeds/f_unknown/backfill').set(KEY).expect(404)).body.code).toBe('FEED_NOT_FOUND');
  });

  it('documents the feed parameter, the 409 of the upload and the per-feed backfill in OpenAPI', () => {
    const doc = app.get(OpenApiRegistry).document({ title: 't', version: '1' }) as { paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>> };
    const up = doc.paths['/api/ingest/uploads'].post;
    expect(up.parameters!.map((p) => p.name)).toContain('feed');
    expect(up.responses).toHaveProperty('409');
    expect(doc.paths['/api/admin/feeds/{id}/backfill'].post.responses).toHaveProperty('200');
  });
});
