import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { contract, ref } from '../../domain/testing/builders';
import { ProjectContractsHandler } from '../../application/project-contracts/project-contracts.handler';
import { contractPublished, delivered } from '../../application/testing/analytics-test-kit';
import type { AnalyticsFilters } from '../../application/shared/analytics-filters';
import { createAnalyticsOrm, migrateAnalytics } from './analytics-orm';
import { FactsIndicatorsQuery } from './facts-indicators.query';

const N = Number(process.env.MEMORY_SPEC_N ?? 6_000);

/**
 * No request loads rows: the widest filters over a large store answer with the heap about where it was (the former
 * FactsLoader path held every matching contract's JSON and facts: tens of MB at this size, GBs at national size).
 */
describe('facts indicators: bounded memory whatever the filters (SQLite file store)', () => {
  let dir: string;
  let orm: MikroORM;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'analytics-facts-memory-'));
    orm = await createAnalyticsOrm(`sqlite:${join(dir, 'analytics.db')}`);
    await migrateAnalytics(orm);
    const handler = new ProjectContractsHandler(orm);
    for (let i = 0; i < N; i += 500) {
      const batch = Array.from({ length: 500 }, (_, k) => {
        const n = i + k;
        const year = 2019 + (n % 6);
        return contract({
          uid: `M${n}`,
          id: `M${n}`,
          acheteur: ref(`2${String(n % 97).padStart(8, '0')}00014`),
          titulaires: n % 10 === 0 ? [ref(`4${String(n % 1_000).padStart(8, '0')}00014`), ref(`4${String((n + 1) % 1_000).padStart(8, '0')}00014`)] : [ref(`4${String(n % 1_000).padStart(8, '0')}00014`)],
          codeCPV: n % 3 === 0 ? '45233141' : '72000000',
          montant: 10_000 + (n % 5_000) * 17.31,
          dateNotification: `${year}-0${1 + (n % 9)}-1${n % 10}`,
        });
      });
      await handler.handle(delivered(batch.map((c) => contractPublished(c, 1))));
    }
  }, 240_000);
  afterAll(async () => {
    await orm?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the widest requests (no filter, CPV 45, lead rule) leave the heap within a few MB', async () => {
    const widest: AnalyticsFilters[] = [{ coTraitance: 'partage' }, { coTraitance: 'partage', cpv: '45' }, { coTraitance: 'mandataire' }];
    const query = () => new FactsIndicatorsQuery(orm.em.fork());
    await query().compute(widest[0]); // warm the statement caches
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    for (let round = 0; round < (process.env.FACTS_QUERY_TIMING ? 1 : 5); round++) {
      for (const f of widest) {
        const r = await query().compute(f);
        expect(r.contracts).toBe(f.cpv ? N / 3 : N);
        peak = Math.max(peak, process.memoryUsage().heapUsed);
      }
    }
    expect((peak - before) / 1024 / 1024).toBeLessThan(25);
  }, 120_000);
});
