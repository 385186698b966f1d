// Issue 10, "Served with cross-origin isolation": with COOP/COEP, tfjs picks its threaded WASM
// build. It must start from the bundle (its pthread workers used to throw "e is not defined"), and
// when it cannot start the page must fall back to the single-threaded build and still train.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot, DIST, ensureDist } from './chromium';
import { ISOLATION_HEADERS, serveStatic, type StaticServer } from '../../src/harness/static-server';

const QUERY = '?task=permutation&backend=wasm&steps=1&model=small';

/**
 * Records what the training worker tells the page (backend and round events), from outside the
 * app; with threads "on", names the training worker so that it uses the threaded WASM build
 * (which it would choose by itself only on 4+ cores).
 */
const recordWorker = (threads: 'on' | 'auto') => `(() => {
  window.__workerEvents = [];
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url, options) {
      const named = ${threads === 'on'} && options && options.name === 'training';
      super(url, named ? { ...options, name: 'training wasm-threads=on' } : options);
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (d && (d.type === 'backend' || d.type === 'round')) window.__workerEvents.push(d);
      });
    }
  };
})();`;

interface WorkerEvent {
  type: string;
  backend?: string;
  reason?: string;
  metrics?: { backend: string; round: number };
}

let browser: Browser;
let server: StaticServer;
beforeAll(async () => {
  await ensureDist();
  browser = await launchChromium();
  server = await serveStatic(DIST, '/', { headers: ISOLATION_HEADERS });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(
  prepare?: (context: BrowserContext) => Promise<void>,
  threads: 'on' | 'auto' = 'on',
): Promise<{ page: Page; context: BrowserContext; pageErrors: string[] }> {
  // No service worker: each test sees the server's responses (and its own routes) afresh.
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
  });
  await context.addInitScript(recordWorker(threads));
  await prepare?.(context);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(server.url + QUERY);
  return { page, context, pageErrors };
}

const events = (page: Page): Promise<WorkerEvent[]> =>
  page.evaluate(() => (window as unknown as { __workerEvents: WorkerEvent[] }).__workerEvents);

/** Waits for "Backend: wasm", trains one round, returns the worker's backend event. */
async function trainOneRoundOnWasm(page: Page): Promise<WorkerEvent> {
  const status = page
    .getByRole('status')
    .filter({ hasText: /^\s*Backend:/ })
    .first();
  await expect
    .poll(async () => (await status.textContent())?.trim(), { timeout: 90_000 })
    .toBe('Backend: wasm');
  const live = page.getByRole('button', { name: 'Train it yourself' });
  if (await live.isVisible()) await live.click();
  const step = page.getByRole('button', { name: 'Step round' });
  await step.and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
  await step.click();
  // The worker's round event, not the page's table: the page's layout is free to change.
  await expect
    .poll(async () => (await events(page)).filter((e) => e.type === 'round').length, {
      timeout: 90_000,
      interval: 250,
    })
    .toBe(1);
  const all = await events(page);
  expect(all.filter((e) => e.type === 'round').map((e) => e.metrics?.backend)).toEqual(['wasm']);
  const backend = all.filter((e) => e.type === 'backend');
  expect(backend.map((e) => e.backend)).toEqual(['wasm']);
  // Still on wasm after the round: the status did not stop.
  expect((await status.textContent())?.trim()).toBe('Backend: wasm');
  return backend[0]!;
}

describe('served with cross-origin isolation (COOP/COEP)', () => {
  test('the threaded WASM build starts from the bundle and trains a round', async () => {
    const { page, context, pageErrors } = await open();
    try {
      expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
      const backend = await trainOneRoundOnWasm(page);
      expect(backend.reason).toMatch(/^WASM, \d+ threads?$/);
      expect(pageErrors).toEqual([]);
      await screenshot(page, 'isolation-threads');
      console.log(`isolated: ${backend.reason}`);
    } finally {
      await context.close();
    }
  });

  test('threaded pthread workers that throw (the old "e is not defined") fall back to single-threaded WASM', async () => {
    const { page, context, pageErrors } = await open(async (context) => {
      // Serve the bundler-mangled factory source the threaded build used to get: its pthread
      // workers throw "ReferenceError: e is not defined", as they did before the repair.
      await context.route(/\/assets\/tfjs-backend-wasm-threaded-simd-[^/]*\.js$/, (route) =>
        route.fulfill({
          status: 200,
          headers: { 'content-type': 'text/javascript', ...ISOLATION_HEADERS },
          body: 'export default "var WasmBackendModuleThreadedSimd = function (m) { return e(m); };";',
        }),
      );
    });
    try {
      expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
      const backend = await trainOneRoundOnWasm(page);
      expect(backend.reason).toMatch(
        /^WASM, single-threaded \(the threaded build did not start: .*e is not defined/,
      );
      expect(pageErrors).toEqual([]);
      console.log(`threads broken: ${backend.reason}`);
    } finally {
      await context.close();
    }
  });

  test('left to itself, it uses threads only where tfjs would run two or more (4+ cores)', async () => {
    const { page, context, pageErrors } = await open(undefined, 'auto');
    try {
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const backend = await trainOneRoundOnWasm(page);
      if (cores >= 4) expect(backend.reason).toMatch(/^WASM, \d+ threads$/);
      else expect(backend.reason).toBe('WASM, single-threaded');
      expect(pageErrors).toEqual([]);
      console.log(`${cores} cores, left to itself: ${backend.reason}`);
    } finally {
      await context.close();
    }
  });

  test('a threaded binary that cannot be loaded falls back too', async () => {
    const { page, context, pageErrors } = await open(async (context) => {
      await context.route(/\/assets\/tfjs-backend-wasm-threaded-simd-[^/]*\.wasm$/, (route) =>
        route.fulfill({ status: 404, body: 'not found' }),
      );
    });
    try {
      const backend = await trainOneRoundOnWasm(page);
      expect(backend.reason).toMatch(/^WASM, single-threaded \(the threaded build did not start/);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
