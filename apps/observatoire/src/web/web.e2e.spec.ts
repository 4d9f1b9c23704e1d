/**
 * Browser tests of the French user interface (apps/observatoire/src/web/public), in Debian's Chromium driven by
 * playwright-core, against the embedded observatory started in-process with the Breton seed files ingested.
 * Each page is loaded with real data, its figures compared with what the API answers (formatted fr-FR),
 * filters are changed through the UI and checked in the URL, the CSV export is downloaded, keyboard navigation is
 * exercised, and no console error may occur. A screenshot of every page is saved into ./screenshots (docs).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IngestFilesHandler, fileInput } from '@observatoire/ingest';
import { loadConfig } from '@observatoire/platform';
import type { BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../compose/logger';
import { createObservatoire, type Observatoire } from '../compose/observatoire';
import { SERVICE_NAMES, migrateAll } from '../compose/services';
import { CHROMIUM, launchChromium, settled, watchConsole } from './browser-support';

const SEED_DIR = resolve(__dirname, '../seed');
const SEED_CSV = join(SEED_DIR, 'decp_2024H2_travaux_cpv4521_bretagne.csv');
const SEED_JSON = join(SEED_DIR, 'decp-59920013600241-2024-07-09-01.json');
/** The docs' screenshots are refreshed with UPDATE_SCREENSHOTS=1; other runs write to a temp dir (a test run never dirties the tree). */
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? resolve(__dirname, 'screenshots') : join(tmpdir(), 'observatoire-screenshots');
const CHART_JS = resolve(__dirname, '../../../../node_modules/chart.js/dist/chart.umd.min.js');

/** A contract, its buyer and titulaire from the first data row of the CSV seed. */
const CONTRACT_UID = '699200051000672025211dy0000000';
const QUIMPERLE = '24290069400173'; // CA Quimperlé Communauté, 40 contracts in the seed
const LMI_PEINTURE = '51842082300024';
/** The admin API key of the test config (OBSERVATOIRE_ADMIN_TOKENS). */
const ADMIN_KEY = 'cle-admin-de-test-0123456789';

const eur = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const int = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const pct = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });

/** The few DOM members the in-page functions use (the project's tsconfig has no DOM lib; the casts are erased). */
interface DomElement {
  id: string;
  tagName: string;
  className: string;
  textContent: string | null;
  closest(selector: string): DomElement | null;
}
interface Dom {
  document: { body: { dataset: Record<string, string | undefined> }; activeElement: DomElement | null; querySelector(selector: string): DomElement | null };
  getComputedStyle(element: DomElement | null): { outlineStyle: string };
}

