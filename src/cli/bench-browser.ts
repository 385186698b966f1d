/**
 * `npm run bench:browser [-- --json] [--backends webgpu,webgl,wasm,cpu]`: training examples/s of
 * the workshop model in headless Chromium, per tfjs backend, measured in the built app.
 *
 * Serves dist/ (building it first if it is missing, or with --build) on 127.0.0.1 with the same
 * tiny static server the hosting test uses, launches Chromium with the browser tests' flags
 * (WebGPU and WebGL through SwiftShader), and for each backend opens the app with `backend=`
 * forced, plays `--rounds` rounds and reads every round's metrics from the worker's "round"
 * events (listened to from outside the app, by wrapping window.Worker in an init script).
 * A round's rate is (examples it added) / (training seconds it added); the figure reported is
 * the median over rounds 2..N (round 1 pays for warm-up and shader compilation).
 *
 * BENCH_GPU=vulkan swaps SwiftShader for a real GPU (Vulkan ANGLE, GPU blocklist ignored);
 * BENCH_CHROME_ARGS adds more flags (space-separated). CHROME_PATH picks the browser.
 * Writes bench/results/browser-<YYYY-MM-DD-HHMM>.json (UTC) and prints a table (or the JSON with --json).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM_ARGS, ROOT, chromePath } from '../../tests/browser/chromium';
import { serveStatic } from '../../tests/browser/static-server';
import { ArgsError, parseArgs, runCli, usage, type FlagSpec } from './args';

const ALL_BACKENDS = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
type Backend = (typeof ALL_BACKENDS)[number];

const SPEC = {
  backends: { type: 'string', default: ALL_BACKENDS.join(','), help: 'comma-separated backends to measure' },
  task: { type: 'string', default: 'permutation', help: 'task id' },
  rounds: { type: 'int', min: 2, max: 100, default: 5, help: 'rounds per backend (median over 2..N)' },
  steps: { type: 'int', min: 1, max: 10_000, default: 10, help: 'training steps per round' },
  model: {
    type: 'string',
    choices: ['auto', 'small', 'medium', 'large'],
    default: 'auto',
    help: "model size (auto: the workshop model, the app's default)",
  },
  'cap-seconds': { type: 'number', min: 5, default: 120, help: 'wall-time cap per backend' },
  build: { type: 'boolean', help: 'run vite build first (default: only if dist/ is missing)' },
  out: { type: 'string', default: 'bench/results', help: 'folder for the JSON' },
  json: { type: 'boolean', help: 'print the JSON result on stdout instead of the table' },
  help: { type: 'boolean' },
} satisfies Record<string, FlagSpec>;

/** The subset of RoundMetrics the bench reads from the worker's "round" event. */
interface RoundEvent {
  round: number;
  backend: string;
  examples: number;
  seconds: number;
  examplesPerSecond: number;
  modelAccuracy: number;
  /** Added by the init script: page time (ms) when the event arrived. */
  at: number;
}

interface BackendResult {
  requested: Backend;
  /** What the status element said ("Backend: …"), or null if it never settled. */
  used: string | null;
  fellBack: boolean;
  rounds: number;
  /** Median over rounds 2..N of the per-round training rate (examples / training second). */
  examplesPerSecond: number | null;
  /** The same, per round (round 1 first). */
  perRound: number[];
  /** Median wall-clock rate over rounds 2..N, evaluation and page work included. */
  wallExamplesPerSecond: number | null;
  /** The stats strip's "Examples/s" at the end (cumulative, rounded). */
  statsStrip: string | null;
  finalModelAccuracy: number | null;
  error?: string;
}

/** Runs in every page before the app: records each round event the training worker sends. */
const INIT_SCRIPT = `(() => {
  window.__benchRounds = [];
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (d && d.type === 'round' && d.metrics) window.__benchRounds.push({ ...d.metrics, at: performance.now() });
      });
    }
  };
})();`;

