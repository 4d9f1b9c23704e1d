/**
 * The facts projection at scale, embedded profile (SQLite file store, the real consumers and the real HTTP API):
 *  1. replay: N synthetic ContractPublished projected through ProjectContractsHandler (batches of 500), events/s;
 *  2. a late SupplierResolved for a supplier holding 10,000 of the contracts (its size changes): time to apply,
 *     and the SME share before/after;
 *  3. GET /api/indicators uncached (the revision is bumped before every call, as a consumer batch would) for the
 *     issue's filter mix, at 1 and 10 concurrent clients: p50 / p95 / p99;
 *  4. the process's peak RSS over the whole run.
 * Contracts are generated batch by batch (never all in memory).
 *
 *   flock /tmp/obs-bench.lock node --max-old-space-size=1024 -r @swc-node/register services/analytics/bench/facts-projection.ts [N=200000] [runs=20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MikroORM } from '@mikro-orm/core';
import { createEvent, type Contract, type ObservatoireEvent, type OrganisationProfile } from '@observatoire/contracts';
import { ApiExceptionFilter, EmbeddedEventLog, loadConfig, PlatformModule } from '@observatoire/platform';
import { AnalyticsModule } from '../src/analytics.module';
import { ProjectContractsHandler } from '../src/application/project-contracts/project-contracts.handler';
import { ProjectOrganisationsHandler } from '../src/application/project-organisations/project-organisations.handler';
import { FactsLoader } from '../src/application/shared/facts-loader';
import { computeIndicators } from '../src/domain';
import { ANALYTICS_ORM } from '../src/infrastructure/analytics.tokens';
import { ProjectionReadStore } from '../src/infrastructure/persistence/projection-read.store';
import { migrateAnalytics } from '../src/infrastructure/persistence/analytics-orm';
import { ProjectionRevisionRepository } from '../src/infrastructure/persistence/projection-revision.repository';
import { contract, profile, ref } from '../src/domain/testing/builders';
import { seededRandom } from './prng';

const N = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.argv[3] ?? 20);
const BIG_SUPPLIER_CONTRACTS = 10_000;
const BATCH = 500;

const DEPS = [
  { dep: '22', commune: '22278', epci: '200069409', region: '53' },
  { dep: '29', commune: '29232', epci: '242900694', region: '53' },
  { dep: '35', commune: '35238', epci: '243500139', region: '53' },
  { dep: '56', commune: '56121', epci: '200042174', region: '53' },
  { dep: '44', commune: '44109', epci: '244400404', region: '52' },
  { dep: '75', commune: '75056', epci: '200054781', region: '11' },
  { dep: '69', commune: '69123', epci: '200046977', region: '84' },
  { dep: '13', commune: '13055', epci: '200054807', region: '93' },
];
const CPVS = ['45233141', '45211000', '45310000', '72000000', '90910000', '30192000', '34144000', '79341000', '71000000', '33100000'];
const PROCEDURES = ['Procédure adaptée', "Appel d'offres ouvert", 'Marché passé sans publicité ni mise en concurrence préalable', null];

const rnd = seededRandom(42);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const siret = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}00014`;
const BUYERS = 6_000;
const SUPPLIERS = 60_000;
const buyerId = (i: number) => siret('2', i);
const supplierId = (i: number) => siret('4', i);

function profiles(): OrganisationProfile[] {
  const buyers = Array.from({ length: BUYERS }, (_, i) => {
    const d = DEPS[i % DEPS.length];
    return profile(buyerId(i), { typeOrganisation: pick(['commune', 'epci', 'departement', 'hopital']), departementCode: d.dep, communeCode: d.commune, epciSiren: d.epci, regionCode: d.region });
  });
  const suppliers = Array.from({ length: SUPPLIERS }, (_, i) => {
    const d = pick(DEPS);
    return profile(supplierId(i), { categorieEntreprise: pick(['PME', 'PME', 'ETI', 'GE', null] as const), tpe: rnd() < 0.4, departementCode: d.dep, communeCode: d.commune, epciSiren: d.epci, regionCode: d.region });
  });
  return [...buyers, ...suppliers];
}

/** Contract i; every (N / 10,000)-th one is won by supplier 0 (the late SupplierResolved's supplier). */
function contractAt(i: number): Contract {
  const cpv = pick(CPVS);
  const year = 2019 + Math.floor(rnd() * 6);
  const date = `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
  const big = i % Math.max(1, Math.floor(N / BIG_SUPPLIER_CONTRACTS)) === 0;
  const first = big ? supplierId(0) : supplierId(1 + Math.floor(rnd() * (SUPPLIERS - 1)));
  const titulaires = rnd() < 0.1 ? [ref(first), ref(supplierId(1 + Math.floor(rnd() * (SUPPLIERS - 1))))] : [ref(first)];
  return contract({
    uid: `B${i}`,
    id: `B${i}`,
    acheteur: ref(buyerId(Math.floor(rnd() * BUYERS))),
    codeCPV: cpv,
    cpvDivision: cpv.slice(0, 2),
    purchaseType: cpv.startsWith('45') ? 'travaux' : Number(cpv.slice(0, 2)) < 50 ? 'fournitures' : 'services',
    montant: Math.round(5_000 + rnd() * 500_000) + (rnd() < 0.01 ? 0.5 : 0),
    dateNotification: date,
    datePublicationDonnees: date,
    procedure: pick(PROCEDURES),
    offresRecues: 1 + Math.floor(rnd() * 4),
    titulaires,
    techniques: rnd() < 0.05 ? ['Accord-cadre'] : [],
    attributionAvance: rnd() < 0.5,
    tauxAvance: rnd() < 0.5 ? 0.3 : 0.05,
  });
}

type AnalyticsFiltersLike = Parameters<FactsLoader['load']>[0];
const delivered = (events: ObservatoireEvent[]) => events.map((event, i) => ({ event, topic: 't', partition: 0, offset: String(i), headers: {} }));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

async function main() {
  const rssTimer = setInterval(sampleRss, 100);
  const dir = mkdtempSync(join(tmpdir(), 'analytics-facts-bench-'));
  const bus = new EmbeddedEventLog(join(dir, 'bus'));
  @Module({ imports: [PlatformModule.forRoot({ bus, config: loadConfig({ OBSERVATOIRE_DATA_DIR: dir }) }), AnalyticsModule.register({ databaseUrl: `sqlite:${join(dir, 'analytics.db')}` })] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule as Type<unknown>, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  const orm = app.get<MikroORM>(ANALYTICS_ORM);
  await migrateAnalytics(orm);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

  const all = profiles();
  const orgs = new ProjectOrganisationsHandler(orm);
  const meta = (p: OrganisationProfile, v: number) => ({ source: 'bench', aggregateId: p.id, aggregateVersion: v, correlationId: 'bench', idParts: [p.id, String(v)] });
  for (let i = 0; i < all.length; i += BATCH) {
    await orgs.handle(delivered(all.slice(i, i + BATCH).map((p) => createEvent(p.id.startsWith('2') ? 'BuyerResolved' : 'SupplierResolved', p, meta(p, 1)))));
  }

  // 1. replay throughput through the real consumer
  const projector = new ProjectContractsHandler(orm);
  const t0 = performance.now();
  for (let i = 0; i < N; i += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => {
      const c = contractAt(i + k);
      return createEvent('ContractPublished', { contract: c, contentHash: c.uid, supersedes: null }, { source: 'bench', aggregateId: c.uid, aggregateVersion: 1, correlationId: 'bench' });
    });
    await projector.handle(delivered(events));
    if ((i / BATCH) % 200 === 0) console.error(`  projected ${i} contracts, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const projectS = (performance.now() - t0) / 1000;
  console.log(`N = ${N} contracts, ${all.length} profiles, Node ${process.version}, SQLite (better-sqlite3) file store`);
  console.log(`replay through ProjectContractsHandler: ${projectS.toFixed(1)} s = ${Math.round(N / projectS)} events/s`);

  const sme = async (qs = '') =>
    ((await (await fetch(`${base}/api/indicators${qs}`)).json()) as { indicators: { key: string; byCount: { value: number } }[] }).indicators.find((v) => v.key === 'sme-share')!.byCount.value;

  // 2. late SupplierResolved for supplier 0 (10,000 contracts): PME -> GE
  const big = all.find((p) => p.id === supplierId(0))!;
  const bigBefore = await sme(`?acheteur=${buyerId(0).slice(0, 9)}`);
  const t1 = performance.now();
  await orgs.handle(delivered([createEvent('SupplierResolved', { ...big, categorieEntreprise: big.categorieEntreprise === 'GE' ? 'PME' : 'GE' }, meta(big, 2))]));
  const lateMs = performance.now() - t1;
  const bigAfter = await sme(`?acheteur=${buyerId(0).slice(0, 9)}`);
  console.log(`late SupplierResolved for a supplier with ${BIG_SUPPLIER_CONTRACTS} contracts: applied in ${lateMs.toFixed(0)} ms; SME share of one buyer ${bigBefore} -> ${bigAfter}`);

  // 3. uncached latency of the filter mix at 1 and 10 concurrent clients
  const filters: Record<string, string> = {
    'no filter': '',
    'département 29': 'territoire=departement:29',
    'EPCI × year': 'territoire=epci:242900694&annee=2023',
    'CPV 45 × travaux': 'cpv=45&typeAchat=travaux',
    'one buyer (SIREN)': `acheteur=${buyerId(7).slice(0, 9)}`,
    'Bretagne': 'territoire=bretagne',
  };
  const lines: string[] = [];
  // the former path in the same run (the machine is shared and noisy): FactsLoader (contracts' JSON + toFacts in
  // the process) + computeIndicators, uncached, one client, as /api/indicators computed before the facts projection
  const former: Record<string, AnalyticsFiltersLike> = {
    'no filter': { coTraitance: 'partage' },
    'département 29': { coTraitance: 'partage', territoire: { level: 'departement', code: '29' } },
    'EPCI × year': { coTraitance: 'partage', territoire: { level: 'epci', code: '242900694' }, annee: 2023 },
    'CPV 45 × travaux': { coTraitance: 'partage', cpv: '45', typeAchat: 'travaux' },
    'one buyer (SIREN)': { coTraitance: 'partage', acheteur: buyerId(7).slice(0, 9) },
    'Bretagne': { coTraitance: 'partage', territoire: { level: 'bretagne', code: '53' } },
  };
  const formerMs: Record<string, number> = {};
  for (const [name, f] of Object.entries(former)) {
    const times: number[] = [];
    for (let r = 0; r < Math.min(RUNS, 3); r++) {
      const loader = new FactsLoader(new ProjectionReadStore(orm), 1);
      const t = performance.now();
      const loaded = await loader.load(f);
      computeIndicators(loaded.facts, { history: loaded.history, historyStart: loaded.historyStart, targets: {} });
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    formerMs[name] = percentile(times, 0.5);
    console.error(`former path ${name}: p50 ${formerMs[name].toFixed(0)} ms`);
  }
  for (const [name, qs] of Object.entries(filters)) {
    for (const clients of [1, 10]) {
      const times: number[] = [];
      let contracts = 0;
      let failed = 0;
      await Promise.all(
        Array.from({ length: clients }, async () => {
          for (let r = 0; r < RUNS; r++) {
            await new ProjectionRevisionRepository(orm.em.fork()).bump();
            const t = performance.now();
            try {
              const body = (await (await fetch(`${base}/api/indicators${qs ? `?${qs}` : ''}`)).json()) as { contracts: number };
              times.push(performance.now() - t);
              contracts = body.contracts;
            } catch {
              failed += 1; // a connection reset under concurrency: counted, not timed
            }
          }
        }),
      );
      times.sort((a, b) => a - b);
      const formerCell = clients === 1 ? `${formerMs[name].toFixed(0)} (×${(formerMs[name] / percentile(times, 0.5)).toFixed(1)})` : '';
      const line = `| ${name} | ${contracts} | ${clients} | ${percentile(times, 0.5).toFixed(0)} | ${percentile(times, 0.95).toFixed(0)} | ${percentile(times, 0.99).toFixed(0)} | ${failed} | ${formerCell} |`;
      console.error(line);
      lines.push(line);
    }
  }
  sampleRss();
  clearInterval(rssTimer);
  console.log(`peak RSS of the process: ${(peakRss / 1024 / 1024).toFixed(0)} MB\n`);
  console.log('| filter | contracts | clients | p50 (ms) | p95 (ms) | p99 (ms) | failed | former path p50 (ms, in-process facts) and speed-up |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const l of lines) console.log(l);
  await app.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
