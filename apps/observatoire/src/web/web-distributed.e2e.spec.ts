/**
 * The same French pages on the DISTRIBUTED profile, in Debian's Chromium: four services (one Nest app each) on
 * real Kafka, PostgreSQL and OpenSearch, behind the gateway that serves the pages and routes `/api/...` — the
 * shape a region deploys. The Breton seed file is uploaded through the gateway (as an operator would), then every
 * page must load with the figures its API answers, a filter change must update the URL and the figures, and the
 * CSV export must download. Also checks that the gateway routes every path the services document.
 * The exhaustive page-by-page assertions live in web.e2e.spec.ts (embedded profile).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';
import { WEB_ROOT, type Observatoire } from '../compose/observatoire';
import { createGateway, ROUTES } from '../gateway/gateway';
import { BRETON_CSV, createDatabases, distributedConfig, eventually, startServices } from '../e2e/support';
import { CHROMIUM, launchChromium, settled, watchConsole } from './browser-support';

const ADMIN_KEY = 'test-admin-key';
const QUIMPERLE = '24290069400173';
const CONTRACT_UID = '699200051000672025211dy0000000';

const int = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });
const norm = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe.skipIf(!existsSync(CHROMIUM))('web interface on the distributed profile (Kafka, PostgreSQL, OpenSearch, gateway)', () => {
  let apps: Observatoire[] = [];
  let serviceUrls: Record<'ingest' | 'catalog' | 'search' | 'analytics', string>;
  let gateway: Server;
  let base: string;
  let context: BrowserContext;
  let consoleErrors: string[] = [];
  const rows = readFileSync(BRETON_CSV, 'utf8').trim().split('\n').slice(1);
  const contracts = new Set(rows.map((l) => l.split(',')[0])).size;

  const api = async <T = Record<string, unknown>>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path} answered ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    watchConsole(page, path, consoleErrors);
    await page.goto(`${base}${path}`);
    await settled(page, 20_000);
    return page;
  }

  const main = async (page: Page) => norm(await page.locator('main').innerText());

  beforeAll(async () => {
    const engines = inject('engines');
    const ns = `web${randomUUID().slice(0, 8)}`;
    const config = distributedConfig(engines, await createDatabases(engines.postgres.url, ns), ns);
    const started = await startServices(config, [['ingest'], ['catalog'], ['search'], ['analytics']]);
    apps = started.apps;
    const [ingest, catalog, search, analytics] = started.urls;
    serviceUrls = { ingest, catalog, search, analytics };
    gateway = createGateway(serviceUrls, WEB_ROOT).listen(0, '127.0.0.1');
    await new Promise<void>((r) => gateway.once('listening', () => r()));
    base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;

    // The operator's way in: an authenticated upload through the public origin.
    const upload = await fetch(`${base}/api/ingest/uploads?filename=${encodeURIComponent('decp_2024H2_travaux_cpv4521_bretagne.csv')}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/octet-stream' },
      body: readFileSync(BRETON_CSV),
    });
    expect(upload.status).toBe(201);
    // Every consumer has caught up: catalog (contracts and resolved buyers), search index, analytics projection.
    await eventually('projections caught up', async () => {
      const [ind, found, quimperle] = await Promise.all([
        fetch(`${base}/api/indicators?territoire=bretagne`).then((r) => r.json() as Promise<{ contracts: number }>),
        fetch(`${base}/api/search?limit=1`).then((r) => r.json() as Promise<{ total: number }>),
        fetch(`${base}/api/indicators?territoire=epci:242900694`).then((r) => r.json() as Promise<{ contracts: number }>),
      ]);
      return ind.contracts === contracts && found.total === contracts && quimperle.contracts > 0;
    }, 180_000);

    context = await launchChromium('obs-web-dist-chromium-');
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((r) => (gateway ? gateway.close(r) : r(null)));
    for (const a of apps) await a.close();
  });

  beforeEach(() => {
    consoleErrors = [];
  });
  afterEach(async () => {
    for (const p of context.pages()) await p.close();
    expect(consoleErrors, 'console errors').toEqual([]);
  });

  it('the gateway routes every API path a service documents to that service', async () => {
    for (const [service, url] of Object.entries(serviceUrls)) {
      const doc = (await (await fetch(`${url}api/openapi.json`)).json()) as { paths: Record<string, unknown> };
      for (const path of Object.keys(doc.paths)) {
        if (path === '/api/health' || path.startsWith('/api/health/') || path === '/api/openapi.json' || path === '/api/metrics') continue;
        // Paths every process serves for itself (ops on its own consumers) are reachable through their owner.
        const sub = path.replace(/^\/api/, '');
        const route = ROUTES.find((r) => sub === r.prefix || sub.startsWith(`${r.prefix}/`));
        expect(route, `${path} (documented by ${service}) has no gateway route`).toBeDefined();
        if (!['/admin/consumers', '/admin/dlq', '/admin/replay'].some((p) => sub.startsWith(p))) expect(`${path} → ${route!.service}`).toBe(`${path} → ${service}`);
      }
    }
  });

  it('Accueil and Recherche: key figures from PostgreSQL, results and facets from OpenSearch', async () => {
    const home = await open('/');
    expect(norm(await home.locator('.figures').first().innerText())).toContain(norm(int.format(contracts)));

    const found = await api<{ total: number }>('/api/search?q=quimperle&limit=20');
    expect(found.total).toBeGreaterThan(0);
    const page = await open('/recherche?q=quimperle');
    expect(await page.locator('#results-summary').innerText()).toMatch(new RegExp(`${found.total} marchés trouvés`));
    await page.locator('.facet a').first().click();
    await page.waitForURL((u) => [...u.searchParams.keys()].some((k) => k !== 'q'));
    await settled(page);
    const filtered = await api<{ total: number }>(`/api/search?${new URL(page.url()).searchParams}&limit=1`);
    expect(norm(await page.locator('#results-summary').innerText())).toContain(`${norm(int.format(filtered.total))} marché`);
  });

  it('Contrat, Acheteur and Titulaire pages load from the catalog', async () => {
    const contract = await open(`/contrats/${CONTRACT_UID}`);
    expect(await contract.locator('h1').innerText()).toBe('Objet non publié');
    expect(await contract.locator('.subtitle').innerText()).toContain('n° 2025211dy0000000');
    expect(norm(await contract.locator('.figures').first().innerText())).toContain('130 000 €');
    expect(await main(contract)).toContain('L.M.I. PEINTURE');
    const buyer = await api<{ nom: string | null }>(`/api/acheteurs/${QUIMPERLE}`);
    const page = await open(`/acheteurs/${QUIMPERLE}`);
    expect((await main(page)).toUpperCase()).toContain((buyer.nom ?? QUIMPERLE).toUpperCase());
    expect(await main(page)).toContain('Quimperlé');
    const supplier = await open('/titulaires/51842082300024');
    expect(await main(supplier)).toContain('L.M.I. PEINTURE');
    // suppliers by company on PostgreSQL: SANITHERM's establishments are one row, its SIREN page lists them
    const top = (await api<{ topSuppliers: { id: string; establishments: number }[] }>(`/api/acheteurs/${QUIMPERLE}`)).topSuppliers;
    expect(top.filter((s) => s.id.startsWith('319748422'))).toEqual([expect.objectContaining({ id: '319748422', establishments: 2 })]);
    const company = await open('/titulaires/319748422');
    expect(await company.locator('h1').innerText()).toBe('SANITHERM');
    expect(await main(company)).toContain('31974842200031, 31974842200064, 31974842200114');
  });

  it('Marchés de mon secteur: an EPCI of the seed answers with its figures; a filter change updates the URL and the figures', async () => {
    // CA Quimperlé Communauté, placed in its EPCI by the DGCL reference (no SIRENE needed).
    const sector = await api<{ totals: { contracts: number } }>('/api/secteur?territoire=epci:242900694&cpv=45');
    expect(sector.totals.contracts).toBeGreaterThan(0);
    const page = await open('/secteur?territoire=epci:242900694&cpv=45');
    expect(norm(await page.locator('.figures').first().innerText())).toContain(norm(int.format(sector.totals.contracts)));

    await page.locator('select[name="territoire"]').selectOption('departement:29');
    await page.waitForURL(/territoire=departement%3A29/);
    await settled(page);
    const finistere = await api<{ totals: { contracts: number } }>('/api/secteur?territoire=departement:29&cpv=45');
    expect(norm(await page.locator('.figures').first().innerText())).toContain(norm(int.format(finistere.totals.contracts)));
  });

  it('Charte: indicators from the analytics projection, a filter in the URL, the CSV export downloads', async () => {
    type Ind = { contracts: number; indicators: { key: string; byCount: { value: number | null } }[] };
    const r = await api<Ind>('/api/indicators?territoire=bretagne');
    const page = await open('/charte?territoire=bretagne');
    const local = r.indicators.find((i) => i.key === 'local-share-bretagne')!.byCount.value!;
    expect(norm(await page.locator('.indicator[data-key="local-share-bretagne"]').innerText())).toContain(norm(pct.format(local)));
    expect(await main(page)).toContain(`${r.contracts} marchés dans le périmètre`);

    await page.locator('select[name="annee"]').first().selectOption('2024');
    await page.waitForURL(/annee=2024/);
    await settled(page);
    const y2024 = await api<Ind>('/api/indicators?territoire=bretagne&annee=2024');
    expect(await main(page)).toContain(`${y2024.contracts} marchés dans le périmètre`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger (CSV)' }).click()]);
    const file = join(mkdtempSync(join(tmpdir(), 'obs-web-dist-')), 'export.csv');
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThan(5);
  });

  it('Prix pratiqués, Préparer un achat and Qualité load with their figures', async () => {
    const prix = await api<{ amounts: { count: number } }>('/api/prix?cpv=45&territoire=bretagne');
    const p1 = await open('/prix?cpv=45&territoire=bretagne');
    expect(norm(await p1.locator('.figures').first().innerText())).toContain(`sur ${prix.amounts.count} marchés`);

    const prep = await api<{ supplierBase: { suppliers: number } }>('/api/preparer-achat?cpv=45&territoire=departement:56&montant=40000');
    const p2 = await open('/preparer-achat?territoire=departement:56&cpv=45&montant=40000');
    expect(norm(await p2.locator('.figures').first().innerText())).toContain(`Entreprises du territoire\n${int.format(prep.supplierBase.suppliers)}`);

    const runs = await api<{ items: { summary: { records: number } }[] }>('/api/ingest/runs');
    // the upload's run, projected by analytics from IngestRunCompleted, answered through the gateway
    type Sources = { items: { source: string; records: number; stale: boolean }[] };
    const upload = await eventually('source freshness projected', async () => (await api<Sources>('/api/qualite/sources')).items.find((s) => s.source === 'upload'), 60_000);
    expect(upload.stale).toBe(false);
    const p3 = await open('/qualite');
    expect(await main(p3)).toContain(norm(int.format(runs.items[0].summary.records)));
    const freshness = p3.getByRole('region', { name: 'Fraîcheur par source', exact: true });
    const row = norm(await freshness.locator('tbody tr', { has: p3.locator('th', { hasText: /^upload$/ }) }).innerText());
    expect(row.startsWith('upload\tÀ jour\t')).toBe(true);
    expect(row).toContain(`\t${norm(int.format(upload.records))}\t`);
  });
  it('an operator replays the catalog and search groups through the gateway: each service restarts its own consumers in place and converges to the same state', async () => {
    const admin = { authorization: `Bearer ${ADMIN_KEY}` };
    const before = await api<Record<string, unknown>>(`/api/contrats/${CONTRACT_UID}`);
    const searchBefore = await api<{ total: number }>('/api/search?limit=1');
    for (const group of ['catalog', 'search']) {
      expect((await fetch(`${base}/api/admin/replay/${group}`, { method: 'POST' })).status, 'anonymous replay').toBe(401);
      const res = await fetch(`${base}/api/admin/replay/${group}`, { method: 'POST', headers: admin });
      const body = (await res.json()) as { mode: string; toReplay: Record<string, number> };
      // Routed to the owning process, which consumes the group: stopped, reset and restarted there (not 409).
      expect([res.status, body.mode]).toEqual([202, 'restarted']);
      expect(Object.values(body.toReplay).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(contracts);
      type Consumers = { groups: { group: string; topics: { lag: number }[] }[] };
      await eventually(`${group} replayed`, async () => {
        const consumers = (await (await fetch(`${base}/api/admin/consumers`, { headers: admin })).json()) as Consumers;
        return consumers.groups.find((c) => c.group === `observatoire-${group}`)!.topics.every((t) => t.lag === 0);
      }, 120_000);
    }
    expect(await api(`/api/contrats/${CONTRACT_UID}`)).toEqual(before);
    expect((await api<{ total: number }>('/api/search?limit=1')).total).toBe(searchBefore.total);
  });
});
