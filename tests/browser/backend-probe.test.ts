// Issue 9 item 3 in a real browser: the training worker's "auto" probe (configure with `auto`)
// measures the backends in a throwaway copy of itself, starts the fastest, says why, and hands
// back a probe result that a later configure reuses instead of measuring again. Driven at the
// worker's protocol (the page's wiring of the result is the page's own test).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { ROOT, launchChromium } from './chromium';
import { serveStatic, type StaticServer } from './static-server';

const DIST = process.env.AMPLAB_DIST ? path.resolve(process.env.AMPLAB_DIST) : path.join(ROOT, 'dist');

let browser: Browser;
let server: StaticServer;
beforeAll(async () => {
  if (!existsSync(path.join(DIST, 'index.html'))) await build({ root: ROOT, logLevel: 'warn' });
  browser = await launchChromium();
  server = await serveStatic(DIST, '/');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Report {
  backend: string;
  reason?: string;
  probe?: { key: string; backend: string; reason: string; examplesPerSecond: Record<string, number> };
  tensors?: number;
}

describe('the auto probe in the training worker', () => {
  test('picks a backend by measuring, says why, and reuses the kept result', async () => {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    try {
      const page = await context.newPage();
      await page.goto(server.url + '?task=permutation&backend=wasm&steps=2&model=small');
      await expect
        .poll(() => page.workers().some((w) => /training\.worker/.test(w.url())), { timeout: 60_000 })
        .toBe(true);
      const workerUrl = page
        .workers()
        .find((w) => /training\.worker/.test(w.url()))!
        .url();
      const run = (cached: Report['probe'] | undefined) =>
        page.evaluate(
          async ({ url, cached }) => {
            const w = new Worker(url, { type: 'module', name: 'training' });
            const events: Report[] = [];
            const reply = await new Promise<{ ok: boolean; result?: Report; error?: string }>((resolve) => {
              w.onmessage = (e) => {
                if (e.data.type === 'backend') events.push(e.data);
                if (e.data.type === 'reply') resolve(e.data);
              };
              w.postMessage({
                id: 1,
                type: 'configure',
                config: {
                  task: 'permutation',
                  preset: 'workshop',
                  seed: 1,
                  modelSize: 'small',
                  stepsPerRound: 2,
                },
                backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
                auto: cached ? { cached } : {},
              });
            });
            w.terminate();
            return { events, reply };
          },
          { url: workerUrl, cached },
        );

      const first = await run(undefined);
      expect(first.reply.ok).toBe(true);
      expect(first.events).toHaveLength(1);
      const chosen = first.events[0]!;
      expect(['webgpu', 'webgl', 'wasm']).toContain(chosen.backend);
      const label = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM' }[chosen.backend];
      expect(chosen.reason).toMatch(
        new RegExp(`^${label}: (\\d+\\.\\dx faster than|as fast as|the only backend)`),
      );
      expect(chosen.probe?.backend).toBe(chosen.backend);
      expect(chosen.probe?.key).toMatch(
        /^tfjs \d+\.\d+\.\d+ \| webgpu .*; webgl .*; \d+ cores; not isolated \| cpu,wasm,webgl,webgpu$/,
      );
      expect(chosen.probe?.examplesPerSecond[chosen.backend]).toBeGreaterThan(0);
      console.log(`probe: ${chosen.reason}; ${JSON.stringify(chosen.probe?.examplesPerSecond)}`);

      // The page keeps the probe and sends it back: no second measurement, same backend.
      const second = await run(chosen.probe);
      expect(second.reply.ok).toBe(true);
      expect(second.events[0]?.backend).toBe(chosen.backend);
      expect(second.events[0]?.reason).toBe(`${chosen.probe!.reason} (measured earlier in this browser)`);
      expect(second.events[0]?.probe).toBeUndefined();
      // The probe's sessions lived in the throwaway worker: this one holds only its own session.
      expect(second.reply.result?.tensors).toBe(first.reply.result?.tensors);
    } finally {
      await context.close();
    }
  });
});
