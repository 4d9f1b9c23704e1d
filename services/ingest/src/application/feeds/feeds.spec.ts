import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { DomainError, EmbeddedEventLog } from '@observatoire/platform';
import type { MockInstance } from 'vitest';
import { createIngestOrm, migrateIngest } from '../../infrastructure/persistence/ingest-orm';
import { FeedRepository } from '../../infrastructure/persistence/feed.repository';
import { IngestFilesHandler } from '../ingest-files/ingest-files.handler';
import { FeedServer, failing, plain, slow, withEtag } from '../../../test/support/feed-server';
import { BackfillBuyerHandler } from './backfill-buyer/backfill-buyer.handler';
import { FeedStatusQuery } from './feed-status/feed-status.query';
import { OnboardBuyersFromCsvHandler } from './onboard-buyers-from-csv/onboard-buyers-from-csv.handler';
import { PullDueFeedsHandler } from './pull-due-feeds/pull-due-feeds.handler';
import { PullFeedHandler } from './pull-feed/pull-feed.handler';
import { RegisterFeedHandler } from './register-feed/register-feed.handler';

const MEGALIS = resolve(__dirname, '../../../test/fixtures/real/megalis-decp-validation/decp-59920013600241-2024-07-09-01.json');
const V1 = readFileSync(MEGALIS, 'utf8');
/** The same file with one amount changed: one contract really changes. */
const V2 = (() => {
  const doc = JSON.parse(V1) as { marches: { marche: { montant?: number }[] } };
  doc.marches.marche[0].montant = (doc.marches.marche[0].montant ?? 0) + 1234;
  return JSON.stringify(doc);
})();
const RENNES = '24350013900189';
const OTHER = '21350238800016';

