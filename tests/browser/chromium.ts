/**
 * Shared set-up for browser tests: serves the BUILT app (dist/) with Vite's preview server on a
 * free localhost port and launches headless Chromium through playwright-core.
 * Chromium comes from CHROME_PATH, else /usr/bin/chromium; if it is missing the tests FAIL
 * (never skip) with a message saying how to install it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
  '--use-vulkan=swiftshader',
  '--use-angle=swiftshader',
];

export function chromePath(): string {
  const p = process.env.CHROME_PATH || '/usr/bin/chromium';
  if (!existsSync(p))
    throw new Error(
      `Chromium not found at ${p}. Browser tests need a real Chromium: install it with ` +
        '`sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROME_PATH to a Chrome/Chromium binary.',
    );
  return p;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath(), headless: true, args: CHROMIUM_ARGS });
}

/** The build under test: AMPLAB_DIST (another build folder), else dist/. */
export const DIST = process.env.AMPLAB_DIST ? path.resolve(process.env.AMPLAB_DIST) : path.join(ROOT, 'dist');

/** Builds dist/ when the build under test is missing. */
export async function ensureDist(): Promise<void> {
  if (!existsSync(path.join(DIST, 'index.html'))) await build({ root: ROOT, logLevel: 'warn' });
}

/** Starts `vite preview` on dist/ (building first only if dist/ is missing). */
export async function serveDist(): Promise<{ url: string; server: PreviewServer }> {
  if (!existsSync(path.join(ROOT, 'dist', 'index.html'))) await build({ root: ROOT, logLevel: 'warn' });
  const server = await preview({
    root: ROOT,
    logLevel: 'warn',
    preview: { port: 0, host: '127.0.0.1', strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, server };
}

/**
 * Runs in every page before the app: records main-thread long tasks (window.longTasks, ms) and
 * when the first tree node appeared (window.firstTreeAt, ms since navigation start).
 */
export const INIT_SCRIPT = `(() => {
  window.longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
  } catch (e) { window.longTasks = null; }
  const mo = new MutationObserver(() => {
    if (document.querySelector('[role="treeitem"]')) {
      window.firstTreeAt = performance.now();
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
})();`;

export interface AppHarness {
  url: string;
  browser: Browser;
  /** A fresh page (own context) that records console errors and uncaught page errors. */
  open(query?: string, viewport?: { width: number; height: number }): Promise<OpenedPage>;
  close(): Promise<void>;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
  close(): Promise<void>;
}

export async function startHarness(): Promise<AppHarness> {
  chromePath(); // fail early and clearly
  const { url, server } = await serveDist();
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    url,
    browser,
    async open(query = '', viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport });
      await context.addInitScript(INIT_SCRIPT);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await page.goto(url + query);
      return { page, context, errors, close: () => context.close() };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The status that names the backend in use (the page has other live regions too). */
export const backendStatus = (page: Page) => page.getByRole('status').filter({ hasText: /^\s*Backend:/ });

/** The rows of the chart's data table: one per finished round. */
export const accuracyRows = (page: Page) =>
  page.getByRole('table', { name: 'Accuracy per round' }).locator('tbody tr');

/** Waits until the worker runs on `backend` and "Step round" can be pressed. */
export async function waitReady(page: Page, backend: string): Promise<void> {
  await expect
    .poll(async () => (await backendStatus(page).textContent())?.trim(), { timeout: 60_000 })
    .toBe(`Backend: ${backend}`);
  await page
    .getByRole('button', { name: 'Step round' })
    .and(page.locator(':enabled'))
    .waitFor({ timeout: 60_000 });
}

/** Clicks "Step round" and waits for the round's row and for the button to come back. */
export async function stepRound(page: Page, expectedRows: number, timeout = 110_000): Promise<void> {
  await page.getByRole('button', { name: 'Step round' }).click();
  await expect.poll(() => accuracyRows(page).count(), { timeout, interval: 100 }).toBe(expectedRows);
  await page
    .getByRole('button', { name: 'Step round' })
    .and(page.locator(':enabled'))
    .waitFor({ timeout: 30_000 });
}

/** Opens the "Settings" or "Share & save" panel (a no-op when it is open already). */
export async function openPanel(page: Page, name: 'Settings' | 'Share & save'): Promise<void> {
  const button = page.getByRole('button', { name, exact: true });
  if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
  await page.getByRole('region', { name, exact: true }).waitFor();
}