function gpuArgs(): { mode: string; args: string[] } {
  const mode = (process.env.BENCH_GPU ?? 'swiftshader').toLowerCase();
  const extra = (process.env.BENCH_CHROME_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (mode === 'swiftshader') return { mode, args: [...CHROMIUM_ARGS, ...extra] };
  if (mode !== 'vulkan') throw new ArgsError(`BENCH_GPU must be swiftshader or vulkan, got "${mode}"`);
  const base = CHROMIUM_ARGS.filter(
    (a) => !/^--(use-webgpu-adapter|use-vulkan|use-angle|enable-unsafe-webgpu|enable-features)=?/.test(a),
  );
  return {
    mode,
    args: [
      ...base,
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=vulkan',
      '--ignore-gpu-blocklist',
      ...extra,
    ],
  };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

async function gpuInfo(browser: Browser, url: string): Promise<Record<string, unknown>> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    return await page.evaluate(async () => {
      const out: Record<string, unknown> = { userAgent: navigator.userAgent };
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      if (!gpu) out.webgpu = 'navigator.gpu is missing';
      else {
        const adapter = (await gpu.requestAdapter()) as { info?: Record<string, string> } | null;
        if (!adapter) out.webgpu = 'no adapter';
        else {
          const i = adapter.info ?? {};
          out.webgpu = {
            vendor: i.vendor,
            architecture: i.architecture,
            device: i.device,
            description: i.description,
          };
        }
      }
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) out.webgl = 'no WebGL2 context';
      else {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        out.webgl = {
          vendor: ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR),
          renderer: ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER),
        };
      }
      out.hardwareConcurrency = navigator.hardwareConcurrency;
      out.crossOriginIsolated = self.crossOriginIsolated;
      return out;
    });
  } finally {
    await page.close();
  }
}

