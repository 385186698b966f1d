// Issue 5, items 1 and 2: the built app (dist/) served as plain files from a sub-path by a
// minimal static server, and working offline after one visit (service worker precache).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { INIT_SCRIPT, accuracyRows, launchChromium, screenshot, DIST, ensureDist } from './chromium';
import { serveStatic } from '../../src/harness/static-server';

const PREFIX = '/some/where/';
const QUERY = '?backend=wasm&steps=2&model=small';

let browser: Browser;
beforeAll(async () => {
  await ensureDist();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Recorded runs shipped in the build (public/runs/*.json), as paths relative to the site. */
function recordedRuns(): string[] {
  const dir = path.join(DIST, 'runs');
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => `runs/${f}`)
    : [];
}

interface Opened {
  page: Page;
  context: BrowserContext;
  errors: string[];
  /** Every URL the page, its workers and its service worker asked for. */
  requested: string[];
}

async function open(url: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(INIT_SCRIPT);
  const requested: string[] = [];
  context.on('request', (r) => requested.push(r.url()));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.goto(url);
  return { page, context, errors, requested };
}

const treeItems = (page: Page) =>
  page.getByRole('tree', { name: 'Decomposition tree' }).getByRole('treeitem');
const tableRows = accuracyRows;

async function waitTree(page: Page): Promise<number> {
  await treeItems(page).first().waitFor({ timeout: 30_000 });
  expect(await treeItems(page).count()).toBeGreaterThanOrEqual(3);
  return page.evaluate(() => (window as unknown as { firstTreeAt: number }).firstTreeAt);
}

const backendStatus = (page: Page) =>
  page
    .getByRole('status')
    .filter({ hasText: /^\s*Backend:/ })
    .first();

/** Waits for "Backend: wasm", steps one round, and waits for its row in the table. */
async function trainOneRound(page: Page): Promise<void> {
  await expect
    .poll(async () => (await backendStatus(page).textContent())?.trim(), { timeout: 60_000 })
    .toBe('Backend: wasm');
  // A first view may be playing a recorded run: switch to live training.
  const live = page.getByRole('button', { name: 'Train it yourself' });
  if (await live.isVisible()) await live.click();
  const step = page.getByRole('button', { name: 'Step round' });
  await step.and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
  await step.click();
  await expect.poll(() => tableRows(page).count(), { timeout: 60_000, interval: 200 }).toBe(1);
}

/** Fetches each recorded run relative to the page, as the app does; returns status and top-level type. */
async function fetchRuns(
  page: Page,
  runs: string[],
): Promise<{ url: string; status: number; kind: string }[]> {
  return page.evaluate(async (names) => {
    const out = [];
    for (const n of names) {
      const url = new URL(n, document.baseURI).href;
      const r = await fetch(url);
      const body: unknown = r.ok ? await r.json() : null;
      out.push({ url, status: r.status, kind: Array.isArray(body) ? 'array' : typeof body });
    }
    return out;
  }, runs);
}

function expectSameOrigin(urls: string[], origin: string): void {
  const foreign = urls.filter((u) => {
    if (u.startsWith('data:') || u.startsWith('blob:')) return false;
    const p = new URL(u);
    return p.origin !== origin || !p.pathname.startsWith(PREFIX);
  });
  expect(foreign, 'requests that left the site').toEqual([]);
}

const gz = (file: string): number => gzipSync(readFileSync(file), { level: 9 }).length;

describe('static hosting', () => {
  test('served from a sub-path by a plain static server: tree, worker, wasm, recorded runs, one round', async () => {
    const server = await serveStatic(DIST, PREFIX);
    try {
      const { page, context, errors, requested } = await open(server.url + QUERY);
      const firstTreeAt = await waitTree(page);
      const shell = server.requests.filter((r) => r.status === 200).map((r) => r.url);
      await trainOneRound(page);
      // The worker and the wasm binary came from under the sub-path.
      const workers = page.workers().map((w) => w.url());
      expect(workers.some((u) => u.startsWith(server.url + 'assets/training.worker-'))).toBe(true);
      const served = server.requests
        .filter((r) => r.status === 200)
        .map((r) => new URL(r.url, server.origin));
      expect(
        served.some((u) => u.pathname.startsWith(PREFIX + 'assets/') && u.pathname.endsWith('.wasm')),
      ).toBe(true);
      // Recorded runs resolve relative to the page.
      const runs = recordedRuns();
      for (const r of await fetchRuns(page, runs)) {
        expect(r.url.startsWith(server.url + 'runs/')).toBe(true);
        expect(r.status).toBe(200);
        expect(r.kind).toBe('object');
      }
      await screenshot(page, 'hosting-sub-path');
      // Nothing left the origin or the sub-path; the server never had to answer outside it.
      expectSameOrigin(requested, server.origin);
      expect(server.requests.filter((r) => r.status >= 400 || !r.url.startsWith(PREFIX))).toEqual([]);
      expect(errors).toEqual([]);
      // For the report (gzip sizes): what the page itself downloaded before its tree was drawn,
      // what the worker loads before it can train, and what the service worker adds.
      const files = [
        ...new Set(shell.map((u) => new URL(u, server.origin).pathname.slice(PREFIX.length) || 'index.html')),
      ];
      const group = (f: string): string =>
        /^(sw\.js|workbox-)/.test(f) ? 'sw' : /training\.worker|\.wasm$/.test(f) ? 'worker' : 'page';
      const report = (g: string): string => {
        const fs = files.filter((f) => group(f) === g && existsSync(path.join(DIST, f)));
        const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
        const each = fs.map((f) => `${f} ${kib(gz(path.join(DIST, f)))}`);
        return `${kib(fs.reduce((s, f) => s + gz(path.join(DIST, f)), 0))} (${each.join(', ')})`;
      };
      console.log(
        `sub-path: tree drawn ${Math.round(firstTreeAt)} ms after navigation; gzip sizes requested by then: ` +
          `page ${report('page')}; worker ${report('worker')}; service worker ${report('sw')}; ` +
          `recorded runs checked: ${runs.length}`,
      );
      await context.close();
    } finally {
      await server.close();
    }
  });

  test('after one visit it loads, draws the tree and trains a round with the network off', async () => {
    const server = await serveStatic(DIST, PREFIX);
    let context: BrowserContext | undefined;
    try {
      const first = await open(server.url + QUERY);
      context = first.context;
      const { page } = first;
      await waitTree(page);
      // The service worker installs (precaching everything) and takes control of the page.
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(scope).toBe(server.url);
      const controlled = () => page.evaluate(() => navigator.serviceWorker.controller !== null);
      try {
        await expect.poll(controlled, { timeout: 10_000 }).toBe(true);
      } catch {
        await page.reload();
        await expect.poll(controlled, { timeout: 10_000 }).toBe(true);
      }
      const cached = await page.evaluate(async () => {
        const urls: string[] = [];
        for (const name of await caches.keys())
          for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
        return urls;
      });
      const cachedPaths = cached.map((u) => new URL(u).pathname);
      const mustHave = ['index.html', ...recordedRuns()];
      for (const f of readdirSync(path.join(DIST, 'assets')).filter((f) => !f.endsWith('.map')))
        mustHave.push(`assets/${f}`);
      for (const f of mustHave) expect(cachedPaths, `precached ${f}`).toContain(PREFIX + f);
      expectSameOrigin(first.requested, server.origin);

      // Network off, and the server gone too: everything must come from the precache.
      await server.close();
      await context.setOffline(true);
      const before = first.requested.length;
      await page.reload();
      const tree = await waitTree(page);
      await trainOneRound(page);
      for (const r of await fetchRuns(page, recordedRuns())) expect(r.status).toBe(200);
      await screenshot(page, 'hosting-offline');
      expectSameOrigin(first.requested.slice(before), server.origin);
      expect(first.errors).toEqual([]);
      console.log(
        `offline reload: tree drawn ${Math.round(tree)} ms after navigation; ${cached.length} precached`,
      );
    } finally {
      await context?.close();
      await server.close();
    }
  });
});
