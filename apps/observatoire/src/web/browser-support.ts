/**
 * Shared by the browser tests (web.e2e.spec.ts on the embedded profile, web-distributed.e2e.spec.ts through the
 * gateway): Debian's Chromium driven by playwright-core (no browser download), the "page rendered" wait, and the
 * console-error watch every page is held to.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The few DOM members the in-page functions use (the project's tsconfig has no DOM lib; the casts are erased). */
interface ReadyDom {
  document: { body: { dataset: Record<string, string | undefined> }; querySelector(selector: string): unknown };
}

/** A headless French-locale Chromium with its own profile directory, downloads accepted. */
export function launchChromium(profilePrefix: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), profilePrefix)), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'fr-FR',
    acceptDownloads: true,
  });
}

/** The router marks the body when a page has rendered; blocks loading data carry aria-busy. */
export async function settled(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => {
    const d = (globalThis as unknown as ReadyDom).document;
    return Boolean(d.body.dataset.ready) && !d.querySelector('[aria-busy="true"]') && !d.querySelector('.loading');
  }, null, { timeout });
}

/** Console errors and uncaught page errors go to `sink`, prefixed by the path; `ignore` lets a test expect some. */
export function watchConsole(page: Page, path: string, sink: string[], ignore: (text: string) => boolean = () => false): void {
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore(m.text())) sink.push(`${path}: ${m.text()}`);
  });
  page.on('pageerror', (e) => sink.push(`${path}: ${e.message}`));
}
