import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/core';
import fc from 'fast-check';
import { contractsFromDecpInfo, readDecpInfoRows } from '../../application/testing/decp-info-extract';
import {
  BUYER_IDS,
  compare,
  contractsArb,
  currentProfiles,
  profilesArb,
  project,
  seen,
  SYNTHETIC_FILTERS,
} from '../../application/testing/facts-equivalence.scenario';
import { createAnalyticsOrm, migrateAnalytics } from './analytics-orm';

/** A fresh, migrated SQLite projection store in a real file (the embedded profile's engine). */
async function fileStore(dir: string, name: string): Promise<MikroORM> {
  const orm = await createAnalyticsOrm(`sqlite:${join(dir, `${name}.db`)}`);
  await migrateAnalytics(orm);
  return orm;
}

describe('facts projection: indicators computed in the store equal the domain functions (SQLite file store)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'analytics-facts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('on the real decp.info Breton extract, under the filter mix, every indicator equals the domain’s', async () => {
    const contracts = contractsFromDecpInfo(readDecpInfoRows());
    const orm = await fileStore(dir, 'extract');
    try {
      await project(orm, contracts, []);
      const buyer = contracts[0].acheteur.id;
      const filters = [
        { coTraitance: 'partage' as const },
        { coTraitance: 'mandataire' as const },
        { coTraitance: 'partage' as const, territoire: { level: 'departement' as const, code: '29' } },
        { coTraitance: 'partage' as const, acheteur: buyer },
        { coTraitance: 'partage' as const, acheteur: buyer.slice(0, 9), annee: 2024 },
        { coTraitance: 'partage' as const, cpv: '4521', typeAchat: 'travaux' as const },
      ];
      for (const f of filters) expect(await compare(orm, contracts, new Map(), f)).toEqual([]);
    } finally {
      await orm.close();
    }
  });

  it('on random contracts with early and late profiles and probable duplicates, every indicator equals the domain’s', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(contractsArb, profilesArb, async (contracts, { early, late }) => {
        const orm = await fileStore(dir, `random-${run++}`);
        try {
          await project(orm, contracts, early, late, BUYER_IDS);
          const profiles = currentProfiles(early, late);
          const diffs: string[] = [];
          for (const f of SYNTHETIC_FILTERS) diffs.push(...(await compare(orm, contracts, profiles, f)));
          expect(diffs).toEqual([]);
        } finally {
          await orm.close();
        }
      }),
      { numRuns: 25 },
    );
    // not vacuous: the random stores had every kind of cross-contract fact
    for (const [what, total] of Object.entries(seen)) expect(total, what).toBeGreaterThan(0);
  }, 120_000);

  it('a contract republished with other titulaires and amount replaces its rows, and its former duplicate twin is no longer one', async () => {
    const orm = await fileStore(dir, 'republish');
    try {
      const [first] = fc.sample(contractsArb, { numRuns: 1, seed: 7 });
      const base = { ...first[0], uid: 'A', id: 'A', montant: 12_345.67, montantUtilisable: true, codeCPV: '45233141', dateNotification: '2024-01-10', titulaires: [{ id: '44306184100047', typeIdentifiant: 'SIRET', denominationSociale: null, siretValide: true }] };
      const twin = { ...base, uid: 'B', id: 'B', dateNotification: '2024-01-20' };
      await project(orm, [base, twin], []);
      expect(await compare(orm, [base, twin], new Map(), { coTraitance: 'partage' })).toEqual([]);
      const changed = { ...twin, montant: 99_999.99, titulaires: [] };
      const { ProjectContractsHandler } = await import('../../application/project-contracts/project-contracts.handler');
      const { contractPublished, delivered } = await import('../../application/testing/analytics-test-kit');
      await new ProjectContractsHandler(orm).handle(delivered([contractPublished(changed, 2)]));
      expect(await compare(orm, [base, changed], new Map(), { coTraitance: 'partage' })).toEqual([]);
    } finally {
      await orm.close();
    }
  });
});
