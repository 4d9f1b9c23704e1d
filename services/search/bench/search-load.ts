/**
 * Public search under load, on either engine, with the raw engine bound measured beside it.
 *
 *   node -r @swc-node/register services/search/bench/search-load.ts --engine embedded|opensearch \
 *     [--docs 200000] [--rate 100] [--clients 50] [--duration 30] [--saturation 20] [--readers 2] \
 *     [--url http://127.0.0.1:9200] [--file /tmp/search-load.sqlite] [--keep] [--port 3390]
 *
 * 1. Writes: N synthetic documents whose objets are drawn from 1,190 real ones
 *    (services/ingest/src/generator/objets/objets-reels.tsv), buyers and suppliers across France with
 *    a Breton majority. Raw bound first (OpenSearch: a plain `_bulk` into a throwaway index with the
 *    same mapping, 2,000 documents × 2 in flight; embedded: the FTS5 table alone, stems analysed in
 *    TypeScript, one transaction per 5,000), then the projection's own path (`upsertMany` in batches
 *    of 2,000, no refresh; then `updateOrganisations` of 1,000 late profiles in batches of 100).
 * 2. Reads: a child process serves `/api/search` (PlatformModule + SearchModule, the search rate limit
 *    raised through SEARCH_RATE_LIMIT_BURST / SEARCH_RATE_LIMIT_PER_SECOND so that it does not shape
 *    the measure); realistic French queries with facets, filters, sorts and page 2 by cursor;
 *    - open loop: `rate` queries/s in all at a constant arrival rate, over `clients` keep-alive
 *      connections; latency counted from the scheduled send time (no coordinated omission);
 *    - closed loop: `clients` clients sending back to back for `saturation` seconds: throughput;
 *    - raw bound: the same queries on the engine straight from this process (OpenSearch through the
 *      adapter, no HTTP layer of ours; embedded: one connection, synchronous, in-process), closed loop.
 * Loopback only; every phase bounded in time.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { OrganisationProfile } from '@observatoire/contracts';
import { frenchTerms } from '../src/domain/french-analyzer';
import type { ContractSearchDocument, SearchTitulaire, SupplierCategory } from '../src/domain/search-document';
import type { SearchQueryInput } from '../src/domain/search-query';
import { CONTRACTS_INDEX_MAPPINGS, CONTRACTS_INDEX_SETTINGS } from '../src/infrastructure/elasticsearch/contracts-index.mapping';
import { createSearchIndex, type SearchConfig } from '../src/search-index.factory';
import { aProfile } from '../src/testing/contract.builder';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const ENGINE = arg('engine', 'embedded') as 'embedded' | 'opensearch';
const N = Number(arg('docs', '200000'));
const RATE = Number(arg('rate', '100'));
const CLIENTS = Number(arg('clients', '50'));
const DURATION_S = Math.min(120, Number(arg('duration', '30')));
const SATURATION_S = Math.min(120, Number(arg('saturation', '20')));
const READERS = Number(arg('readers', '2'));
const URL = arg('url', 'http://127.0.0.1:9200');
const FILE = arg('file', '/tmp/search-load.sqlite');
const PORT = Number(arg('port', '3390'));
const KEEP = process.argv.includes('--keep');
const PREFIX = 'bench-load';

const config: SearchConfig =
  ENGINE === 'embedded'
    ? { engine: 'embedded', file: FILE, readers: READERS }
    : { engine: 'elasticsearch', url: URL, flavor: 'opensearch', indexPrefix: PREFIX };

// ---------- documents ----------
let seed = 42;
const rand = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const OBJETS_FILE = resolve(__dirname, '../../ingest/src/generator/objets/objets-reels.tsv');
const REAL = readFileSync(OBJETS_FILE, 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => {
    const [cpv, objet] = line.split('\t');
    return { cpv: /^\d{8}$/.test(cpv) ? cpv : '45000000', objet };
  });
const clauses = (o: string) => o.split(/\s+[-–:;]\s+/).filter((c) => c.length > 2);
function drawObjet(): { objet: string; cpv: string } {
  const r = pick(REAL);
  let objet = r.objet;
  if (rand() < 0.4) {
    const other = clauses(pick(REAL).objet);
    objet = `${clauses(r.objet)[0] ?? r.objet} - ${other.length ? pick(other) : ''}`;
  }
  if (rand() < 0.25) objet += ` - Lot ${1 + Math.floor(rand() * 12)}`;
  return { objet, cpv: r.cpv };
}

const PLACES = ['Rennes', 'Brest', 'Quimper', 'Lorient', 'Vannes', 'Saint-Brieuc', 'Saint-Malo', 'Morlaix', 'Lannion', 'Nantes', 'Paris', 'Lyon', 'Caen', 'Angers'];
const DEPTS: [string, string][] = [['22', '53'], ['29', '53'], ['35', '53'], ['56', '53'], ['44', '52'], ['49', '52'], ['75', '11'], ['69', '84'], ['14', '28'], ['33', '75'], ['13', '93'], ['59', '32']];
const BUYER_TYPES = ['commune', 'commune', 'commune', 'epci', 'departement', 'region', 'hopital', 'syndicat-mixte', 'autre'];
const PROCEDURES = ['Procédure adaptée', 'Procédure adaptée', 'Procédure adaptée', "Appel d'offres ouvert", 'Procédure avec négociation', 'Marché passé sans publicité ni mise en concurrence préalable'];
const CATEGORIES: SupplierCategory[] = ['PME', 'PME', 'PME', 'ETI', 'GE', 'unknown'];
function territory() {
  const [departement, region] = rand() < 0.6 ? pick(DEPTS.slice(0, 4)) : pick(DEPTS);
  return { communeCode: `${departement}${String(Math.floor(rand() * 300)).padStart(3, '0')}`, communeNom: pick(PLACES), epci: null, epciNom: null, departement, region, bretagne: region === '53' };
}
const siret = (i: number) => String(100000000 + i).padStart(9, '0') + '00017';
const buyers = Array.from({ length: 5000 }, (_, i) => ({ id: siret(i), siret: siret(i), siren: siret(i).slice(0, 9), nom: `Acheteur public ${pick(PLACES)} ${i}`, type: pick(BUYER_TYPES), ...territory() }));
const suppliers: SearchTitulaire[] = Array.from({ length: 60000 }, (_, i) => ({
  id: siret(500000 + i), siret: siret(500000 + i), siren: siret(500000 + i).slice(0, 9), nom: `ENTREPRISE ${pick(['ARMOR', 'BREIZH', 'OUEST', 'ATLANTIQUE', 'IROISE', 'VILAINE', 'LOIRE', 'SEINE'])} ${i}`, categorie: pick(CATEGORIES), ...territory(),
}));

function makeDocument(i: number): ContractSearchDocument {
  const { objet, cpv } = drawObjet();
  const year = 2019 + Math.floor(rand() * 7);
  const date = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const montant = Math.round(Math.exp(11 + 1.3 * (rand() + rand() + rand() - 1.5) * 2) * 100) / 100;
  const usable = rand() > 0.03;
  const offres = rand() < 0.15 ? null : 1 + Math.floor(rand() * 8);
  const titulaires = [pick(suppliers), ...(rand() < 0.15 ? [pick(suppliers)] : [])].filter((t, k, all) => all.findIndex((x) => x.id === t.id) === k);
  const div = Number(cpv.slice(0, 2));
  const buyer = rand() < 0.3 ? buyers[Math.floor(rand() * 50)] : pick(buyers);
  return {
    uid: `${buyer.id}LOAD-${i}`, id: `LOAD-${i}`, kind: 'marche', objet, codeCPV: cpv, cpvLabel: null, cpvDivision: cpv.slice(0, 2),
    purchaseType: div === 45 ? 'travaux' : div <= 44 || div === 48 ? 'fournitures' : 'services', nature: 'Marché', procedure: pick(PROCEDURES), techniques: [],
    montant, montantInitial: montant, montantUtilisable: usable, amount: usable ? montant : null, dateNotification: date, year, dureeMois: 12,
    considerationSociale: rand() < 0.2, considerationEnvironnementale: rand() < 0.3, considerationsSociales: [], considerationsEnvironnementales: [],
    marcheInnovant: rand() < 0.03, sousTraitanceDeclaree: rand() < 0.1, offresRecues: offres, singleBid: offres === null ? null : offres === 1, flags: [],
    buyer, titulaires, version: 1,
  };
}

// ---------- queries (realistic French searches a public site receives) ----------
const TEXTS = [
  'travaux de voirie', 'voirie', 'maintenance', 'nettoyage des locaux', 'assurance', 'restauration scolaire', "maîtrise d'oeuvre", 'fourniture',
  'entretien espaces verts', 'construction', 'rénovation', 'eau potable', 'assainissement', 'photovoltaïque', 'informatique', 'transport scolaire',
  'menuiseries', 'gros oeuvre', 'électricité', 'chauffage', 'couverture', 'désamiantage', 'mission de contrôle technique', 'accord-cadre',
  'mobilier', 'véhicules', 'école', 'médiathèque', 'salle de sport', 'réhabilitation logements', 'prestations de services', 'location',
];
function aQuery(): SearchQueryInput {
  const r = rand();
  const q = pick(TEXTS);
  const dep = pick(['22', '29', '35', '56']);
  if (r < 0.35) return { q }; // text + every facet
  if (r < 0.5) return { q, filters: { buyerTerritory: { departement: dep } } };
  if (r < 0.6) return { q, filters: { purchaseType: pick(['travaux', 'services', 'fournitures'] as const) }, sort: { field: 'date', order: 'desc' } };
  if (r < 0.7) return { q, filters: { supplierCategorie: 'PME', supplierTerritory: { bretagne: true } }, sort: { field: 'amount', order: 'desc' }, facets: ['supplierCategorie', 'year'] };
  if (r < 0.78) return { filters: { buyerTerritory: { departement: dep }, purchaseType: pick(['travaux', 'services'] as const) }, sort: { field: 'date', order: 'desc' } };
  if (r < 0.85) return { filters: { year: 2019 + Math.floor(rand() * 7), cpv: pick(['45', '71', '72', '79', '90']) }, sort: { field: 'amount', order: 'desc' } };
  if (r < 0.9) return {}; // landing page: browse all, every facet
  return { q, facets: [] }; // text alone
}
function toParams(q: SearchQueryInput): URLSearchParams {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  const f = q.filters ?? {};
  const dep = f.buyerTerritory?.departement;
  if (dep) p.set('departementAcheteur', String(dep));
  if (f.purchaseType) p.set('typeAchat', String(f.purchaseType));
  if (f.supplierCategorie) p.set('categorieTitulaire', String(f.supplierCategorie));
  if (f.supplierTerritory?.bretagne) p.set('titulaireBreton', 'true');
  if (f.year) p.set('annee', String(f.year));
  if (f.cpv) p.set('cpv', String(f.cpv));
  if (q.sort) p.set('tri', q.sort.field === 'amount' ? 'montant' : q.sort.field);
  if (q.facets) p.set('facettes', q.facets.length ? q.facets.join(',') : 'aucune');
  return p;
}

// ---------- measuring ----------
const pct = (s: number[], p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN);
function summary(label: string, latencies: number[], errors: number, wallS: number): string {
  const s = [...latencies].sort((a, b) => a - b);
  return `| ${label.padEnd(44)} | ${String(s.length).padStart(6)} | ${(s.length / wallS).toFixed(0).padStart(6)} | ${pct(s, 50).toFixed(1).padStart(7)} | ${pct(s, 95).toFixed(1).padStart(7)} | ${pct(s, 99).toFixed(1).padStart(7)} | ${String(errors).padStart(6)} |`;
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port: PORT, path, agent, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Errors by kind (HTTP status, or the client-side failure), printed after the table. */
const errorKinds = new Map<string, number>();
const countError = (kind: string) => errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);

