import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/core';
import fc from 'fast-check';
import { inject } from 'vitest';
import { contractsFromDecpInfo, readDecpInfoRows } from '../../application/testing/decp-info-extract';
import { BUYER_IDS, compare, contractsArb, currentProfiles, profilesArb, project, seen, SYNTHETIC_FILTERS } from '../../application/testing/facts-equivalence.scenario';
import { createAnalyticsOrm, migrateAnalytics } from './analytics-orm';
import { sqlOf } from './sql';

/**
 * The facts projection's equivalence with the domain on the real PostgreSQL of tools/test/global-engines.ts:
 * one fresh database for this file, emptied between the property's runs.
 */
const superuserUrl = inject('engines').postgres.url;
const database = `analytics_facts_it_${randomBytes(4).toString('hex')}`;
const TABLES = ['analytics_fact_share', 'analytics_fact', 'analytics_contract', 'analytics_organisation', 'analytics_processed_event'];

describe('facts projection on PostgreSQL: indicators computed in the store equal the domain functions', () => {
  let admin: MikroORM;
  let orm: MikroORM;

  beforeAll(async () => {
    admin = await createAnalyticsOrm(superuserUrl);
    await admin.em.getConnection().execute(`create database ${database}`);
    const url = new URL(superuserUrl);
    url.pathname = `/${database}`;
    orm = await createAnalyticsOrm(url.toString());
    await migrateAnalytics(orm);
  });

  afterAll(async () => {
    await orm?.close();
    await admin?.em.getConnection().execute(`drop database if exists ${database} with (force)`);
    await admin?.close();
  });

  const empty = async () => {
    await sqlOf(orm.em.fork()).raw(`truncate ${TABLES.join(', ')}`);
  };

  it('on the real decp.info Breton extract, under the filter mix, every indicator equals the domain’s', async () => {
    await empty();
    const contracts = contractsFromDecpInfo(readDecpInfoRows());
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
  });

  it('on random contracts with early and late profiles and probable duplicates, every indicator equals the domain’s', async () => {
    await fc.assert(
      fc.asyncProperty(contractsArb, profilesArb, async (contracts, { early, late }) => {
        await empty();
        await project(orm, contracts, early, late, BUYER_IDS);
        const profiles = currentProfiles(early, late);
        const diffs: string[] = [];
        for (const f of SYNTHETIC_FILTERS) diffs.push(...(await compare(orm, contracts, profiles, f)));
        expect(diffs).toEqual([]);
      }),
      { numRuns: 25 },
    );
    // not vacuous: the random stores had every kind of cross-contract fact
    for (const [what, total] of Object.entries(seen)) expect(total, what).toBeGreaterThan(0);
  }, 180_000);
});
