/**
 * Latency of GET /api/indicators on the embedded profile (SQLite): N synthetic current contracts are projected
 * through the real consumer, then the endpoint is called over HTTP for a few filters, uncached (the projection
 * revision is bumped before each call, as a consumer batch would) and cached. Then the same for
 * GET /api/qualite/doublons and GET /api/secteur over every contract.
 *
 *   node -r @swc-node/register services/analytics/bench/indicators-latency.ts [N=20000] [uncachedRuns=15]
 *   BENCH_DUPLICATES=0.02 …  also publishes that share of contracts a second time under another id (probable duplicates)
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
import { ANALYTICS_ORM } from '../src/infrastructure/analytics.tokens';
import { migrateAnalytics } from '../src/infrastructure/persistence/analytics-orm';
import { ProjectionRevisionRepository } from '../src/infrastructure/persistence/projection-revision.repository';
import { contract, profile, ref } from '../src/domain/testing/builders';
import { seededRandom } from './prng';

const N = Number(process.argv[2] ?? 20_000);
const UNCACHED = Number(process.argv[3] ?? 15);
const CACHED = 200;
const DUPLICATES = Number(process.env.BENCH_DUPLICATES ?? 0);

const DEPS = [
  { dep: '22', commune: '22278', epci: '200069409' },
  { dep: '29', commune: '29232', epci: '242900694' },
  { dep: '35', commune: '35238', epci: '243500139' },
  { dep: '56', commune: '56121', epci: '200042174' },
];
const CPVS = ['45233141', '45211000', '72000000', '90910000', '30192000', '34144000', '79341000', '71000000'];

const rnd = seededRandom(42);
const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)];
const siret = (prefix: string, i: number) => `${prefix}${String(i).padStart(8, '0')}00014`;

function dataset(): { profiles: OrganisationProfile[]; contracts: Contract[] } {
  const buyers = Array.from({ length: 300 }, (_, i) => {
    const d = DEPS[i % DEPS.length];
    return profile(siret('2', i), { typeOrganisation: pick(['commune', 'epci', 'departement', 'hopital']), departementCode: d.dep, communeCode: d.commune, epciSiren: d.epci });
  });
  const suppliers = Array.from({ length: 5_000 }, (_, i) => {
    const d = rnd() < 0.8 ? pick(DEPS) : { dep: '75', commune: '75056', epci: '200054781' };
    return profile(siret('4', i), {
      categorieEntreprise: pick(['PME', 'PME', 'ETI', 'GE', null] as const),
      tpe: rnd() < 0.4,
      departementCode: d.dep,
      communeCode: d.commune,
      epciSiren: d.epci,
      regionCode: d.dep === '75' ? '11' : '53',
    });
  });
  const contracts = Array.from({ length: N }, (_, i) => {
    const cpv = pick(CPVS);
    const year = 2019 + Math.floor(rnd() * 6);
    const date = `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
    const titulaires = rnd() < 0.1 ? [ref(pick(suppliers).id), ref(pick(suppliers).id)] : [ref(pick(suppliers).id)];
    return contract({
      uid: `B${i}`,
      id: `B${i}`,
      acheteur: ref(pick(buyers).id),
      codeCPV: cpv,
      cpvDivision: cpv.slice(0, 2),
      purchaseType: cpv.startsWith('45') ? 'travaux' : Number(cpv.slice(0, 2)) < 50 ? 'fournitures' : 'services',
      montant: Math.round(5_000 + rnd() * 500_000),
      dateNotification: date,
      datePublicationDonnees: date,
      titulaires,
      techniques: rnd() < 0.05 ? ['Accord-cadre'] : [],
      attributionAvance: rnd() < 0.5,
      tauxAvance: rnd() < 0.5 ? 0.3 : 0.05,
    });
  });
  // the same award published again under another id (a buyer's second numbering), a few days later
  const originals = contracts.filter(() => rnd() < DUPLICATES);
  for (const c of originals) {
    c.montant = c.montant! + 0.5; // not a round amount, as most real duplicates
    contracts.push({ ...c, uid: `${c.uid}-BIS`, id: `${c.id}-BIS` });
  }
  return { profiles: [...buyers, ...suppliers], contracts };
}

const delivered = (events: ObservatoireEvent[]) => events.map((event, i) => ({ event, topic: 't', partition: 0, offset: String(i), headers: {} }));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'analytics-bench-'));
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

  const { profiles, contracts } = dataset();
  const t0 = performance.now();
  const orgs = new ProjectOrganisationsHandler(orm);
  const meta = (p: OrganisationProfile) => ({ source: 'bench', aggregateId: p.id, aggregateVersion: 1, correlationId: 'bench', idParts: [p.id] });
  for (let i = 0; i < profiles.length; i += 500) {
    await orgs.handle(delivered(profiles.slice(i, i + 500).flatMap((p) => [createEvent(p.id.startsWith('2') ? 'BuyerResolved' : 'SupplierResolved', p, meta(p))])));
  }
  const projector = new ProjectContractsHandler(orm);
  for (let i = 0; i < contracts.length; i += 500) {
    await projector.handle(
      delivered(
        contracts.slice(i, i + 500).map((c) =>
          createEvent('ContractPublished', { contract: c, contentHash: c.uid, supersedes: null }, { source: 'bench', aggregateId: c.uid, aggregateVersion: 1, correlationId: 'bench' }),
        ),
      ),
    );
  }
  const projectMs = performance.now() - t0;

  const filters: Record<string, string> = {
    'all contracts': '',
    'departement:56': 'territoire=departement:56',
    'epci:200042174 + annee=2024': 'territoire=epci:200042174&annee=2024',
    'cpv=45 + typeAchat=travaux': 'cpv=45&typeAchat=travaux',
    'one buyer (SIREN)': `acheteur=${profiles[0].siren}`,
  };
  const lines: string[] = [];
  const urls: [string, string][] = [
    ...Object.entries(filters).map(([name, qs]): [string, string] => [name, `${base}/api/indicators${qs ? `?${qs}` : ''}`]),
    ['/api/qualite/doublons, all contracts', `${base}/api/qualite/doublons`],
    ['/api/secteur, all contracts (with probable duplicates)', `${base}/api/secteur?territoire=bretagne`],
  ];
  for (const [name, url] of urls) {
    const uncached: number[] = [];
    let contractsCount = 0;
    for (let i = 0; i < UNCACHED; i++) {
      await new ProjectionRevisionRepository(orm.em.fork()).bump();
      const t = performance.now();
      const body = (await (await fetch(url)).json()) as { contracts?: number; totals?: { contracts: number } };
      uncached.push(performance.now() - t);
      contractsCount = body.contracts ?? body.totals?.contracts ?? 0;
    }
    const cached: number[] = [];
    for (let i = 0; i < CACHED; i++) {
      const t = performance.now();
      await (await fetch(url)).arrayBuffer();
      cached.push(performance.now() - t);
    }
    uncached.sort((a, b) => a - b);
    cached.sort((a, b) => a - b);
    lines.push(
      `| ${name} | ${contractsCount} | ${percentile(uncached, 0.5).toFixed(0)} | ${percentile(uncached, 0.95).toFixed(0)} | ${percentile(cached, 0.5).toFixed(1)} | ${percentile(cached, 0.95).toFixed(1)} |`,
    );
  }
  console.log(`N = ${contracts.length} contracts (${contracts.length - N} published twice), ${profiles.length} profiles; projection through the consumer: ${(projectMs / 1000).toFixed(1)} s (${Math.round(N / (projectMs / 1000))} contracts/s)`);
  console.log(`Node ${process.version}, SQLite (better-sqlite3), ${UNCACHED} uncached and ${CACHED} cached calls per filter\n`);
  console.log('| filter | contracts | uncached p50 (ms) | uncached p95 (ms) | cached p50 (ms) | cached p95 (ms) |');
  console.log('|---|---|---|---|---|---|');
  for (const l of lines) console.log(l);
  await app.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
