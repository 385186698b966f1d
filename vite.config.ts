import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

// Only in Vitest's main process: neither `vite build` nor a test's preview server needs it.
const sequencer =
  process.env.VITEST && !process.env.VITEST_WORKER_ID
    ? (await import('./tests/heavy-first.ts')).HeavyFirst
    : undefined;

export default defineConfig({
  // Relative asset URLs: the build works from any sub-path of any static server.
  base: './',
  plugins: [
    svelte(),
    // Offline: a Workbox service worker (generateSW) precaches the app shell, every JS chunk
    // (the training worker included), the tfjs .wasm binaries and the recorded runs in
    // public/runs/. It is registered by a small injected script (registerSW.js) relative to
    // the page, so it works from any sub-path; never in the dev server (devOptions off).
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'auto',
      scope: './',
      manifest: {
        name: 'Amplification Lab',
        short_name: 'Amplify',
        description:
          'Watch iterated amplification learn in your browser: a weak overseer, a small model, round after round.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#ffffff',
        theme_color: '#1f5fbf',
        icons: [{ src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{html,js,css,svg,wasm,json,webmanifest}'],
        globIgnores: ['**/*.map'],
        // The training worker's chunk (all of tfjs) is ~2.4 MB, over Workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        navigateFallback: 'index.html',
        sourcemap: false,
      },
      devOptions: { enabled: false },
    }),
  ],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Two pages: the app, and the facilitator's printable sheet.
    rollupOptions: { input: { main: 'index.html', sheet: 'sheet.html' } },
  },
  test: {
    // Both cores: unit and browser files run side by side, the slowest first (tests/heavy-first.ts).
    maxWorkers: 2,
    sequence: sequencer ? { sequencer } : {},
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Unit files share a worker's modules (tfjs among them): each file imported its own, ~1 s a
          // file; tests measure tensors against their own starting count, never an absolute one.
          isolate: false,
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/browser/**'],
          environment: 'node',
          // Beside a browser file on 2 cores a unit file gets about one core: time, not a pass mark.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