describe.skipIf(!existsSync(CHROMIUM))('web interface (Chromium)', () => {
  let dir: string;
  let obs: Observatoire;
  let base: string;
  let context: BrowserContext;
  let consoleErrors: string[] = [];
  /** Network 404s a test expects (unknown contract...): not console errors of the page. */
  let expected404 = false;

  const api = async <T = Record<string, unknown>>(path: string): Promise<T> => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path} answered ${res.status} ${await res.text()} — API not wired into createObservatoire yet?`);
    return (await res.json()) as T;
  };

  async function open(path: string): Promise<Page> {
    const page = await context.newPage();
    watchConsole(page, path, consoleErrors, (t) => expected404 && /status of 404/.test(t));
    await page.goto(`${base}${path}`);
    await settled(page);
    return page;
  }

  async function shot(page: Page, name: string) {
    await page.waitForTimeout(150); // charts draw on the next frame
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();
  const norm = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');
  /** innerText collapses runs of spaces: compare names that way. */
  const squash = (s: string) => norm(s).replace(/\s+/g, ' ');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'obs-web-e2e-'));
    mkdirSync(SHOTS, { recursive: true });
    const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', OBSERVATOIRE_ADMIN_TOKENS: ADMIN_KEY });
    await migrateAll(config, SERVICE_NAMES);
    obs = await createObservatoire(config, [...SERVICE_NAMES], createLogger('warn', 'test'));
    await obs.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(obs.app.getHttpServer().address() as AddressInfo).port}`;
    await obs.app.get(IngestFilesHandler).run([fileInput(SEED_CSV), fileInput(SEED_JSON)], { source: 'test', trigger: 'test' });
    await obs.drain();

    context = await launchChromium('obs-web-chromium-');
    // Until the app serves /vendor/chart.js (node_modules/chart.js/dist/chart.umd.min.js), give the browser the same file.
    const vendor = await fetch(`${base}/vendor/chart.js`);
    if (!vendor.ok) await context.route('**/vendor/chart.js', (r) => r.fulfill({ path: CHART_JS, contentType: 'text/javascript; charset=utf-8' }));
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await obs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    consoleErrors = [];
    expected404 = false;
  });
  afterEach(async () => {
    for (const p of context.pages()) await p.close();
    expect(consoleErrors, 'console errors').toEqual([]);
  });

  it('Accueil: key figures, the example "Lorient Agglomération × travaux" in one click', async () => {
    const indicators = await api<{ contracts: number }>('/api/indicators');
    const page = await open('/');
    expect(await text(page, 'h1')).toContain('Observatoire de la commande publique bretonne');
    const figures = norm(await text(page, '.figures'));
    expect(figures).toContain('Marchés recensés');
    expect(figures).toContain(int.format(indicators.contracts).replace(/[\u202f\u00a0]/g, ' '));
    await shot(page, 'accueil');

    await page.getByRole('link', { name: /Lorient Agglomération × travaux/ }).click();
    await page.waitForURL(/\/secteur\?territoire=epci:200042174&cpv=45&annee=2022$/);
    await settled(page);
    expect(await text(page, 'h2.selection')).toContain('Lorient Agglomération × 45 – Travaux de construction');
    expect(await page.locator('select[name="territoire"]').inputValue()).toBe('epci:200042174');
    // this test ingests the 2024 extract only, which has no contract of a Lorient Agglomération buyer in 2022 (the
    // shipped seed has Mégalis's: web-seed.e2e.spec.ts): a clear empty state
    const sector = await api<{ totals: { contracts: number } }>('/api/secteur?territoire=epci:200042174&cpv=45&annee=2022');
    if (sector.totals.contracts === 0) expect(await page.locator('main').innerText()).toContain('Aucun marché ne correspond');
    else expect(norm(await text(page, '.figures'))).toContain(int.format(sector.totals.contracts).replace(/[\u202f\u00a0]/g, ' '));

    // the neighbouring EPCI has contracts in the sample: the second example answers with figures, in one click
    await page.goto(`${base}/`);
    await settled(page);
    await page.getByRole('link', { name: /Quimperlé Communauté × travaux/ }).click();
    await page.waitForURL(/\/secteur\?territoire=epci:242900694&cpv=45$/);
    await settled(page);
    const quimperle = await api<{ totals: { contracts: number }; probableDuplicates: { contracts: number; excessAmount: number } }>('/api/secteur?territoire=epci:242900694&cpv=45');
    expect(quimperle.totals.contracts).toBeGreaterThan(0);
    expect(norm(await text(page, '.figures'))).toContain(norm(int.format(quimperle.totals.contracts)));
    // the answer says how much of it the buyer published twice
    expect(quimperle.probableDuplicates.excessAmount).toBeGreaterThan(0);
    const note = norm(await page.getByRole('note').innerText());
    expect(note).toContain(norm(`${eur.format(quimperle.probableDuplicates.excessAmount)} de ce montant viennent de ${int.format(quimperle.probableDuplicates.contracts)} marchés`));
    expect(await page.getByRole('note').getByRole('link', { name: 'Voir la liste' }).getAttribute('href')).toBe('/qualite?territoire=epci%3A242900694');
  });

  it('Recherche: results, facets as filters in the URL, sort, "Résultats suivants"', async () => {
    const all = await api<{ total: number }>('/api/search?q=quimperle&limit=20');
    const page = await open('/recherche?q=quimperle');
    expect(await page.locator('#results-summary').innerText()).toMatch(new RegExp(`${all.total} marchés trouvés`));
    const results = page.locator('li.result');
    expect(await results.count()).toBe(Math.min(20, all.total));
    expect(await results.first().locator('h3 a').getAttribute('href')).toMatch(/^\/contrats\//);
    expect(await page.locator('.facet').count()).toBeGreaterThan(0);
    await shot(page, 'recherche');

    // facet → URL filter → new figures
    const facetLink = page.locator('.facet a').first();
    await facetLink.click();
    await page.waitForURL((u) => [...u.searchParams.keys()].some((k) => k !== 'q'));
    await settled(page);
    expect(await page.locator('.chips .chip').count()).toBe(1);
    expect(await page.locator('.facet a[aria-current="true"]').count()).toBe(1);

    // tick two values of one facet: the facet keeps listing its values (disjunctive facets), both stay ticked
    // and repeated in the shareable address (OR), the figures are the API's for that address
    await page.goto(`${base}/recherche?q=quimperle`);
    await settled(page);
    const facet = page.locator('.facet').filter({ has: page.locator('li:nth-child(2) a') }).first();
    const facetId = await facet.getAttribute('aria-labelledby');
    const sameFacet = page.locator(`.facet[aria-labelledby="${facetId}"]`);
    const listed = await sameFacet.locator('a').count();
    await sameFacet.locator('a').first().click();
    await page.waitForURL((u) => [...u.searchParams.keys()].some((k) => k !== 'q'));
    await settled(page);
    const param = [...new URL(page.url()).searchParams.keys()].find((k) => k !== 'q') as string;
    expect(await sameFacet.locator('a').count()).toBe(listed);
    await sameFacet.locator('a:not([aria-current="true"])').first().click();
    await page.waitForURL((u) => u.searchParams.getAll(param).length === 2);
    await settled(page);
    expect(await sameFacet.locator('a[aria-current="true"]').count()).toBe(2);
    expect(await page.locator('.chips .chip').count()).toBe(2);
    const both = await api<{ total: number }>(`/api/search?${new URL(page.url()).searchParams}&limit=1`);
    expect(norm(await page.locator('#results-summary').innerText())).toContain(`${norm(int.format(both.total))} marché`);
    // removing one chip keeps the other value ticked
    await page.locator('.chips .chip').first().click();
    await page.waitForURL((u) => u.searchParams.getAll(param).length === 1);
    await settled(page);
    expect(await sameFacet.locator('a[aria-current="true"]').count()).toBe(1);

    // sort by amount
    await page.goto(`${base}/recherche?q=quimperle`);
    await settled(page);
    await page.locator('#tri').selectOption('montant');
    await page.waitForURL(/tri=montant/);
    await settled(page);
    const amounts = await page.locator('li.result .amount').allInnerTexts();
    const values = amounts.map((a) => Number(norm(a).replace(/[^\d,]/g, '').replace(',', '.')));
    expect(values.slice(0, 5)).toEqual([...values.slice(0, 5)].sort((a, b) => b - a));

    // next page with the cursor
    if (all.total > 20) {
      await page.getByRole('button', { name: 'Résultats suivants' }).click();
      await expect.poll(() => results.count()).toBe(Math.min(40, all.total));
    }
  });

  it('Contrat: versions, buyer, titulaires with size, quality flags, provenance', async () => {
    const page = await open(`/contrats/${CONTRACT_UID}`);
    // the extract publishes no objet: the title says so, the number is in the subtitle (never in place of the objet)
    expect(await text(page, 'h1')).toBe('Objet non publié');
    expect(await text(page, '.subtitle')).toContain('n° 2025211dy0000000');
    expect(norm(await text(page, '.figures'))).toContain('130 000 €');
    expect(await page.locator('.timeline li').count()).toBeGreaterThanOrEqual(1);
    expect(await text(page, '.timeline')).toContain('Attribution initiale');
    const main = await page.locator('main').innerText();
    expect(main).toContain("SA D'HLM AIGUILLON CONSTRUCTION");
    expect(main).toContain('L.M.I. PEINTURE');
    expect(main).toMatch(/Taille inconnue|PME|ETI|Grande entreprise/);
    // a known size says where it comes from
    if (/\t(PME|ETI|Grande entreprise)/.test(main)) expect(main).toMatch(/\(source : (enrichissement decp\.info|stock SIRENE de l’INSEE|API Recherche d’entreprises)\)/);
    expect(main).toContain('decp_2024H2_travaux_cpv4521_bretagne.csv');
    expect(main).toContain('Qualité des données');
    await shot(page, 'contrat');

    await page.getByRole('link', { name: /AIGUILLON/ }).first().click();
    await page.waitForURL(/\/acheteurs\/69920005100067$/);
    await settled(page);
    expect(await text(page, 'h1')).toContain('AIGUILLON');
  });

  it('Contrat: a flagged 2022-format contract explains its flags in French', async () => {
    const list = await api<{ items: { uid: string }[] }>('/api/contrats?acheteur=59920013600241&limit=5');
    const flagged = [];
    for (const c of list.items) {
      const d = await api<{ contract: { flags: { code: string }[] } }>(`/api/contrats/${encodeURIComponent(c.uid)}`);
      if (d.contract.flags.length) flagged.push({ uid: c.uid, flags: d.contract.flags });
    }
    expect(flagged.length).toBeGreaterThan(0);
    const page = await open(`/contrats/${encodeURIComponent(flagged[0].uid)}`);
    const items = page.locator('ul.flags li');
    expect(await items.count()).toBe(flagged[0].flags.length);
    expect(await items.first().innerText()).toContain(flagged[0].flags[0].code);
  });

  it('Acheteur: what it buys, from whom, local impact, grade', async () => {
    const buyer = await api<{ totals: { contracts: number; montant: number }; topSuppliers: { nom: string }[] }>(`/api/acheteurs/${QUIMPERLE}`);
    const ind = await api<{ indicators: { key: string; byCount: { value: number | null } }[] }>(`/api/indicators?acheteur=${QUIMPERLE}`);
    const page = await open(`/acheteurs/${QUIMPERLE}`);
    // named by the DGCL reference of communes and EPCI (the published name is upper case)
    expect(await text(page, 'h1')).toContain('CA Quimperlé Communauté');
    const figures = norm(await text(page, '.figures'));
    expect(figures).toContain(String(buyer.totals.contracts));
    expect(figures).toContain(norm(eur.format(buyer.totals.montant)));
    expect(await page.locator('figure.chart canvas').count()).toBe(1);
    expect(await page.locator('figure.chart table tbody tr').count()).toBeGreaterThan(0);
    const main = await page.locator('main').innerText();
    expect(squash(main)).toContain(squash(buyer.topSuppliers[0].nom));
    const bretagne = ind.indicators.find((i) => i.key === 'local-share-bretagne')!.byCount.value;
    expect(norm(main)).toContain(norm(pct.format(bretagne!)));
    expect(await page.locator('.grade').count()).toBe(1);
    // Quimperlé published most of its summer 2024 works twice under two ids: said next to the total they inflate
    const dups = await api<{ groups: number; contracts: number; excessAmount: number }>(`/api/qualite/doublons?acheteur=${QUIMPERLE}`);
    expect(dups.groups).toBeGreaterThan(0);
    const note = page.getByRole('note');
    expect(norm(await note.innerText())).toContain(norm(`${int.format(dups.contracts)} marchés de cet acheteur semblent publiés deux fois`));
    expect(norm(await note.innerText())).toContain(norm(`${eur.format(dups.excessAmount)} sont ainsi comptés en trop`));
    await note.locator('summary').click();
    expect(await note.locator('li').count()).toBe(dups.groups);
    await shot(page, 'acheteur');
    // suppliers by company: SANITHERM won through two establishments, one row linked by SIREN
    const sanitherm = page.locator('tbody tr', { hasText: 'SANITHERM' });
    expect(await sanitherm.count()).toBe(1);
    expect(await sanitherm.innerText()).toContain('(2 établissements)');
    await sanitherm.locator('a').click();
    await page.waitForURL(`${base}/titulaires/319748422`);
    await settled(page);
    expect(await page.locator('main .notice-error').count()).toBe(0);
    expect(await text(page, 'h1')).toContain('SANITHERM');
    expect(await page.locator('dd a[href^="/titulaires/319748422"]').evaluateAll((as) => as.map((a) => a.textContent))).toEqual(['31974842200031', '31974842200064', '31974842200114']); // also Plouhinec's contractor
  });

  it('Titulaire: contracts won and buyers', async () => {
    const s = await api<{ totals: { contracts: number }; buyers: { nom: string }[] }>(`/api/titulaires/${LMI_PEINTURE}`);
    const page = await open(`/titulaires/${LMI_PEINTURE}`);
    expect(await text(page, 'h1')).toContain('L.M.I');
    expect(await text(page, '.figures')).toContain(String(s.totals.contracts));
    expect(squash(await page.locator('main').innerText())).toContain(squash(s.buyers[0].nom));
    expect(await page.locator(`a[href="/contrats/${CONTRACT_UID}"]`).count()).toBe(1);
    await shot(page, 'titulaire');
  });

  it('Marchés de mon secteur: figures, chart with its table, filter change updates URL and figures', async () => {
    type Sector = { totals: { contracts: number; amount: number }; topBuyers: { nom: string }[] };
    const bzh = await api<Sector>('/api/secteur?territoire=bretagne&cpv=45');
    const page = await open('/secteur?territoire=bretagne&cpv=45');
    let figures = norm(await text(page, '.figures'));
    expect(figures).toContain(norm(eur.format(bzh.totals.amount)));
    expect(figures).toContain(norm(int.format(bzh.totals.contracts)));
    expect(await page.locator('figure.chart canvas').count()).toBe(1);
    expect(await page.locator('figure.chart table').innerText()).toContain('2024');
    expect(squash(await page.locator('main').innerText())).toContain(squash(bzh.topBuyers[0].nom));
    await shot(page, 'secteur');

    await page.locator('select[name="territoire"]').selectOption('departement:29');
    await page.waitForURL(/territoire=departement%3A29/);
    await settled(page);
    expect(new URL(page.url()).searchParams.get('cpv')).toBe('45');
    const fin = await api<Sector>('/api/secteur?territoire=departement:29&cpv=45');
    expect(fin.totals.contracts).not.toBe(bzh.totals.contracts);
    figures = norm(await text(page, '.figures'));
    expect(figures).toContain(norm(eur.format(fin.totals.amount)));
    expect(await text(page, 'h2.selection')).toContain('Finistère');

    // back button restores the previous filters
    await page.goBack();
    await settled(page);
    expect(await page.locator('select[name="territoire"]').inputValue()).toBe('bretagne');
  });

  it('Marchés de mon secteur par code NAF: choice by keyboard, naf= in the shareable URL, the CPV codes it maps to above the results', async () => {
    type NafSector = { secteur: { naf: string; cpv: unknown[]; message: string | null } };
    const page = await open('/secteur?territoire=bretagne&cpv=45');
    const byCpv = page.getByRole('radio', { name: 'par code CPV' });
    const byNaf = page.getByRole('radio', { name: 'par code NAF de mon entreprise' });
    expect(await byCpv.isChecked()).toBe(true);
    expect(await page.locator('input[name="naf"]').isVisible()).toBe(false);

    // keyboard only: the arrow key moves the choice to NAF, Enter in the field applies it
    await byCpv.focus();
    await page.keyboard.press('ArrowDown');
    expect(await byNaf.isChecked()).toBe(true);
    expect(await page.locator('select[name="cpv"]').isVisible()).toBe(false);
    const nafField = page.getByLabel('Code NAF de mon entreprise', { exact: true });
    await nafField.focus();
    await page.keyboard.type('43.21A');
    await page.keyboard.press('Enter');
    await page.waitForURL(/naf=43\.21A/);
    await settled(page);
    const url = new URL(page.url());
    expect(url.searchParams.get('territoire')).toBe('bretagne');
    expect(url.searchParams.has('cpv')).toBe(false);
    expect(url.searchParams.has('par')).toBe(false);
    expect(await text(page, 'h2.selection')).toContain('Bretagne × NAF 43.21A');

    // the seed carries no SIRENE stock, hence no NAF code on any supplier: the page says so in the API's words
    const empty = await api<NafSector>('/api/secteur?territoire=bretagne&naf=43.21A');
    expect(empty.secteur.cpv).toEqual([]);
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Correspondance NAF → CPV' }) });
    expect(norm(await section.innerText())).toContain(norm(empty.secteur.message!));
    expect(await page.locator('.figures').count()).toBe(0);

    // the address is enough to come back to the same choice
    await page.reload();
    await settled(page);
    expect(await byNaf.isChecked()).toBe(true);
    expect(await page.locator('input[name="naf"]').inputValue()).toBe('43.21A');

    // the mapping block over real figures: the seed's CPV 4521 overview, answered with a mapping of the API's shape
    // (the seed cannot produce one; the mapping itself is tested through HTTP in services/analytics)
    const real = await api<{ totals: { contracts: number; amount: number } }>('/api/secteur?territoire=bretagne&cpv=4521&limit=10');
    const secteur = {
      naf: '43.21A',
      codesNaf: ['43.21A'],
      marches: 40,
      montant: 1_000_000,
      cpv: [{ code: '452', contrats: 34, montant: 900_000, part: 0.85, partMontant: 0.9 }],
      couverture: 0.85,
      couvertureMontant: 0.9,
      regle: { niveau: 'groupe', couverture: 0.8, supportMin: 3, partMin: 0.02, description: 'Règle de correspondance.' },
      message: null,
    };
    await page.route(
      (u) => u.pathname === '/api/secteur' && u.searchParams.has('naf'),
      (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ ...real, secteur }) }),
    );
    await page.goto(`${base}/secteur?territoire=bretagne&naf=43.21A`);
    await settled(page);
    expect(norm(await section.innerText())).toContain('ont remporté 40 marchés');
    expect(norm(await section.innerText())).toContain(norm(pct.format(0.85)));
    expect(await section.locator('table').innerText()).toContain('CPV 452');
    expect(await section.getByRole('link', { name: /CPV 452/ }).getAttribute('href')).toBe('/secteur?territoire=bretagne&cpv=452');
    await section.locator('summary').click();
    expect(await section.innerText()).toContain('Règle de correspondance.');
    // the results come after the mapping
    expect(norm(await text(page, '.figures'))).toContain(norm(int.format(real.totals.contracts)));
    expect(await page.getByRole('link', { name: 'Voir tous les marchés dans la recherche →' }).getAttribute('href')).toBe('/recherche?cpv=452');
    await shot(page, 'secteur-naf');
  });

  it('Charte: indicators vs targets, unknown share apart, series chart, filter in URL, CSV export', async () => {
    type Ind = { contracts: number; indicators: { key: string; label: string; byCount: { value: number | null } }[] };
    const r = await api<Ind>('/api/indicators?territoire=bretagne');
    const page = await open('/charte?territoire=bretagne');
    const card = page.locator('.indicator[data-key="local-share-bretagne"]');
    expect(await card.innerText()).toContain(r.indicators.find((i) => i.key === 'local-share-bretagne')!.label);
    expect(norm(await card.innerText())).toContain(norm(pct.format(r.indicators.find((i) => i.key === 'local-share-bretagne')!.byCount.value!)));
    expect(await card.innerText()).toContain('Inconnu');
    expect(await page.locator('.indicator[data-key="advances-charter"]').innerText()).toContain('objectif');
    expect(await page.locator('main').innerText()).toContain(`${r.contracts} marchés dans le périmètre`);
    expect(await page.locator('figure.chart table').innerText()).toContain('2024');
    await shot(page, 'charte');

    await page.locator('select[name="annee"]').first().selectOption('2024');
    await page.waitForURL(/annee=2024/);
    await settled(page);
    expect(new URL(page.url()).searchParams.get('territoire')).toBe('bretagne');

    const link = page.getByRole('link', { name: 'Télécharger (CSV)' });
    expect(await link.getAttribute('href')).toBe('/api/indicators/export.csv?table=indicators&territoire=bretagne&annee=2024');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = join(dir, 'export.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    expect(csv.split('\n').length).toBeGreaterThan(5);
    expect(csv).toContain(';');
  });

  it('Prix pratiqués: distribution figures, framework-agreement maxima apart, filter change', async () => {
    type Prix = { amounts: { count: number; median: number }; frameworkAgreementMaxima: { count: number } };
    const r = await api<Prix>('/api/prix?cpv=45&territoire=bretagne');
    const page = await open('/prix?cpv=45&territoire=bretagne');
    const figures = norm(await text(page, '.figures'));
    expect(figures).toContain(norm(eur.format(r.amounts.median)));
    expect(figures).toContain(`sur ${r.amounts.count} marchés`);
    expect(await page.locator('main table').innerText()).toContain('Maxima d’accords-cadres');
    // the seed has no concession: the tariffs section says so (tariff rows are tested on the API)
    expect(await page.locator('main').innerText()).toContain('Tarifs publiés par les concessions');
    expect(await page.locator('main').innerText()).toContain('Aucune concession de ce périmètre n’a publié de tarif');
    await shot(page, 'prix');

    await page.locator('select[name="territoire"]').selectOption('departement:35');
    await page.waitForURL(/territoire=departement%3A35/);
    await settled(page);
    expect(new URL(page.url()).searchParams.get('cpv')).toBe('45');
    const ille = await api<Prix>('/api/prix?cpv=45&territoire=departement:35');
    expect(norm(await text(page, '.figures'))).toContain(`sur ${ille.amounts.count} marchés`);
  });

  it('Préparer un achat: local supplier base by size, shares, procedures, bids; filters in the URL', async () => {
    type Prepare = {
      similar: { everywhere: number; inTerritory: number };
      supplierBase: { suppliers: number; groups: { categorie: string; suppliers: number; items: { nom: string | null; id: string; lien: string }[] }[] };
      indicators: { key: string; byCount: { value: number | null } }[];
      procedures: { items: { procedure: string }[] };
      bids: { median: number | null };
    };
    const prix = await api<{ amounts: { median: number } }>('/api/prix?cpv=45&territoire=departement:56');
    const montant = Math.round(prix.amounts.median);
    const r = await api<Prepare>(`/api/preparer-achat?cpv=45&territoire=departement:56&montant=${montant}`);
    expect(r.supplierBase.suppliers).toBeGreaterThan(0);

    // no amount in the address: the sector's median amount is used, and said
    const page = await open('/preparer-achat?territoire=departement:56&cpv=45');
    expect(await page.locator('nav a[aria-current="page"]').innerText()).toBe('Préparer un achat');
    expect(await page.locator('input[name="montant"]').inputValue()).toBe(String(montant));
    expect(norm(await page.locator('main').innerText())).toContain('Montant non renseigné');
    const figures = norm(await text(page, '.figures'));
    expect(figures).toContain(`Entreprises du territoire\n${int.format(r.supplierBase.suppliers)}`);
    expect(figures).toContain(norm(int.format(r.similar.inTerritory)));
    expect(figures).toContain(norm(pct.format(r.indicators.find((i) => i.key === 'local-share-departement')!.byCount.value!)));
    expect(figures).toContain(norm(pct.format(r.indicators.find((i) => i.key === 'sme-share')!.byCount.value!)));
    expect(await page.locator('figure.chart canvas').count()).toBe(1);
    expect(await page.locator('figure.chart canvas').getAttribute('role')).toBe('img');
    expect(await page.locator('figure.chart table').innerText()).toContain('PME');
    const first = r.supplierBase.groups.find((g) => g.suppliers > 0)!.items[0];
    const link = page.locator(`main a[href="${first.lien}"]`).first();
    expect(squash(await link.innerText())).toBe(squash(first.nom ?? first.id));
    expect(await page.locator('main').innerText()).toContain(r.procedures.items[0].procedure);
    await shot(page, 'preparer-achat');

    // another amount: the address and the figures follow
    await page.locator('input[name="montant"]').fill('40000');
    await page.locator('input[name="montant"]').press('Enter');
    await page.waitForURL(/montant=40000/);
    await settled(page);
    const url = new URL(page.url());
    expect(url.searchParams.get('cpv')).toBe('45');
    expect(url.searchParams.get('territoire')).toBe('departement:56');
    const small = await api<Prepare>('/api/preparer-achat?cpv=45&territoire=departement:56&montant=40000');
    const smallFigures = norm(await text(page, '.figures'));
    expect(smallFigures).toContain(`Entreprises du territoire\n${int.format(small.supplierBase.suppliers)}`);
    expect(norm(await text(page, 'h2.selection'))).toContain(norm(eur.format(40_000)));

    // another territory (select applies on change)
    await page.locator('select[name="territoire"]').selectOption('departement:29');
    await page.waitForURL(/territoire=departement%3A29/);
    await settled(page);
    expect(new URL(page.url()).searchParams.get('montant')).toBe('40000');
    const fin = await api<Prepare>('/api/preparer-achat?cpv=45&territoire=departement:29&montant=40000');
    expect(norm(await text(page, '.figures'))).toContain(`Entreprises du territoire\n${int.format(fin.supplierBase.suppliers)}`);
    expect(await text(page, 'h2.selection')).toContain('Finistère');
  });

  it('Qualité des données: key figures, publication grades, flags, source freshness, feeds, ingest runs, quarantine; filters in the URL', async () => {
    type Grade = { buyer: string; year: number; grade: string; contracts: number };
    type Ind = {
      contracts: number;
      indicators: {
        key: string;
        byCount: { value: number | null; numerator: number };
        details?: {
          unusableAmounts?: number;
          invalidIdentifiers?: number;
          duplicatesAcrossSources?: number;
          probableDuplicates?: number;
          flags?: Record<string, number>;
          grades?: Grade[];
          distribution?: Record<string, number>;
        };
      }[];
    };
    type Sources = { staleAfterDays: number; items: { source: string; records: number; quarantined: number; stale: boolean; ageDays: number }[] };
    const GRADES = ['A', 'B', 'C', 'D', 'E'];
    const n = (v: number) => norm(int.format(v));
    const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });
    /** The page's figures against the API's, for one scope. */
    const checkContractFigures = async (page: Page, r: Ind) => {
      const dq = r.indicators.find((i) => i.key === 'data-quality')!;
      const figures = norm(await region(page, 'Chiffres clés').innerText());
      expect(figures).toContain(`Marchés dans le périmètre\n${n(r.contracts)}`);
      expect(figures).toContain(`Marchés avec une anomalie\n${norm(pct.format(dq.byCount.value!))}`);
      expect(figures).toContain(`Doublons entre sources\n${n(dq.details!.duplicatesAcrossSources!)}`);
      expect(figures).toContain(`Doublons probables\n${n(dq.details!.probableDuplicates!)}`);
      expect(figures).toContain(`Montants inutilisables\n${n(dq.details!.unusableAmounts!)}`);
      expect(figures).toContain(`Identifiants invalides\n${n(dq.details!.invalidIdentifiers!)}`);

      const grade = r.indicators.find((i) => i.key === 'publication-grade')!;
      const grades = grade.details!.grades!;
      const notes = region(page, 'Notes de publication');
      // the distribution: chart (role=img, summary) and its data table
      expect(await notes.locator('figure.chart canvas').getAttribute('role')).toBe('img');
      const distribution = notes.locator('figure.chart table tbody tr');
      expect(await distribution.allInnerTexts()).toEqual(GRADES.map((g) => `${g}\t${n(grade.details!.distribution![g])}`));
      // the buyer-years, worst first, capped
      const rows = notes.locator('#notes-acheteurs tbody tr');
      expect(await rows.count()).toBe(Math.min(20, grades.length));
      const worst = GRADES[Math.max(...grades.map((g) => GRADES.indexOf(g.grade)))];
      expect(await rows.first().locator('td').nth(1).innerText()).toBe(worst);
      expect(norm(await notes.innerText())).toContain(`dont ${norm(pct.format(grade.byCount.value!))} notés A`);

      const flags = Object.entries(dq.details!.flags!);
      const flagRows = region(page, 'Signalements').locator('tbody tr');
      expect(await flagRows.count()).toBe(flags.length);
      for (const [code, count] of flags) {
        const row = flagRows.filter({ has: page.locator('code', { hasText: new RegExp(`^${code}$`) }) });
        expect(norm(await row.innerText())).toContain(`\t${n(count)}\t`);
        expect(await row.locator('th').innerText()).not.toBe(code); // a French label, not the code
      }
      return grades;
    };

    const all = await api<Ind>('/api/indicators');
    const sources = await api<Sources>('/api/qualite/sources');
    const feeds = await api<{ items: unknown[] }>('/api/qualite/flux');
    const runs = await api<{ items: { summary: { records: number } }[] }>('/api/ingest/runs');
    const page = await open('/qualite');
    expect(await page.locator('main h2').allInnerTexts()).toEqual([
      'Chiffres clés',
      'Notes de publication',
      'Signalements',
      'Doublons probables',
      'Fraîcheur par source',
      'Flux des acheteurs',
      'Derniers chargements',
      'Enregistrements en quarantaine',
    ]);
    const grades = await checkContractFigures(page, all);

    // every buyer-year behind "Voir toutes les notes"
    const notes = region(page, 'Notes de publication');
    if (grades.length > 20) {
      const more = notes.locator('button[aria-controls="notes-acheteurs"]');
      expect(await more.innerText()).toBe(`Voir toutes les notes (${n(grades.length)})`);
      expect(await more.getAttribute('aria-expanded')).toBe('false');
      await more.click();
      expect(await notes.locator('#notes-acheteurs tbody tr').count()).toBe(grades.length);
      expect(await more.getAttribute('aria-expanded')).toBe('true');
      await more.click();
      expect(await notes.locator('#notes-acheteurs tbody tr').count()).toBe(20);
    }

    // probable duplicates: the same award published under two ids (the seed has Quimperlé's), what they count twice
    type Duplicates = { groups: number; contracts: number; excessAmount: number; items: { acheteurNom: string; copies: { uid: string; id: string }[] }[] };
    const duplicates = await api<Duplicates>('/api/qualite/doublons');
    expect(duplicates.groups).toBeGreaterThan(0);
    // the data-quality indicator counts the same copies
    expect(all.indicators.find((i) => i.key === 'data-quality')!.details!.probableDuplicates).toBe(duplicates.contracts);
    const dupRegion = region(page, 'Doublons probables');
    expect(norm(await dupRegion.locator('p.selection').innerText())).toBe(
      norm(`${n(duplicates.groups)} groupe${duplicates.groups > 1 ? 's' : ''} de doublons probables (${n(duplicates.contracts)} marchés) : ${eur.format(duplicates.excessAmount)} comptés en trop dans les montants attribués.`),
    );
    expect(await dupRegion.locator('tbody tr').count()).toBe(Math.min(duplicates.groups, 50));
    const firstGroup = dupRegion.locator('tbody tr').first();
    expect(await firstGroup.locator('th').innerText()).toBe(duplicates.items[0].acheteurNom);
    expect(await firstGroup.locator('a[href^="/contrats/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(
      duplicates.items[0].copies.map((c) => `/contrats/${encodeURIComponent(c.uid)}`),
    );

    // one source, the seed's run: its counts, fresh
    expect(sources.items.map((s) => s.source)).toEqual(['test']);
    const freshness = region(page, 'Fraîcheur par source');
    const row = norm(await freshness.locator('tbody tr').first().innerText());
    expect(row.startsWith('test\tÀ jour\t')).toBe(true);
    expect(row).toContain(`\t${n(sources.items[0].records)}\t`);
    expect(norm(await freshness.innerText())).toContain(`plus de ${sources.staleAfterDays} jours`);

    // the buyers' feeds: none registered before the admin test registers one, which the page says
    if (feeds.items.length === 0) expect(await region(page, 'Flux des acheteurs').innerText()).toContain('Aucun flux d’acheteur n’est enregistré');
    else expect(await region(page, 'Flux des acheteurs').locator('tbody tr').count()).toBe(feeds.items.length);

    expect(norm(await region(page, 'Derniers chargements').innerText())).toContain(n(runs.items[0].summary.records));
    expect(await region(page, 'Enregistrements en quarantaine').innerText()).toMatch(/Aucun enregistrement en quarantaine|enregistrement\(s\) écarté\(s\)/);
    await shot(page, 'qualite');

    // a buyer of the grades opens its page (SIREN)
    const buyerLink = notes.locator('#notes-acheteurs a[href^="/acheteurs/"]').first();
    const siren = (await buyerLink.getAttribute('href'))!.replace('/acheteurs/', '');
    expect(siren).toMatch(/^\d{9}$/);
    // named, the SIREN beside it (never a bare code when the catalog knows the name)
    const named = (await api<{ identity: { nom: string | null } }>(`/api/acheteurs/${siren}`)).identity.nom;
    expect(squash(await buyerLink.innerText())).toBe(named ? squash(`${named} (${siren})`) : siren);
    await buyerLink.click();
    await page.waitForURL(`${base}/acheteurs/${siren}`);
    await settled(page);
    expect(await page.locator('main .notice-error').count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain(siren);
    await page.goBack();
    await settled(page);

    // a territory, then a year: the address and the figures follow
    await page.locator('select[name="territoire"]').selectOption('departement:29');
    await page.waitForURL(/\/qualite\?territoire=departement%3A29$/);
    await settled(page);
    const finistere = await api<Ind>('/api/indicators?territoire=departement:29');
    expect(finistere.contracts).not.toBe(all.contracts);
    await checkContractFigures(page, finistere);
    expect(await page.locator('p.selection').first().innerText()).toContain('Finistère');
    const finistereDuplicates = await api<Duplicates>('/api/qualite/doublons?territoire=departement:29');
    expect(await region(page, 'Doublons probables').locator('tbody tr').count()).toBe(Math.min(finistereDuplicates.groups, 50));

    await page.locator('select[name="annee"]').selectOption('2024');
    await page.waitForURL(/\/qualite\?territoire=departement%3A29&annee=2024$/);
    await settled(page);
    await checkContractFigures(page, await api<Ind>('/api/indicators?territoire=departement:29&annee=2024'));
    // the sources are not scoped by the territory
    expect(norm(await region(page, 'Fraîcheur par source').locator('tbody tr').first().innerText())).toContain(`\t${n(sources.items[0].records)}\t`);

    // shared address: opened as is, same figures
    const shared = await open('/qualite?territoire=departement:29&annee=2024');
    expect(await shared.locator('select[name="annee"]').inputValue()).toBe('2024');
    await checkContractFigures(shared, await api<Ind>('/api/indicators?territoire=departement:29&annee=2024'));

    // registered feeds in every state (the public answer's shape, services/ingest/docs/feeds.md): state, last pull, freshness
    const feed = (id: string, nom: string, extra: Record<string, unknown>) => ({
      id,
      buyer: { siret: '24290069400173', nom },
      kind: 'url',
      enabled: true,
      intervalMinutes: 1440,
      lastPullAt: '2025-03-01T10:00:00.000Z',
      lastResult: 'changed',
      lastSuccessAt: '2025-03-01T10:00:00.000Z',
      lastChangedAt: '2025-03-01T10:00:00.000Z',
      freshnessHours: 5.5,
      consecutiveFailures: 0,
      alert: 'ok',
      ...extra,
    });
    const items = [
      feed('f1', 'Quimperlé Communauté', {}),
      feed('f2', 'Commune en retard', { kind: 'upload', lastResult: 'unchanged', freshnessHours: 24 * 12 + 3, alert: 'stale' }),
      feed('f3', 'Commune en échec', { lastResult: 'failed', consecutiveFailures: 4, freshnessHours: null, alert: 'failing' }),
    ];
    const withFeeds = await context.newPage();
    watchConsole(withFeeds, '/qualite (feeds)', consoleErrors);
    await withFeeds.route('**/api/qualite/flux', (r) => r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items }) }));
    // and a quarantine of 3 pages: the paging keeps the page's filters
    const offsets: string[] = [];
    const record = { file: 'a.json', position: 7, source: 'test', format: 'decp-2022-json', recordId: 'X1', acheteurId: null, reasons: [{ code: 'MISSING_BUYER', field: 'acheteur', message: 'no buyer' }], raw: { id: 'X1' } };
    await withFeeds.route('**/api/qualite/quarantaine**', (r) => {
      offsets.push(new URL(r.request().url()).searchParams.get('offset') ?? '');
      return r.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ total: 45, items: [record] }) });
    });
    await withFeeds.goto(`${base}/qualite?territoire=departement:29&page=2`);
    await settled(withFeeds);
    const quarantined = region(withFeeds, 'Enregistrements en quarantaine');
    expect(offsets).toEqual(['20']);
    expect(await quarantined.innerText()).toContain('Page 2 sur 3');
    expect(await quarantined.innerText()).toContain('Acheteur absent (acheteur)');
    expect(await quarantined.getByRole('link', { name: '← Page précédente' }).getAttribute('href')).toBe('/qualite?territoire=departement%3A29');
    await quarantined.getByRole('link', { name: 'Page suivante →' }).click();
    await withFeeds.waitForURL(`${base}/qualite?territoire=departement%3A29&page=3`);
    await settled(withFeeds);
    expect(offsets).toEqual(['20', '40']);
    expect(await withFeeds.locator('select[name="territoire"]').inputValue()).toBe('departement:29');
    const flux = region(withFeeds, 'Flux des acheteurs');
    expect(norm(await flux.locator('p').first().innerText())).toBe('3 flux de données essentielles publiés par les acheteurs, dont 1 en retard et 1 en échec.');
    const feedRows = (await flux.locator('tbody tr').allInnerTexts()).map(norm);
    expect(feedRows[0]).toMatch(/^Quimperlé Communauté \(SIRET 24290069400173\)\tURL HTTP\tÀ jour\t.+ — nouveau contenu\til y a 5,5 h\t0$/);
    expect(feedRows[1]).toMatch(/^Commune en retard .*\tDépôt de fichier\tEn retard\t.+ — rien de nouveau\til y a 12 jours\t0$/);
    expect(feedRows[2]).toMatch(/^Commune en échec .*\tURL HTTP\tEn échec\t.+ — échec\taucun contenu nouveau reçu\t4$/);
  });

  it('Administration: key checked (401 → "Clé invalide"), feed registered, pulled and backfilled, consumers', async () => {
    // the Mégalis DECP file served over HTTP on 127.0.0.1, as a buyer's feed would be
    const feedServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(readFileSync(SEED_JSON));
    });
    await new Promise<void>((ok) => feedServer.listen(0, '127.0.0.1', ok));
    const feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/decp-megalis.json`;
    try {
      const page = await open('/');
      // linked from the footer only, not from the main navigation
      expect(await page.locator('header.site nav a[href="/admin"]').count()).toBe(0);
      await page.locator('footer.site a[href="/admin"]').click();
      await page.waitForURL(`${base}/admin`);
      await settled(page);
      expect(await text(page, 'h1')).toBe('Administration');

      // a wrong key is refused (the browser logs the 401 response: expected here)
      await page.getByLabel('Clé d’API d’administration').fill('mauvaise-cle');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByText('Clé invalide').first().waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
      consoleErrors = consoleErrors.filter((e) => !/status of 401/.test(e));

      // the right key opens the page; it is kept in sessionStorage, never in the address
      await page.getByLabel('Clé d’API d’administration').fill(ADMIN_KEY);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
      await settled(page);
      expect(page.url()).not.toContain(ADMIN_KEY);
      expect(await page.locator('nav.tabs a[aria-current="page"]').innerText()).toBe('Flux');

      // register a feed pointing at the local server, then pull it now
      await page.getByLabel('SIRET de l’acheteur').fill('59920013600241');
      await page.getByLabel('Nom de l’acheteur').fill('Mégalis Bretagne');
      await page.getByLabel('URL du fichier DECP').fill(feedUrl);
      await page.getByLabel('Intervalle (minutes)').fill('60');
      await page.getByRole('button', { name: 'Enregistrer le flux' }).click();
      await page.getByText('Flux créé.').waitFor();
      await settled(page);
      const row = page.locator('tbody tr', { hasText: feedUrl });
      expect(await row.count()).toBe(1);
      expect(norm(await row.innerText())).toContain('jamais collecté');
      await row.getByRole('button', { name: 'Relancer le flux de Mégalis Bretagne' }).click();
      await page.getByText('Collecte de Mégalis Bretagne :').waitFor({ timeout: 30_000 });
      await settled(page);
      // feed states and pull results in French (never « changed », « stale »…)
      expect(await page.locator('.notice', { hasText: 'Collecte de Mégalis Bretagne' }).innerText()).toContain('Nouveau contenu');
      expect(await row.locator('.feed-result').innerText()).toContain('Nouveau contenu');
      expect(await row.innerText()).toContain('À jour');
      expect(await row.innerText()).not.toMatch(/changed|stale|failing/);

      // "Rattraper l’historique", with the keyboard: an in-page confirmation, cancel gives the focus back…
      const activeText = () => page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.textContent ?? null);
      const backfill = row.getByRole('button', { name: 'Rattraper l’historique du flux de Mégalis Bretagne' });
      await backfill.focus();
      await page.keyboard.press('Enter');
      await page.getByText('Rattraper l’historique du flux de Mégalis Bretagne ?').waitFor();
      expect(await activeText()).toBe('Confirmer le rattrapage');
      await page.keyboard.press('Tab');
      expect(await activeText()).toBe('Annuler');
      await page.keyboard.press('Enter');
      expect(await page.getByText('Rattraper l’historique du flux de Mégalis Bretagne ?').count()).toBe(0);
      expect(await activeText()).toBe('Rattraper l’historique');
      // …confirm downloads the whole file again (no ETag, no hash) and shows the result, which takes the focus
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Confirmer le rattrapage' }).waitFor();
      await page.keyboard.press('Enter');
      const backfilled = page.locator('.notice', { hasText: 'Rattrapage de l’historique de Mégalis Bretagne :' });
      await backfilled.waitFor({ timeout: 30_000 });
      await settled(page);
      const backfillText = norm(await backfilled.innerText());
      expect(backfillText).toContain('Nouveau contenu');
      expect(backfillText).toContain('(HTTP 200)');
      expect(backfillText).toMatch(/5 enregistrement\(s\)/);
      expect(backfillText).toContain('0 marché(s) publié(s)'); // the ledger had them all already
      expect(await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.className)).toContain('notice');
      // the alert filter lives in the address
      await page.getByLabel('État d’alerte').selectOption('failing');
      await page.waitForURL(/alerte=failing/);
      await settled(page);
      expect(await page.locator('tbody tr', { hasText: feedUrl }).count()).toBe(0);

      // consumers: groups, topics and lag as the admin API reports them
      const consumers = (await (await fetch(`${base}/api/admin/consumers`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as { groups: { group: string; topics: { topic: string }[] }[] };
      expect(consumers.groups.length).toBeGreaterThan(0);
      await page.locator('nav.tabs').getByRole('link', { name: 'Consommateurs' }).click();
      await page.waitForURL(/onglet=consommateurs/);
      await settled(page);
      const consumersTable = norm(await page.locator('main table').innerText());
      expect(consumersTable).toContain('Retard');
      for (const g of consumers.groups) {
        expect(consumersTable).toContain(g.group);
        for (const t of g.topics) expect(consumersTable).toContain(t.topic);
      }
      await shot(page, 'admin');

      // "Se déconnecter" forgets the key
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByLabel('Clé d’API d’administration').waitFor();
      expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length)).toBe(0);
    } finally {
      await new Promise((ok) => feedServer.close(ok));
    }
  });

  it('Acheteur: a buyer registered in the observatory that published nothing is graded E, not "unknown"', async () => {
    const lorient = '21560121200016'; // Commune de Lorient: no contract in the sample
    const reg = await fetch(`${base}/api/admin/feeds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ siret: lorient, nom: 'Commune de Lorient', kind: 'upload', url: null, intervalMinutes: 1440 }),
    });
    expect(reg.status).toBe(201);
    await obs.drain();
    const r = await api<{ indicators: { key: string; details?: { grades: { year: number; grade: string }[] } }[] }>(`/api/indicators?acheteur=${lorient}`);
    const grades = r.indicators.find((i) => i.key === 'publication-grade')!.details!.grades;
    expect(grades.length).toBeGreaterThan(0);
    expect(grades.every((g) => g.grade === 'E')).toBe(true);

    expected404 = true; // the catalog does not know a buyer that never published
    const page = await open(`/acheteurs/${lorient}`);
    const main = await page.locator('main').innerText();
    expect(main).toContain('inscrit à l’observatoire');
    expect(main).toContain(`Note E pour ${Math.max(...grades.map((g) => g.year))}`);
  });

  it('Widget acheteur: compact card without header/footer', async () => {
    const buyer = await api<{ totals: { contracts: number } }>(`/api/acheteurs/${QUIMPERLE}`);
    const page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.setViewportSize({ width: 460, height: 420 });
    await page.goto(`${base}/widget/acheteur/${QUIMPERLE}`);
    await settled(page);
    expect(await page.locator('header.site').isVisible()).toBe(false);
    expect(await page.locator('footer.site').isVisible()).toBe(false);
    expect(await text(page, '.widget-card h1')).toContain('CA Quimperlé Communauté');
    expect(await text(page, '.widget-card .figures')).toContain(String(buyer.totals.contracts));
    expect(norm(await text(page, '.widget-card .figures'))).toMatch(/\d+(,\d)? %/);
    await page.screenshot({ path: join(SHOTS, 'widget.png') });
  });

  it('Keyboard: skip link, search box, results reachable with Tab, focus visible', async () => {
    const page = await open('/');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.textContent)).toBe('Aller au contenu');
    let reached = false;
    for (let i = 0; i < 30 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.id === 'home-q');
    }
    expect(reached, 'the search box is reachable with Tab').toBe(true);
    const outline = await page.evaluate(() => (globalThis as unknown as Dom).getComputedStyle((globalThis as unknown as Dom).document.activeElement).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.type('quimperle');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/recherche\?q=quimperle/);
    await settled(page);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.tagName)).toBe('H1');
    let onResult = false;
    for (let i = 0; i < 40 && !onResult; i++) {
      await page.keyboard.press('Tab');
      const here = await page.evaluate(() => {
        const a = (globalThis as unknown as Dom).document.activeElement;
        return { cls: String(a?.className ?? ''), inResult: Boolean(a?.closest('li.result')) };
      });
      if (here.cls.includes('skip-facets')) {
        await page.keyboard.press('Enter');
        onResult = await page.evaluate(() => Boolean((globalThis as unknown as Dom).document.activeElement?.closest('li.result')));
        break;
      }
      onResult = here.inResult;
    }
    expect(onResult, 'a result link is reachable from the keyboard').toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/contrats\//);
    await settled(page);
    expect(await page.evaluate(() => (globalThis as unknown as Dom).document.activeElement?.tagName)).toBe('H1');
  });

  it('Errors: unknown contract, unavailable API, server error — French messages, page still usable', async () => {
    expected404 = true;
    let page = await open('/contrats/inconnu-0000');
    expect(await page.locator('main').innerText()).toContain('Introuvable');
    expect(await page.locator('nav[aria-label="Navigation principale"] a').count()).toBe(7);

    await page.route('**/api/prix**', (r) => r.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ code: 'NOT_FOUND', message: 'Cannot GET /api/prix', correlationId: 'c-1' }) }));
    await page.goto(`${base}/prix?cpv=45`);
    await settled(page);
    expect(await page.locator('main').innerText()).toContain('Service indisponible');
    expect(await page.locator('form.filters').count()).toBe(1);
    await shot(page, 'indisponible');

    page = await context.newPage();
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.route('**/api/secteur**', (r) => r.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ code: 'INTERNAL_ERROR', message: 'Erreur interne', correlationId: 'abc-123' }) }));
    await page.goto(`${base}/secteur?territoire=bretagne`);
    await settled(page);
    const main = await page.locator('main').innerText();
    expect(main).toContain('Impossible de charger les marchés du secteur');
    expect(main).toContain('abc-123');

    await page.route('**/api/secteur**', (r) => r.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'INVALID_PARAMETER', message: 'cpv : un préfixe de code CPV de 2 à 8 chiffres', correlationId: 'x' }) }));
    await page.goto(`${base}/secteur?cpv=4`);
    await settled(page);
    expect(await page.locator('main').innerText()).toContain('Filtre invalide');

    // the real API's 400 on the "Préparer un achat" page
    await page.goto(`${base}/preparer-achat?cpv=4&montant=1000&territoire=bretagne`);
    await settled(page);
    expect(await page.locator('main').innerText()).toContain('Filtre invalide');
    expect(await page.locator('main').innerText()).toContain('cpv : un préfixe de code CPV');
  });
});
