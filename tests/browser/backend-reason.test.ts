// Issue 9 item 3 on the page: with the default URL (backend "auto") the page asks the training
// worker to measure, names the backend it chose and why beside "Backend:", keeps the probe result
// in localStorage and sends it back on the next visit (the reason then says it was measured
// earlier); a corrupt kept value is ignored, measured afresh and replaced.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { backendStatus, launchChromium, DIST, ensureDist } from './chromium';
import { serveStatic, type StaticServer } from '../../src/harness/static-server';

// No backend= : "auto", the default.
const QUERY = '?task=union-find&steps=2&model=small';
const KEY = 'amplab.backendProbe';

/** Records the configure requests the page posts to the training worker. */
const RECORD_CONFIGURE = `(() => {
  window.__configures = [];
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message && message.type === 'configure') window.__configures.push(JSON.parse(JSON.stringify(message)));
    return post.call(this, message, ...rest);
  };
})();`;

interface Configure {
  backends: string[];
  auto?: { cached?: { key: string; backend: string; reason: string } };
}

let browser: Browser;
let server: StaticServer;
beforeAll(async () => {
  await ensureDist();
  browser = await launchChromium();
  server = await serveStatic(DIST, '/');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM' };
const reasonEl = (page: Page) => page.getByTestId('backend-reason');

/** Waits until the page names a backend; returns it and the reason shown (short and full). */
async function chosen(page: Page): Promise<{ backend: string; shown: string; full: string }> {
  let backend = '';
  await expect
    .poll(
      async () => {
        const m = /^Backend: (webgpu|webgl|wasm|cpu)$/.exec(
          (await backendStatus(page).textContent())?.trim() ?? '',
        );
        backend = m?.[1] ?? '';
        return backend;
      },
      { timeout: 90_000 },
    )
    .not.toBe('');
  await reasonEl(page).waitFor({ timeout: 10_000 });
  return {
    backend,
    shown: ((await reasonEl(page).textContent()) ?? '').trim(),
    full: (await reasonEl(page).getAttribute('title')) ?? '',
  };
}

const configures = (page: Page): Promise<Configure[]> =>
  page.evaluate(() => (window as unknown as { __configures: Configure[] }).__configures);
const kept = (page: Page): Promise<string | null> => page.evaluate((k) => localStorage.getItem(k), KEY);

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'block',
  });
  await context.addInitScript(RECORD_CONFIGURE);
  return context;
}

describe('the page says which backend "auto" chose and why', () => {
  test(
    'measures on the first visit, keeps the result, and reuses it on the next',
    { timeout: 240_000 },
    async () => {
      const context = await newContext();
      try {
        const page = await context.newPage();
        const pageErrors: string[] = [];
        page.on('pageerror', (err) => pageErrors.push(err.message));
        await page.goto(server.url + QUERY);
        const first = await chosen(page);
        expect(first.backend).not.toBe('cpu');
        // e.g. "WASM: the only backend worth running here" (SwiftShader's GPUs are not measured).
        expect(first.shown).toMatch(new RegExp(`^${LABEL[first.backend]}: `));
        expect(first.full.startsWith(first.shown.replace(/…$/, ''))).toBe(true);
        expect(first.full).not.toMatch(/measured earlier/);
        const sent = await configures(page);
        expect(sent.length).toBeGreaterThan(0);
        expect(sent[0]!.auto).toEqual({});
        // The probe result is kept for this browser.
        const stored = JSON.parse((await kept(page)) ?? 'null') as {
          backend: string;
          reason: string;
          key: string;
        };
        expect(stored.backend).toBe(first.backend);
        expect(first.full).toBe(stored.reason);

        // Next visit: the kept result goes with configure, and the worker starts that backend unmeasured.
        await page.reload();
        const second = await chosen(page);
        expect(second.backend).toBe(first.backend);
        expect(second.full).toBe(`${stored.reason} (measured earlier in this browser)`);
        expect(second.shown).toMatch(/\(measured earlier\)$/);
        expect((await configures(page))[0]!.auto?.cached).toEqual(stored);
        expect(pageErrors).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  test('a corrupt kept value is ignored, measured afresh and replaced', { timeout: 240_000 }, async () => {
    const context = await newContext();
    try {
      // Set before the page's own scripts run, on the first load only.
      await context.addInitScript((k) => {
        if (!sessionStorage.getItem('seeded')) {
          sessionStorage.setItem('seeded', '1');
          localStorage.setItem(k, '{"key": 42, "backend": "quantum"');
        }
      }, KEY);
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(server.url + QUERY);
      const shown = await chosen(page);
      expect(shown.shown).toMatch(new RegExp(`^${LABEL[shown.backend]}: `));
      expect(shown.full).not.toMatch(/measured earlier/);
      expect((await configures(page))[0]!.auto).toEqual({});
      const stored = JSON.parse((await kept(page)) ?? 'null') as { backend: string };
      expect(stored.backend).toBe(shown.backend);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('a forced backend shows its own reason and sends no probe', { timeout: 240_000 }, async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(server.url + QUERY + '&backend=wasm');
      const shown = await chosen(page);
      expect(shown.backend).toBe('wasm');
      // backend.ts describes its WASM build: "WASM, single-threaded" or "WASM, N threads".
      expect(shown.shown).toMatch(/^WASM, /);
      expect((await configures(page))[0]!.auto).toBeUndefined();
      expect(await kept(page)).toBeNull();
    } finally {
      await context.close();
    }
  });
});
