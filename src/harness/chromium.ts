/**
 * Headless Chromium and the build it loads, shared by the browser tests and `npm run bench:browser`
 * (Node-only tooling: the page never imports this folder).
 * Chromium comes from CHROME_PATH, else /usr/bin/chromium; if it is missing, callers fail (never
 * skip) with a message saying how to install it.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** WebGPU and WebGL through SwiftShader, so every backend runs without a GPU. */
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
  // The page's own drawing composited on the CPU, not through SwiftShader's emulated GPU: a playing
  // recording cost 19 CPU-seconds in 13 s that way (the GPU process), 2 with these two flags.
  // WebGPU and WebGL still run on SwiftShader.
  '--disable-gpu-compositing',
  '--disable-gpu-rasterization',
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

export async function launchChromium(args: readonly string[] = CHROMIUM_ARGS): Promise<Browser> {
  return chromium.launch({ executablePath: chromePath(), headless: true, args: [...args] });
}

/** The build under test: AMPLAB_DIST (another build folder), else dist/. */
export const DIST = process.env.AMPLAB_DIST ? path.resolve(process.env.AMPLAB_DIST) : path.join(ROOT, 'dist');

/** Builds dist/ when the build under test is missing (or always, with `force`). */
export async function ensureDist(force = false): Promise<void> {
  if (force || !existsSync(path.join(DIST, 'index.html'))) await build({ root: ROOT, logLevel: 'warn' });
}
