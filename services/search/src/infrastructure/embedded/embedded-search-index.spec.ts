import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSearchIndexConformance } from '../../search-index.conformance';
import { FIXTURE, fixtureDocuments, uidsOf } from '../../testing/contract.builder';
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