describe('pulling DECP feeds from their publishers', () => {
  let orm: MikroORM;
  let bus: EmbeddedEventLog;
  let server: FeedServer;
  let ingest: IngestFilesHandler;
  let spoolDir: string;
  let register: RegisterFeedHandler;
  let pull: PullFeedHandler;
  let env: NodeJS.ProcessEnv;

  /** Every ingestion run, observed (the real handler still runs). */
  let runs: MockInstance<IngestFilesHandler['run']>;

  beforeEach(async () => {
    orm = await createIngestOrm('sqlite::memory:');
    await migrateIngest(orm);
    bus = new EmbeddedEventLog(mkdtempSync(join(tmpdir(), 'feeds-bus-')));
    server = await new FeedServer().start();
    ingest = new IngestFilesHandler(orm, bus);
    runs = vi.spyOn(ingest, 'run');
    spoolDir = mkdtempSync(join(tmpdir(), 'feeds-spool-'));
    env = {};
    register = new RegisterFeedHandler(orm);
    pull = new PullFeedHandler(orm, ingest, { timeoutMs: 500, maxBytes: 10_000_000, spoolDir }, env);
  });

  afterEach(async () => {
    await server.stop();
    await bus.close();
    await orm.close();
  });

  const feedAt = async (path: string, extra: Record<string, unknown> = {}) => (await register.execute({ siret: RENNES, nom: 'Rennes Métropole', url: server.url(path), intervalMinutes: 60, ...extra })).id;
  const feed = async (id: string) => (await new FeedRepository(orm.em.fork()).get(id))!;

  it('ingests a new feed body with the feed as source and trigger, and records its counts', async () => {
    server.route('/decp.json', plain(() => V1));
    const id = await feedAt('/decp.json');
    const out = await pull.execute(id);
    expect(out).toMatchObject({ result: 'changed', httpStatus: 200, error: null, summary: { records: 5, published: 5 } });
    expect(runs).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ source: `feed:${id}`, trigger: `feed:${id}` }));
    const f = await feed(id);
    expect(f).toMatchObject({ lastResult: 'changed', consecutiveFailures: 0, last: { records: 5, published: 5 } });
    expect(f.lastContentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(f.nextPullAt!.getTime() - f.lastPullAt!.getTime()).toBe(60 * 60_000);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('sends If-None-Match with the known ETag and records a 304 as unchanged without ingesting', async () => {
    server.route('/etag.json', withEtag(() => V1, () => '"v1"'));
    const id = await feedAt('/etag.json');
    await pull.execute(id);
    const again = await pull.execute(id);
    expect(again).toMatchObject({ result: 'unchanged', reason: 'not-modified', httpStatus: 304 });
    expect(server.requestsTo('/etag.json')[1].headers['if-none-match']).toBe('"v1"');
    expect(runs).toHaveBeenCalledTimes(1);
    expect(await feed(id)).toMatchObject({ lastResult: 'unchanged', etag: '"v1"', last: { records: 5 } });
  });

  it('sends If-Modified-Since with the known Last-Modified date', async () => {
    const lastModified = 'Tue, 09 Jul 2024 10:00:00 GMT';
    server.route('/lm.json', (req, res) => {
      if (req.headers['if-modified-since'] === lastModified) res.writeHead(304).end();
      else res.writeHead(200, { 'last-modified': lastModified }).end(V1);
    });
    const id = await feedAt('/lm.json');
    await pull.execute(id);
    expect(await pull.execute(id)).toMatchObject({ result: 'unchanged', reason: 'not-modified' });
  });

  it('recognises the same content without validators by its hash and ingests nothing', async () => {
    server.route('/plain.json', plain(() => V1));
    const id = await feedAt('/plain.json');
    await pull.execute(id);
    const again = await pull.execute(id);
    expect(again).toMatchObject({ result: 'unchanged', reason: 'same-content', summary: null });
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('ingests again when the content changes, and publishes only the contract that changed', async () => {
    let body = V1;
    server.route('/changing.json', plain(() => body));
    const id = await feedAt('/changing.json');
    await pull.execute(id);
    body = V2;
    const out = await pull.execute(id);
    expect(out).toMatchObject({ result: 'changed', summary: { records: 5, published: 1 } });
  });

  it('backs off exponentially after failures and becomes failing after three in a row', async () => {
    server.route('/down.json', failing(500));
    const id = await feedAt('/down.json');
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await pull.execute(id);
      expect(out).toMatchObject({ result: 'failed', httpStatus: 500, error: expect.stringContaining('HTTP 500') });
      const f = await feed(id);
      waits.push(Math.round((f.nextPullAt!.getTime() - f.lastPullAt!.getTime()) / 60_000));
    }
    expect(waits).toEqual([2, 4, 8]);
    const [status] = await new FeedStatusQuery(orm).feeds();
    expect(status).toMatchObject({ id, alert: 'failing', consecutiveFailures: 3, lastResult: 'failed', lastError: expect.stringContaining('500') });
    expect(runs).not.toHaveBeenCalled();
  });

  it('says in French why a pull failed: « 404 : fichier introuvable », « serveur injoignable »', async () => {
    const missing = await feedAt('/nothing-here.json');
    expect(await pull.execute(missing)).toMatchObject({ result: 'failed', httpStatus: 404, error: expect.stringMatching(/^404 : fichier introuvable à cette adresse \(HTTP 404/) });
    // a port nobody listens on: one the system just gave and took back
    const port = await new Promise<number>((done) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => done(p));
      });
    });
    const closed = (await register.execute({ siret: RENNES, nom: 'Rennes Métropole', url: `http://127.0.0.1:${port}/decp.json`, intervalMinutes: 60 })).id;
    expect(await pull.execute(closed)).toMatchObject({ result: 'failed', error: 'serveur injoignable (connexion refusée) (ECONNREFUSED)' });
    expect(await feed(closed)).toMatchObject({ lastError: 'serveur injoignable (connexion refusée) (ECONNREFUSED)' });
  });

  it('resets the failure count on the next successful pull', async () => {
    let up = false;
    server.route('/flaky.json', (req, res) => (up ? plain(() => V1)(req, res) : failing(503)(req, res)));
    const id = await feedAt('/flaky.json');
    await pull.execute(id);
    up = true;
    expect(await pull.execute(id)).toMatchObject({ result: 'changed' });
    expect(await feed(id)).toMatchObject({ consecutiveFailures: 0, lastError: null });
  });

  it('fails a pull that takes longer than the timeout', async () => {
    server.route('/slow.json', slow());
    const id = await feedAt('/slow.json');
    const started = Date.now();
    const out = await pull.execute(id);
    expect(out).toMatchObject({ result: 'failed', error: expect.stringMatching(/délai dépassé/) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(runs).not.toHaveBeenCalled();
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('fails a body that is not DECP, keeps the file error, and does not remember its hash so the next pull retries', async () => {
    server.route('/notes.txt', plain(() => 'bonjour, ceci n’est pas un fichier DECP', 'text/plain'));
    const id = await feedAt('/notes.txt');
    const out = await pull.execute(id);
    expect(out.result).toBe('failed');
    expect(out.summary).toMatchObject({ records: 0 });
    expect(out.summary!.errors[0]).toMatchObject({ code: 'FILE_ERROR' });
    const f = await feed(id);
    expect(f).toMatchObject({ lastResult: 'failed', consecutiveFailures: 1, lastContentHash: null, lastError: expect.stringContaining('notes.txt') });
    expect((await pull.execute(id)).result).toBe('failed');
    expect(runs).toHaveBeenCalledTimes(2);
  });

  it('sends the bearer token read from the named environment variable', async () => {
    env.MEGALIS_TOKEN = 's3cret';
    server.route('/private.json', plain(() => V1));
    const id = await feedAt('/private.json', { credentialsEnv: 'MEGALIS_TOKEN' });
    await pull.execute(id);
    expect(server.requestsTo('/private.json')[0].headers.authorization).toBe('Bearer s3cret');
    expect(JSON.stringify(await new FeedStatusQuery(orm).feeds())).not.toContain('s3cret');
  });

  it('fails without calling the publisher when the credentials variable is not set', async () => {
    server.route('/private.json', plain(() => V1));
    const id = await feedAt('/private.json', { credentialsEnv: 'MISSING_TOKEN' });
    expect(await pull.execute(id)).toMatchObject({ result: 'failed', error: expect.stringContaining('MISSING_TOKEN') });
    expect(server.requestsTo('/private.json')).toHaveLength(0);
  });

  it('refuses to pull an unknown feed or an upload feed, with stable codes', async () => {
    await expect(pull.execute('f_nope')).rejects.toMatchObject({ code: 'FEED_NOT_FOUND', httpStatus: 404 });
    const { id } = await register.execute({ siret: RENNES, nom: 'Rennes Métropole', kind: 'upload' });
    await expect(pull.execute(id)).rejects.toMatchObject({ code: 'FEED_NOT_PULLABLE' });
  });

  it('rejects an invalid registration naming each faulty field', async () => {
    const err = await register.execute({ siret: '123', nom: '', url: 'pas une url', intervalMinutes: 60 }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'FEED_INVALID', httpStatus: 400 });
    expect((err as DomainError).details).toMatchObject({ problems: [{ field: 'siret' }, { field: 'nom' }, { field: 'url' }] });
  });

  it('pulls only due feeds, at most `limit` per call and `concurrency` at once', async () => {
    let active = 0;
    let peak = 0;
    for (let i = 0; i < 6; i++) {
      server.route(`/f${i}.json`, (_req, res) => {
        active++;
        peak = Math.max(peak, active);
        setTimeout(() => {
          active--;
          res.writeHead(304).end();
        }, 60);
      });
      await feedAt(`/f${i}.json`);
    }
    const pullDue = new PullDueFeedsHandler(orm, pull);
    const first = await pullDue.execute({ limit: 5, concurrency: 2 });
    expect(first).toMatchObject({ due: 5, pulled: 5, skipped: 0 });
    expect(peak).toBe(2);
    const second = await pullDue.execute({ limit: 5, concurrency: 2 });
    expect(second).toMatchObject({ due: 1, pulled: 1 });
    expect(await pullDue.execute({ limit: 5, concurrency: 2 })).toMatchObject({ due: 0, pulled: 0 });
  });

  it('never pulls the same feed twice when two calls overlap', async () => {
    server.route('/one.json', (_req, res) => setTimeout(() => res.writeHead(304).end(), 80));
    await feedAt('/one.json');
    const pullDue = new PullDueFeedsHandler(orm, pull);
    const [a, b] = await Promise.all([pullDue.execute(), pullDue.execute()]);
    expect(a.pulled + b.pulled).toBe(1);
    expect(server.requestsTo('/one.json')).toHaveLength(1);
  });

  it('backfills every feed of a buyer ignoring ETag and content hash', async () => {
    server.route('/a.json', withEtag(() => V1, () => '"a"'));
    server.route('/b.json', plain(() => V2));
    const a = await feedAt('/a.json');
    const b = await feedAt('/b.json');
    await pull.execute(a);
    await pull.execute(b);
    const out = await new BackfillBuyerHandler(orm, pull).execute(RENNES);
    expect(out.outcomes.map((o) => [o.feedId, o.result]).sort()).toEqual([[a, 'changed'], [b, 'changed']].sort());
    expect(server.requestsTo('/a.json')[1].headers['if-none-match']).toBeUndefined();
    expect(runs).toHaveBeenCalledTimes(4);
    await expect(new BackfillBuyerHandler(orm, pull).execute(OTHER)).rejects.toMatchObject({ code: 'BUYER_NOT_FOUND' });
  });

  it('onboards buyers from a CSV, reporting each line as created, updated or invalid', async () => {
    const onboard = new OnboardBuyersFromCsvHandler(orm);
    const csv = [
      'siret;nom;url;intervalle_minutes',
      `${RENNES};Rennes Métropole;https://data.example/rennes.json;60`,
      `${OTHER};Commune;https://data.example/commune.xml;`,
      `12345678901234;Faux;https://data.example/x.json;60`,
      `${RENNES};Rennes Métropole;https://data.example/rennes.json;120`,
    ].join('\n');
    const report = await onboard.execute(csv);
    expect(report).toMatchObject({ created: 2, updated: 1, invalid: 1 });
    expect(report.lines.map((l) => [l.line, l.status])).toEqual([[2, 'created'], [3, 'created'], [4, 'invalid'], [5, 'updated']]);
    expect(report.lines[2]).toMatchObject({ problems: [{ field: 'siret' }] });
    const again = await onboard.execute(csv);
    expect(again).toMatchObject({ created: 0, updated: 3, invalid: 1 });
    const feeds = await new FeedStatusQuery(orm).feeds();
    expect(feeds).toHaveLength(2);
    expect(feeds.find((f) => f.buyer.siret === RENNES)).toMatchObject({ intervalMinutes: 120 });
  });

  it('reports freshness and a stale alert when no pull succeeded for three intervals', async () => {
    server.route('/ok.json', plain(() => V1));
    const id = await feedAt('/ok.json');
    await pull.execute(id);
    const inFourHours = () => new Date(Date.now() + 4 * 3_600_000);
    const [later] = await new FeedStatusQuery(orm, inFourHours).buyers();
    expect(later).toMatchObject({ siret: RENNES, alert: 'stale', feeds: [{ id, alert: 'stale', lastResult: 'changed' }] });
    expect(later.feeds[0].freshnessHours).toBeCloseTo(4, 0);
    const [now] = await new FeedStatusQuery(orm).feeds({ alert: 'ok' });
    expect(now).toMatchObject({ id, alert: 'ok' });
    expect(await new FeedStatusQuery(orm, inFourHours).feeds({ alert: 'ok' })).toEqual([]);
    const [pub] = await new FeedStatusQuery(orm).publicFeeds();
    expect(pub).not.toHaveProperty('url');
    expect(pub).not.toHaveProperty('credentialsEnv');
    expect(pub).not.toHaveProperty('lastError');
  });
});
