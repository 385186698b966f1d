// Issue 9 item 3 in a real browser: the training worker's "auto" probe (configure with `auto`)
// measures the backends in a throwaway copy of itself, starts the fastest, says why, and hands
// back a probe result that a later configure reuses instead of measuring again. Driven at the
// worker's protocol (the page's wiring of the result is the page's own test).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, DIST, ensureDist } from './chromium';
import { serveStatic, type StaticServer } from '../../src/harness/static-server';

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

interface Report {
  backend: string;
  reason?: string;
  probe?: { key: string; backend: string; reason: string; examplesPerSecond: Record<string, number> };
  tensors?: number;
}

describe('the auto probe in the training worker', () => {
  test(
    'picks a backend by measuring, says why, and reuses the kept result',
    { timeout: 300_000 },
    async () => {
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
        const run = (cached: Report['probe'] | undefined, name = 'training') =>
          page.evaluate(
            async ({ url, cached, name }) => {
              const w = new Worker(url, { type: 'module', name });
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
            { url: workerUrl, cached, name },
          );

        let t = Date.now();
        const first = await run(undefined);
        const firstSeconds = (Date.now() - t) / 1000;
        expect(first.reply.ok).toBe(true);
        expect(first.events).toHaveLength(1);
        const chosen = first.events[0]!;
        expect(['webgpu', 'webgl', 'wasm']).toContain(chosen.backend);
        const label = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM' }[chosen.backend];
        expect(chosen.reason).toMatch(
          new RegExp(`^${label}: (\\d+\\.\\dx faster than|as fast as|the only backend)`),
        );
        expect(chosen.probe?.backend).toBe(chosen.backend);
        // Keyed by the task's model too: permutation runs the relational model.
        expect(chosen.probe?.key).toMatch(
          /^tfjs \d+\.\d+\.\d+ \| webgpu .*; webgl .*; \d+ cores; not isolated \| cpu,wasm,webgl,webgpu \| small .*relational=true/,
        );
        // A software GPU (SwiftShader here) is not measured; with a real one, rates come back.
        if (/faster than|as fast as/.test(chosen.reason ?? ''))
          expect(chosen.probe?.examplesPerSecond[chosen.backend]).toBeGreaterThan(0);
        console.log(`probe: ${chosen.reason}; ${JSON.stringify(chosen.probe?.examplesPerSecond)}`);

        // The page keeps the probe and sends it back: no second measurement, same backend.
        t = Date.now();
        const second = await run(chosen.probe);
        console.log(
          `configure with the probe: ${firstSeconds.toFixed(1)} s; with the kept result: ${((Date.now() - t) / 1000).toFixed(1)} s`,
        );
        expect(second.reply.ok).toBe(true);
        expect(second.events[0]?.backend).toBe(chosen.backend);
        expect(second.events[0]?.reason).toBe(`${chosen.probe!.reason} (measured earlier in this browser)`);
        expect(second.events[0]?.probe).toBeUndefined();
        // The probe's sessions lived in the throwaway worker: this one holds only its own session.
        expect(second.reply.result?.tensors).toBe(first.reply.result?.tensors);

        // "probe=all" measures the software GPUs too, in the throwaway probe worker, which is cut
        // off at its time limit: what finished (WASM first) decides. Last, because the GPU
        // process stays busy with the shader compiles the killed worker queued.
        t = Date.now();
        const all = await run(undefined, 'training probe=all');
        console.log(`probe=all: ${all.events[0]?.reason} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        expect(all.reply.ok).toBe(true);
        const measured = all.events[0]!;
        expect(measured.reason).toMatch(
          /^(WebGPU|WebGL|WASM): (\d+\.\dx faster than|as fast as|the only backend measured here)/,
        );
        expect(measured.probe?.examplesPerSecond[measured.backend]).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    },
  );
});
