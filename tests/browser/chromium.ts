/**
 * Shared set-up for browser tests: serves the BUILT app (dist/) with Vite's preview server on a
 * free localhost port, opens pages in headless Chromium (src/harness) and drives the app.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { expect } from 'vitest';
import { ROOT, chromePath, launchChromium } from '../../src/harness/chromium';

// The launcher lives in src/harness (bench:browser uses it too); tests import it from here.
export { DIST, ensureDist, launchChromium } from '../../src/harness/chromium';

export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');

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
  /** A fresh page (own context, no service worker) that records console errors and uncaught page errors. */
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
      // No service worker: its install precaches every file of the build, ~0.9 CPU-s of a ~3.7 s
      // page open here; hosting.test.ts opens its own contexts to test it and the offline app.
      const context = await browser.newContext({ viewport, serviceWorkers: 'block' });
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

/**
 * Saves a full-page screenshot for a person to look at, only with SCREENSHOTS=1: none asserts
 * anything, and each took 1–3 s of a test's time in Chromium on SwiftShader.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (!process.env.SCREENSHOTS) return;
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
