import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import { contract } from '../../domain/testing/builders';
import { createAnalyticsOrm } from './analytics-orm';
import { sqlOf } from './sql';

describe('migration analytics_contract_kind (SQLite)', () => {
  let dir: string;
  let orm: MikroORM;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'analytics-kind-'));
    orm = await createAnalyticsOrm(`sqlite:${join(dir, 'analytics.db')}`);
  });

  afterAll(async () => {
    await orm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills the kind of the rows projected before it from their stored contract, once', async () => {
    await orm.getMigrator().up({ to: 'Migration20261215000000_analytics_expected_buyer' });
    const row = (uid: string, kind: 'marche' | 'concession') => ({
      uid,
      aggregate_version: 1,
      contract_json: JSON.stringify(contract({ uid, kind })),
      buyer_id: '21350238800014',
      buyer_siren: '213502388',
      buyer_type: 'commune',
      framework_agreement: 0,
      updated_at: '2026-01-01T00:00:00Z',
    });
    await sqlOf(orm.em.fork())('analytics_contract').insert([row('OLD-M', 'marche'), row('OLD-C', 'concession')]);

    expect((await orm.getMigrator().up({ to: 'Migration20261216000000_analytics_contract_kind' })).map((m) => m.name)).toEqual(['Migration20261216000000_analytics_contract_kind']);
    const kinds = (await sqlOf(orm.em.fork())('analytics_contract').select('uid', 'contract_kind').orderBy('uid')) as { uid: string; contract_kind: string }[];
    expect(kinds).toEqual([
      { uid: 'OLD-C', contract_kind: 'concession' },
      { uid: 'OLD-M', contract_kind: 'marche' },
    ]);
    // applied once: later migrations run, this one is not run again
    expect((await orm.getMigrator().up()).map((m) => m.name)).not.toContain('Migration20261216000000_analytics_contract_kind');
  });
});