/** One search through /api/search. */
async function httpSearch(q: SearchQueryInput): Promise<boolean> {
  try {
    const r = await get(`/api/search?${toParams(q)}`);
    if (r.status !== 200) countError(`HTTP ${r.status}${r.status >= 400 ? ` ${(/"code":"([A-Z_]+)"/.exec(r.body) ?? [])[1] ?? ''}` : ''}`);
    return r.status === 200;
  } catch (err) {
    countError(err instanceof Error ? err.message : String(err));
    throw err;
  }
}

async function openLoop(): Promise<string> {
  const latencies: number[] = [];
  let errors = 0;
  const total = RATE * DURATION_S;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const q = aQuery();
    pending.push(
      httpSearch(q)
        .then((ok) => (ok ? latencies.push(performance.now() - due) : errors++))
        .catch(() => void errors++)
        .then(() => undefined),
    );
  }
  await Promise.all(pending);
  return summary(`open loop ${RATE} q/s, ${CLIENTS} connections, ${DURATION_S} s`, latencies, errors, (performance.now() - t0) / 1000);
}

async function closedLoop(label: string, clients: number, run: (q: SearchQueryInput) => Promise<boolean>): Promise<string> {
  const latencies: number[] = [];
  let errors = 0;
  const t0 = performance.now();
  const end = t0 + SATURATION_S * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          if (await run(aQuery())) latencies.push(performance.now() - t);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return summary(label, latencies, errors, (performance.now() - t0) / 1000);
}

