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
});
