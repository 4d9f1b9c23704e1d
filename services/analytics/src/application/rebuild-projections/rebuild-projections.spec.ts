import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventLog } from '@observatoire/platform';
import { rebuildScenario, type RebuildWorld } from './rebuild-projections.scenario';

describe('analytics projections rebuild on the embedded profile (event log + SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-rebuild-'));
  const bus = new EmbeddedEventLog(join(dir, 'bus'));
  const world: RebuildWorld = { bus, url: `sqlite:${join(dir, 'data', 'analytics.sqlite')}` };

  afterAll(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  rebuildScenario(() => world);

  it('leaves no rebuild file behind in the data directory', () => {
    expect(readdirSync(join(dir, 'data')).filter((f) => f.startsWith('analytics-rebuild-'))).toEqual([]);
  });
});
