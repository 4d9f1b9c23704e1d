/**
 * The first start as a new user sees it: the embedded observatory with the shipped seed ingested through the same
 * path as `npm start` (seedIfEmpty), the home page's examples each answering with real contracts, and the path
 * home → sector → buyer followed in Debian's Chromium (playwright-core).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IngestFilesHandler } from '@observatoire/ingest';
import { loadConfig } from '@observatoire/platform';
import type { BrowserContext, Page } from 'playwright-core';
import { createLogger } from '../compose/logger';
import { createObservatoire, type Observatoire } from '../compose/observatoire';
import { SERVICE_NAMES, migrateAll } from '../compose/services';
import { seedIfEmpty } from '../seed/seed';
import { CHROMIUM, launchChromium, settled, watchConsole } from './browser-support';

const HOME_JS = resolve(__dirname, 'public/assets/pages/home.js');
const LORIENT_AGGLO = '200042174';

/** The examples of the home page, read from its source: [href, label]. */
function homeExamples(): [string, string][] {
  const src = readFileSync(HOME_JS, 'utf8');
  const block = /const EXAMPLES = \[([\s\S]*?)\n\];/.exec(src)?.[1] ?? '';
  return [...block.matchAll(/\['([^']+)', '([^']+)'\]/g)].map((m) => [m[1], m[2]]);
}

/** What the API answers for the question an example link asks, as a count of contracts. */
async function contractsAnswering(base: string, href: string): Promise<number> {
  const url = new URL(href, base);
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    if (!res.ok) throw new Error(`${path} answered ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  };
  if (url.pathname === '/secteur') return ((await get(`/api/secteur${url.search}`)).totals as { contracts: number }).contracts;
  if (url.pathname === '/recherche') return (await get(`/api/search${url.search}`)).total as number;
  const buyer = /^\/acheteurs\/([^/]+)$/.exec(url.pathname);
  if (buyer) return ((await get(`/api/acheteurs/${buyer[1]}`)).totals as { contracts: number }).contracts;
  throw new Error(`no API question known for the example ${href}`);
}

describe('first start on the shipped Breton seed', () => {
  let dir: string;
  let obs: Observatoire;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'obs-seed-e2e-'));
    const config = loadConfig({ OBSERVATOIRE_DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn' });
    await migrateAll(config, SERVICE_NAMES);
    obs = await createObservatoire(config, [...SERVICE_NAMES], createLogger('warn', 'test'));
    await obs.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(obs.app.getHttpServer().address() as AddressInfo).port}`;
    const handler = obs.app.get(IngestFilesHandler);
    expect(await seedIfEmpty(handler, { info: () => undefined })).toBe(true);
    await obs.drain();
  }, 240_000);

  afterAll(async () => {
    await obs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the seed once: a second first start finds the ledger filled and ingests nothing', async () => {
    expect(await seedIfEmpty(obs.app.get(IngestFilesHandler), { info: () => undefined })).toBe(false);
  });

  it('has the real contracts of Mégalis 2022, with their objet: « Lorient » and « voirie » find contracts', async () => {
    const lorient = (await (await fetch(`${base}/api/search?q=Lorient`)).json()) as { total: number };
    expect(lorient.total).toBeGreaterThan(20);
    const sector = (await (await fetch(`${base}/api/secteur?territoire=epci:${LORIENT_AGGLO}&cpv=45&annee=2022`)).json()) as {
      totals: { contracts: number };
      latestContracts: { objet: string | null }[];
    };
    expect(sector.totals.contracts).toBeGreaterThan(0);
    expect(sector.latestContracts.every((c) => typeof c.objet === 'string' && c.objet.length > 0)).toBe(true);
  });

  it('answers every example of the home page with contracts (none is empty)', async () => {
    const examples = homeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(4);
    expect(examples.map(([, label]) => label)).toContain('Lorient Agglomération × travaux en 2022');
    for (const [href, label] of examples) {
      expect(await contractsAnswering(base, href), `${label} (${href})`).toBeGreaterThan(0);
    }
  });

  describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
    let context: BrowserContext;
    const consoleErrors: string[] = [];
    const norm = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ');

    async function open(path: string): Promise<Page> {
      const page = await context.newPage();
      watchConsole(page, path, consoleErrors);
      await page.goto(`${base}${path}`);
      await settled(page);
      return page;
    }

    beforeAll(async () => {
      context = await launchChromium('obs-seed-chromium-');
    }, 60_000);
    afterAll(async () => {
      await context?.close();
    });
    afterEach(() => {
      expect(consoleErrors, 'console errors').toEqual([]);
    });

    it('home → « Lorient Agglomération × travaux en 2022 » → the buyer CA Lorient Agglomération, with figures at each step', async () => {
      const page = await open('/');
      await page.getByRole('link', { name: /Lorient Agglomération × travaux en 2022/ }).click();
      await page.waitForURL(/\/secteur\?territoire=epci:200042174&cpv=45&annee=2022$/);
      await settled(page);
      const main = norm(await page.locator('main').innerText());
      expect(main).not.toContain('Aucun marché ne correspond');
      const sector = (await (await fetch(`${base}/api/secteur?territoire=epci:${LORIENT_AGGLO}&cpv=45&annee=2022`)).json()) as {
        totals: { contracts: number };
        topBuyers: { acheteur: string; nom: string }[];
      };
      expect(norm(await page.locator('.figures').first().innerText())).toContain(`Marchés notifiés ${sector.totals.contracts}`);
      const top = sector.topBuyers.find((b) => b.acheteur === LORIENT_AGGLO);
      expect(top?.nom).toMatch(/Lorient Agglomération/);

      await page.locator(`a[href="/acheteurs/${LORIENT_AGGLO}"]`).first().click();
      await page.waitForURL(`${base}/acheteurs/${LORIENT_AGGLO}`);
      await settled(page);
      expect(norm(await page.locator('h1').innerText())).toMatch(/Lorient Agglomération/);
      const buyer = (await (await fetch(`${base}/api/acheteurs/${LORIENT_AGGLO}`)).json()) as { totals: { contracts: number } };
      expect(buyer.totals.contracts).toBeGreaterThan(0);
      expect(norm(await page.locator('main').innerText())).not.toMatch(/Aucun marché/);
    });

    it('every example link of the home page opens a page with results', async () => {
      for (const [href, label] of homeExamples()) {
        const page = await open('/');
        await page.getByRole('link', { name: `Exemple : ${label} →` }).click();
        await page.waitForURL((u) => `${u.pathname}${u.search}` === href);
        await settled(page);
        expect(norm(await page.locator('main').innerText()), label).not.toMatch(/Aucun marché|Aucun résultat/);
        await page.close();
      }
    });
  });
});