async function measure(
  browser: Browser,
  url: string,
  backend: Backend,
  opts: { task: string; rounds: number; steps: number; model: string; capMs: number },
  log: (s: string) => void,
): Promise<BackendResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(INIT_SCRIPT);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const result: BackendResult = {
    requested: backend,
    used: null,
    fellBack: false,
    rounds: 0,
    examplesPerSecond: null,
    perRound: [],
    wallExamplesPerSecond: null,
    statsStrip: null,
    finalModelAccuracy: null,
  };
  const deadline = Date.now() + opts.capMs;
  const left = (): number => Math.max(1000, deadline - Date.now());
  try {
    const q = new URLSearchParams({ task: opts.task, backend, steps: String(opts.steps), speed: 'max' });
    if (opts.model !== 'auto') q.set('model', opts.model);
    await page.goto(`${url}?${q}`);
    const status = page
      .getByRole('status')
      .filter({ hasText: /^\s*Backend:/ })
      .first();
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll('[role="status"]')].some((e) =>
          /^Backend: (webgpu|webgl|wasm|cpu)$/.test(e.textContent?.trim() ?? ''),
        ),
      undefined,
      { timeout: left() },
    );
    result.used = ((await status.textContent()) ?? '').trim().replace(/^Backend: /, '');
    result.fellBack = result.used !== backend;
    await page
      .getByRole('button', { name: 'Step round' })
      .and(page.locator(':enabled'))
      .waitFor({ timeout: left() });
    // A first view may be playing a recorded run: switch to live training.
    const live = page.getByRole('button', { name: 'Train it yourself' });
    if (await live.isVisible()) await live.click();
    const t0 = Date.now();
    await page.locator('button.play').click();
    await page
      .waitForFunction(
        (n) => (window as unknown as { __benchRounds: unknown[] }).__benchRounds.length >= n,
        opts.rounds,
        { timeout: left(), polling: 200 },
      )
      .catch(() => log(`  ${backend}: stopped at the ${Math.round(opts.capMs / 1000)} s cap`));
    if (((await page.locator('button.play').textContent()) ?? '').trim() === 'Pause')
      await page.locator('button.play').click();
    const rounds = await page.evaluate(
      () => (window as unknown as { __benchRounds: RoundEvent[] }).__benchRounds,
    );
    result.rounds = rounds.length;
    let prev = { examples: 0, seconds: 0, at: NaN };
    const wall: number[] = [];
    for (const r of rounds) {
      const dx = r.examples - prev.examples;
      const ds = r.seconds - prev.seconds;
      result.perRound.push(ds > 0 ? dx / ds : 0);
      if (Number.isFinite(prev.at) && r.at > prev.at) wall.push(dx / ((r.at - prev.at) / 1000));
      prev = r;
    }
    // Only one round within the cap: report it, warm-up included, and say so.
    result.examplesPerSecond = median(result.perRound.slice(1)) ?? result.perRound[0] ?? null;
    if (rounds.length < opts.rounds)
      result.error = `only ${rounds.length} of ${opts.rounds} rounds within the cap${
        rounds.length === 1 ? ' (round 1, warm-up included)' : ''
      }`;
    result.wallExamplesPerSecond = median(wall);
    result.finalModelAccuracy = rounds.at(-1)?.modelAccuracy ?? null;
    result.statsStrip = (
      (await page.locator('[data-stat="examples-per-second"]').textContent()) ?? ''
    ).trim();
    if (rounds.some((r) => r.backend !== result.used))
      result.error = `${result.error ? result.error + '; ' : ''}rounds ran on ${[...new Set(rounds.map((r) => r.backend))].join(', ')}`;
    log(
      `  ${backend}: ${rounds.length} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s on ${result.used}` +
        (result.examplesPerSecond === null ? '' : `, ${Math.round(result.examplesPerSecond)} examples/s`),
    );
  } catch (e) {
    result.error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    log(`  ${backend}: ${result.error}`);
  } finally {
    if (pageErrors.length > 0) result.error = [result.error, ...pageErrors].filter(Boolean).join('; ');
    await context.close();
  }
  return result;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args.help) {
    process.stdout.write(usage('npm run bench:browser --', SPEC) + '\n');
    return;
  }
  const backends = args.backends.split(',').map((b) => b.trim());
  for (const b of backends)
    if (!(ALL_BACKENDS as readonly string[]).includes(b))
      throw new ArgsError(`--backends must list some of ${ALL_BACKENDS.join(', ')}, got "${b}"`);
  const gpu = gpuArgs();
  const log = (s: string): void => void process.stderr.write(s + '\n');
  const dist = path.join(ROOT, 'dist');
  if (args.build || !existsSync(path.join(dist, 'index.html'))) {
    log('building dist/ …');
    await build({ root: ROOT, logLevel: 'warn' });
  }
  const executablePath = chromePath();
  const server = await serveStatic(dist, '/');
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, headless: true, args: gpu.args });
    const version = browser.version();
    log(
      `Chromium ${version}, GPU mode ${gpu.mode}; ${args.task}, ${args.rounds} rounds × ${args.steps} steps`,
    );
    const started = new Date();
    const adapter = await gpuInfo(browser, server.url);
    const results: BackendResult[] = [];
    for (const b of backends as Backend[])
      results.push(
        await measure(
          browser,
          server.url,
          b,
          {
            task: args.task,
            rounds: args.rounds,
            steps: args.steps,
            model: args.model,
            capMs: args['cap-seconds'] * 1000,
          },
          log,
        ),
      );
    const out = {
      date: started.toISOString(),
      chromium: version,
      gpuMode: gpu.mode,
      chromiumArgs: gpu.args,
      adapter,
      settings: { task: args.task, rounds: args.rounds, stepsPerRound: args.steps, model: args.model },
      metric:
        'examplesPerSecond: median over rounds 2..N of (examples added) / (training seconds added), from the worker round events',
      results,
    };
    mkdirSync(path.resolve(ROOT, args.out), { recursive: true });
    const file = path.resolve(
      ROOT,
      args.out,
      `browser-${started.toISOString().slice(0, 16).replace('T', '-').replace(':', '')}.json`,
    );
    writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
    if (args.json) {
      process.stdout.write(JSON.stringify(out) + '\n');
      return;
    }
    const fmt = (x: number | null): string => (x === null ? '—' : String(Math.round(x)));
    const rows = results.map(
      (r) =>
        `| ${r.requested} | ${r.used ?? '—'}${r.fellBack ? ' (fallback)' : ''} | ${r.rounds} | ${fmt(
          r.examplesPerSecond,
        )} | ${fmt(r.wallExamplesPerSecond)} | ${r.finalModelAccuracy === null ? '—' : (100 * r.finalModelAccuracy).toFixed(1) + '%'} | ${r.error ?? ''} |`,
    );
    const webgpu = adapter.webgpu as
      { vendor?: string; architecture?: string; description?: string } | string;
    process.stdout.write(
      [
        `Chromium ${version} (${gpu.mode}); WebGPU adapter: ${
          typeof webgpu === 'string'
            ? webgpu
            : [webgpu.vendor, webgpu.architecture, webgpu.description].filter(Boolean).join(' / ')
        }`,
        `${args.task}, model ${args.model}, ${args.rounds} rounds × ${args.steps} steps; examples/s = median of rounds 2..${args.rounds}`,
        '',
        '| backend | used | rounds | train ex/s | wall ex/s | X accuracy | note |',
        '|---|---|---|---|---|---|---|',
        ...rows,
        '',
        `wrote ${path.relative(ROOT, file)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser?.close();
    await server.close();
  }
}

runCli(main);
