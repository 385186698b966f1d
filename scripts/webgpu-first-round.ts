/**
 * Seconds from pressing "Step round" to the round's row in the page, on WebGPU in headless Chromium
 * (SwiftShader): the first round pays every shader pipeline's compile.
 *   npx vite build && node --import tsx scripts/webgpu-first-round.ts [query] [limit-seconds=240]
 * query defaults to `?task=permutation&backend=webgpu&steps=30`. Prints one JSON line.
 */
import { DIST, ensureDist, launchChromium } from '../src/harness/chromium';
import { serveStatic } from '../src/harness/static-server';

async function main(): Promise<void> {
  const [query = '?task=permutation&backend=webgpu&steps=30', limit = '240'] = process.argv.slice(2);
  const limitMs = Number(limit) * 1000;
  if (!(limitMs > 0)) throw new Error(`limit-seconds must be a positive number, not "${limit}"`);
  await ensureDist();
  const server = await serveStatic(DIST);
  const browser = await launchChromium();
  const errors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    const t0 = Date.now();
    await page.goto(server.url + query);
    const backend = page.getByRole('status').filter({ hasText: /^\s*Backend:/ });
    const step = page.getByRole('button', { name: 'Step round' }).and(page.locator(':enabled'));
    await step.waitFor({ timeout: 120_000 });
    const readySeconds = (Date.now() - t0) / 1000;
    const rows = page.getByRole('table', { name: 'Accuracy per round' }).locator('tbody tr');
    const before = await rows.count();
    const pressed = Date.now();
    await step.click();
    let roundSeconds: number | null = null;
    while (Date.now() - pressed < limitMs) {
      if ((await rows.count()) > before) {
        roundSeconds = (Date.now() - pressed) / 1000;
        break;
      }
      await page.waitForTimeout(250);
    }
    process.stdout.write(
      JSON.stringify({
        query,
        backend: (await backend.textContent())?.trim(),
        readySeconds,
        roundSeconds,
        withinLimit: roundSeconds !== null,
        limitSeconds: Number(limit),
        errors,
      }) + '\n',
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
