import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSearchIndexConformance } from '../../search-index.conformance';
import { FIXTURE, fixtureDocuments, syntheticDocuments, uidsOf } from '../../testing/contract.builder';
import { SearchCursorInvalidError, SearchOverloadedError, SearchQueryInvalidError } from '../../domain/search.errors';
import { EmbeddedSearchIndex } from './embedded-search-index';

describeSearchIndexConformance('embedded SQLite FTS5 (in memory)', () => new EmbeddedSearchIndex({ file: ':memory:' }));

describe('EmbeddedSearchIndex on a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'search-embedded-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents and versions across a restart', async () => {
    const file = join(dir, 'nested', 'search-contracts.sqlite');
    const first = new EmbeddedSearchIndex({ file });
    await first.ensureIndex();
    await first.upsertMany(fixtureDocuments());
    await first.close();

    const second = new EmbeddedSearchIndex({ file });
    await second.ensureIndex();
    expect(await second.count()).toBe(9);
    expect((await second.search({ q: 'travaux de voirie' })).items.map((i) => i.uid).sort()).toEqual(uidsOf('c1', 'c2', 'c9'));
    expect((await second.upsertMany(fixtureDocuments())).stale).toBe(9);
    expect((await second.health()).detail).toContain(FIXTURE.c1.uid.length > 0 ? '9 documents' : '');
    await second.close();
  });

  it('sees the writes of another process sharing the file (no stale cached totals or facets)', async () => {
    const file = join(dir, 'shared.sqlite');
    const writer = new EmbeddedSearchIndex({ file });
    const reader = new EmbeddedSearchIndex({ file });
    await writer.ensureIndex();
    await reader.ensureIndex();
    const docs = fixtureDocuments();
    await writer.upsertMany(docs.slice(0, 4));
    expect((await reader.search({})).total).toBe(4);
    await writer.upsertMany(docs.slice(4));
    const after = await reader.search({});
    expect(after.total).toBe(9);
    expect(after.facets.purchaseType?.reduce((n, b) => n + b.count, 0)).toBe(9);
    await writer.close();
    await reader.close();
  });

  it('refuses a file with another table layout instead of misreading it', async () => {
    const file = join(dir, 'old.sqlite');
    const index = new EmbeddedSearchIndex({ file });
    await index.ensureIndex();
    await index.close();
    const raw = new Database(file);
    raw.prepare("UPDATE meta SET value = '1' WHERE key = 'schema'").run();
    raw.close();
    const reopened = new EmbeddedSearchIndex({ file });
    await expect(reopened.ensureIndex()).rejects.toThrow(/table layout v1/);
    await reopened.close();
  });
});

describe('EmbeddedSearchIndex reader threads', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'search-readers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers from read-only connections in worker threads exactly as on the writer connection, and sees each committed batch', async () => {
    const file = join(dir, 'search.sqlite');
    const pooled = new EmbeddedSearchIndex({ file, readers: 2 });
    const direct = new EmbeddedSearchIndex({ file, readers: 0 });
    await pooled.ensureIndex();
    const docs = fixtureDocuments();
    await pooled.upsertMany(docs.slice(0, 4));
    expect((await pooled.search({})).total).toBe(4);
    await pooled.upsertMany(docs.slice(4));
    for (const q of [{}, { q: 'travaux de voirie' }, { filters: { buyerTerritory: { departement: ['29', '35'] } }, sort: { field: 'amount' as const, order: 'desc' as const } }]) {
      expect(await pooled.search(q)).toEqual(await direct.search(q));
    }
    expect(await pooled.suggestOrganisations('renn', 5)).toEqual(await direct.suggestOrganisations('renn', 5));
    await pooled.close();
    await direct.close();
  }, 60_000);

  it('keeps the error classes of the readers: invalid query and cursor are 400s, not engine failures', async () => {
    const file = join(dir, 'errors.sqlite');
    const index = new EmbeddedSearchIndex({ file, readers: 1 });
    await index.ensureIndex();
    await index.upsertMany(fixtureDocuments());
    await expect(index.search({ size: 0 })).rejects.toBeInstanceOf(SearchQueryInvalidError);
    const page = await index.search({ size: 2, sort: { field: 'date', order: 'desc' } });
    await expect(index.search({ size: 2, sort: { field: 'amount', order: 'desc' }, cursor: page.nextCursor ?? '' })).rejects.toBeInstanceOf(SearchCursorInvalidError);
    await index.close();
  }, 60_000);

  it('runs queries in parallel off the event loop, and refuses beyond its bounded queue', async () => {
    const file = join(dir, 'load.sqlite');
    const index = new EmbeddedSearchIndex({ file, readers: 2, maxQueue: 8 });
    await index.ensureIndex();
    await index.upsertMany(syntheticDocuments(3000));
    await index.search({ q: 'voirie' }); // readers started
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => index.search({ filters: { amount: { min: i } }, q: i % 2 ? 'travaux' : undefined })),
    );
    clearInterval(timer);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(outcomes.filter((o) => o.status === 'fulfilled').length).toBeGreaterThanOrEqual(8);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SearchOverloadedError);
    expect(ticks).toBeGreaterThan(0); // the event loop kept turning while the readers worked
    await index.close();
  }, 60_000);
});