function startServer(): Promise<ChildProcess> {
  const child = fork(__filename, ['--serve', ...process.argv.slice(2)], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, SEARCH_RATE_LIMIT_BURST: '1000000', SEARCH_RATE_LIMIT_PER_SECOND: '1000000', SWC_NODE_PROJECT: process.env.SWC_NODE_PROJECT ?? resolve(__dirname, '../../../tsconfig.base.json') },
  });
  return new Promise((ok, fail) => {
    child.once('message', (m) => (m === 'ready' ? ok(child) : fail(new Error(String(m)))));
    child.once('exit', (code) => fail(new Error(`server exited with ${code}`)));
  });
}

async function serve(): Promise<void> {
  const { Module } = await import('@nestjs/common');
  const { NestFactory } = await import('@nestjs/core');
  const { ApiExceptionFilter, EmbeddedEventLog, loadConfig, PlatformModule } = await import('@observatoire/platform');
  const { SearchModule } = await import('../src/search.module');
  const dir = `/tmp/search-load-serve-${process.pid}`;
  const bus = new EmbeddedEventLog(join(dir, 'bus'));
  const platformConfig = loadConfig({ ...process.env, OBSERVATOIRE_DATA_DIR: dir });
  @Module({ imports: [PlatformModule.forRoot({ bus, config: platformConfig }), SearchModule.register({ search: config, rateLimit: platformConfig.searchRateLimit, cacheMaxAgeSeconds: 0 })] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { logger: false });
  app.setGlobalPrefix('api');
  app.useGlobalFilters(new ApiExceptionFilter());
  await app.listen(PORT, '127.0.0.1');
  process.send?.('ready');
  process.on('SIGTERM', () => {
    void app.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });
}

// ---------- writes ----------
async function rawOpenSearchBulk(docs: ContractSearchDocument[]): Promise<number> {
  const index = `${PREFIX}-raw-${process.pid}`;
  const put = await fetch(`${URL}/${index}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ settings: CONTRACTS_INDEX_SETTINGS, mappings: CONTRACTS_INDEX_MAPPINGS }) });
  if (!put.ok) throw new Error(`create ${index}: ${put.status} ${await put.text()}`);
  const t0 = performance.now();
  let next = 0;
  const B = 2000;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < docs.length) {
        const slice = docs.slice(next, (next += B));
        const body = slice.map((d) => `{"index":{"_id":${JSON.stringify(d.uid)}}}\n${JSON.stringify(d)}\n`).join('');
        const r = await fetch(`${URL}/${index}/_bulk?filter_path=errors`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        const j = (await r.json()) as { errors?: boolean };
        if (!r.ok || j.errors) throw new Error(`raw bulk failed: ${r.status}`);
      }
    }),
  );
  const s = (performance.now() - t0) / 1000;
  await fetch(`${URL}/${index}`, { method: 'DELETE' });
  return docs.length / s;
}

function rawFts(docs: ContractSearchDocument[]): number {
  const file = `${FILE}.raw`;
  rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec("CREATE VIRTUAL TABLE f USING fts5(objet, orgs, cpv, tokenize = 'unicode61 remove_diacritics 0')");
  const insert = db.prepare('INSERT INTO f (rowid, objet, orgs, cpv) VALUES (?, ?, ?, ?)');
  const t0 = performance.now();
  for (let i = 0; i < docs.length; i += 5000) {
    db.transaction(() => {
      for (let k = i; k < Math.min(docs.length, i + 5000); k++) {
        const d = docs[k];
        insert.run(k + 1, frenchTerms(d.objet).join(' '), frenchTerms([d.buyer.nom, ...d.titulaires.map((t) => t.nom)].join(' \n ')).join(' '), frenchTerms(d.cpvLabel).join(' '));
      }
    })();
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  rmSync(file, { force: true });
  return docs.length / s;
}

async function main(): Promise<void> {
  if (process.argv.includes('--serve')) return serve();
  console.log(`engine=${ENGINE} docs=${N} rate=${RATE}/s clients=${CLIENTS} duration=${DURATION_S}s saturation=${SATURATION_S}s${ENGINE === 'embedded' ? ` readers=${READERS}` : ''}`);
  if (ENGINE === 'embedded' && !KEEP) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${FILE}${suffix}`, { force: true });
  }
  const writer = createSearchIndex(ENGINE === 'embedded' ? { engine: 'embedded', file: FILE } : config);
  if (!KEEP) await writer.drop();
  await writer.ensureIndex();
  const existing = await writer.count();
  if (existing < N) {
    const CHUNK = 100_000; // generated chunk by chunk: memory stays bounded at any N
    let rawSeconds = 0;
    let projSeconds = 0;
    for (let start = existing; start < N; start += CHUNK) {
      const docs = Array.from({ length: Math.min(CHUNK, N - start) }, (_, k) => makeDocument(start + k));
      const rawRate = ENGINE === 'embedded' ? rawFts(docs) : await rawOpenSearchBulk(docs);
      rawSeconds += docs.length / rawRate;
      const t0 = performance.now();
      for (let i = 0; i < docs.length; i += 2000) {
        const r = await writer.upsertMany(docs.slice(i, i + 2000));
        if (r.failed.length) throw new Error(`projection failures: ${JSON.stringify(r.failed.slice(0, 3))}`);
      }
      projSeconds += (performance.now() - t0) / 1000;
    }
    const n = N - existing;
    console.log(`writes: raw bound ${Math.round(n / rawSeconds)} docs/s, projection upsertMany ${Math.round(n / projSeconds)} docs/s, ratio ${(rawSeconds / projSeconds).toFixed(2)}x`);
    // Late profiles: 1,000 suppliers and buyers, set-based in batches of 100 (as the consumer receives them).
    const profiles: OrganisationProfile[] = [
      ...suppliers.slice(0, 800).map((s) => aProfile({ id: s.id, nom: `${s.nom} SAS`, categorieEntreprise: 'PME', departementCode: s.departement, regionCode: s.region })),
      ...buyers.slice(50, 250).map((b) => aProfile({ id: b.id, nom: `${b.nom} (commune)`, typeOrganisation: 'commune', departementCode: b.departement, regionCode: b.region })),
    ];
    const tp = performance.now();
    let rewritten = 0;
    for (let i = 0; i < profiles.length; i += 100) rewritten += (await writer.updateOrganisations(profiles.slice(i, i + 100))).updated;
    const ps = (performance.now() - tp) / 1000;
    console.log(`profiles: ${profiles.length} late profiles re-denormalised ${rewritten} documents in ${ps.toFixed(1)} s (${Math.round(rewritten / ps)} docs/s, ${profiles.length / 100} refreshes)`);
  }
  await writer.refresh();
  console.log(`documents: ${await writer.count()}`);
  await writer.close();

  const header = '| phase                                        |      n |  q/s   | p50 ms  | p95 ms  | p99 ms  | errors |\n|----------------------------------------------|--------|--------|---------|---------|---------|--------|';
  const rows: string[] = [];
  // Raw bound: the engine queried straight from this process.
  const raw = createSearchIndex(ENGINE === 'embedded' ? { engine: 'embedded', file: FILE, readers: 0 } : config);
  for (let i = 0; i < 50; i++) await raw.search(aQuery()); // warm-up
  rows.push(await closedLoop(`raw engine, closed loop, ${ENGINE === 'embedded' ? 1 : CLIENTS} in flight`, ENGINE === 'embedded' ? 1 : CLIENTS, async (q) => Boolean(await raw.search(q))));
  await raw.close();

  const server = await startServer();
  try {
    for (let i = 0; i < 100; i++) await httpSearch(aQuery()); // warm-up (readers started, caches)
    rows.push(await openLoop());
    rows.push(await closedLoop(`/api/search, closed loop, ${CLIENTS} clients`, CLIENTS, httpSearch));
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }
  console.log(header);
  for (const r of rows) console.log(r);
  if (errorKinds.size) console.log(`errors by kind: ${[...errorKinds].map(([k, n]) => `${k} × ${n}`).join(', ')}`);
  if (!KEEP && ENGINE === 'opensearch') await createSearchIndex(config).drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
