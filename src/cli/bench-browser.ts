/**
 * `npm run bench:browser [-- --json] [--tasks permutation,wildcard] [--backends webgpu,webgl,wasm,cpu]
 * [--isolated]`: the page's own figures in headless Chromium, measured in the built app.
 *
 * Per task (`--tasks`, default all, `none` to skip): the seconds from pressing "Train it yourself"
 * to X ≥ `--until` (95%) on the held-out set, with the page's defaults on wasm, capped at
 * `--task-cap-seconds` (reported as "not reached" with the last accuracy), plus examples/s.
 * Per backend (`--backends`, `none` to skip): training examples/s of the workshop model.
 *
 * `--isolated` serves the app with COOP/COEP, so it is cross-origin isolated, and `--wasm-threads
 * on|off` forces tfjs's threaded WASM build on or off there (auto: the page decides, threads on
 * 4+ cores). Compare `--isolated --wasm-threads on` with `off`.
 *
 * Serves dist/ (building it first if it is missing, or with --build) on 127.0.0.1 with the same
 * tiny static server the hosting test uses, launches Chromium with the browser tests' flags
 * (WebGPU and WebGL through SwiftShader), and for each backend opens the app with `backend=`
 * forced, plays `--rounds` rounds and reads every round's metrics from the worker's "round"
 * events (listened to from outside the app, by wrapping window.Worker in an init script).
 * A round's rate is (examples it added) / (training seconds it added); the figure reported is
 * the median over rounds 2..N (round 1 pays for warm-up and shader compilation).
 *
 * AMPLAB_DIST measures another build folder than dist/.
 * BENCH_GPU=vulkan swaps SwiftShader for a real GPU (Vulkan ANGLE, GPU blocklist ignored);
 * BENCH_CHROME_ARGS adds more flags (space-separated). CHROME_PATH picks the browser.
 * Writes bench/results/browser-<YYYY-MM-DD-HHMM>.json (UTC) and prints a table (or the JSON with --json).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, DIST, ROOT, ensureDist, launchChromium } from '../harness/chromium';
import { ISOLATION_HEADERS, serveStatic } from '../harness/static-server';
import { BACKEND_NAMES, MODEL_SIZES } from '../core/settings';
import { TASK_IDS } from '../core/task';
import type { GpuCounts } from '../learn/gpu-counters';
import type { WorkerTime } from '../worker/protocol';
import { ArgsError, parseArgs, runCli, usage, type FlagSpec } from './args';

const ALL_BACKENDS = BACKEND_NAMES;
type Backend = (typeof ALL_BACKENDS)[number];

const SPEC = {
  tasks: {
    type: 'string',
    default: TASK_IDS.join(','),
    help: 'comma-separated tasks to time to --until on wasm ("none" to skip)',
  },
  until: { type: 'number', min: 0.01, max: 1, default: 0.95, help: "X's held-out accuracy to reach" },
  'task-cap-seconds': { type: 'number', min: 5, default: 240, help: 'wall-time cap per task' },
  backends: {
    type: 'string',
    default: ALL_BACKENDS.join(','),
    help: 'comma-separated backends to measure examples/s on ("none" to skip)',
  },
  isolated: { type: 'boolean', help: 'serve with COOP/COEP (cross-origin isolated, as WASM threads need)' },
  'wasm-threads': {
    type: 'string',
    choices: ['auto', 'on', 'off'],
    default: 'auto',
    help: "WASM's threaded build (needs --isolated): auto lets the page decide (4+ cores)",
  },
  task: { type: 'string', default: 'permutation', help: 'task id for the per-backend measurement' },
  rounds: { type: 'int', min: 2, max: 100, default: 5, help: 'rounds per backend (median over 2..N)' },
  steps: { type: 'int', min: 1, max: 10_000, default: 10, help: 'training steps per round' },
  model: {
    type: 'string',
    choices: ['auto', ...MODEL_SIZES],
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
  evalSeconds: number;
  supervisedWaitSeconds: number;
  /** Added by the init script: page time (ms) when the event arrived, and the worker's time. */
  at: number;
  work: WorkerTime;
}

/**
 * Where the training worker's wall time went from the press to the last round counted, seconds:
 * amplification's steps, the held-out evaluations (X and Amp(X)), waits for the baseline's
 * thread, the rest of the chunks (the curriculum's check…), the round-boundary snapshots, the
 * page's requests (the sample tree's answers, snapshots kept in IndexedDB), waits between rounds
 * and yields; `mainThreadBusy`: the page's long tasks (over 50 ms) on the main thread.
 */
interface TimeSplit {
  wall: number;
  training: number;
  evaluation: number;
  baselineWait: number;
  chunkOther: number;
  boundarySnapshot: number;
  answers: number;
  snapshots: number;
  betweenRounds: number;
  yields: number;
  /** Mean steps per training chunk. */
  stepsPerChunk: number;
  mainThreadBusy: number;
}

function timeSplit(rounds: RoundEvent[], longTasksMs: number): TimeSplit | null {
  const last = rounds.at(-1);
  if (!last || rounds.some((r) => !r.work)) return null;
  const sum = (f: (w: WorkerTime) => number): number => rounds.reduce((a, r) => a + f(r.work), 0) / 1000;
  const chunks = sum((w) => w.chunks);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    wall: r3(sum((w) => w.wall)),
    training: r3(last.seconds),
    evaluation: r3(last.evalSeconds),
    baselineWait: r3(last.supervisedWaitSeconds),
    chunkOther: r3(chunks - last.seconds - last.evalSeconds - last.supervisedWaitSeconds),
    boundarySnapshot: r3(sum((w) => w.boundarySnapshot)),
    answers: r3(sum((w) => w.answers)),
    snapshots: r3(sum((w) => w.snapshots)),
    betweenRounds: r3(sum((w) => w.betweenRounds)),
    yields: r3(sum((w) => w.yields)),
    stepsPerChunk:
      Math.round(
        (100 * sum((w) => w.steps)) /
          Math.max(
            1e-9,
            sum((w) => w.chunkCount),
          ),
      ) / 100,
    mainThreadBusy: r3(longTasksMs / 1000),
  };
}

interface BackendResult {
  requested: Backend;
  /** What the status element said ("Backend: …"), or null if it never settled. */
  used: string | null;
  /** How the worker said it runs (e.g. "WASM, 4 threads"), from its backend event. */
  detail: string | null;
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
  /**
   * WebGPU only, counted in the training worker from round 1's event to the last (evaluation
   * included): compute dispatches per amplification example, queue submits and buffer
   * read-backs (mapAsync) per training step.
   */
  dispatchesPerExample?: number;
  submitsPerStep?: number;
  readbacksPerStep?: number;
  error?: string;
}

/** The training worker's WebGPU call counts (src/learn/gpu-counters.ts), or null where none. */
async function workerGpuCounts(page: Page): Promise<GpuCounts | null> {
  const worker = page.workers().find((w) => /training\.worker/.test(w.url()));
  if (!worker) return null;
  return worker
    .evaluate(() => (self as unknown as { amplabGpuCounts?: () => GpuCounts }).amplabGpuCounts?.() ?? null)
    .catch(() => null);
}

/**
 * Runs in every page before the app: records each round event the training worker sends (the
 * page's layout is free to change; the worker's events are the protocol), and its backend event.
 */
const initScript = (wasmThreads: string): string => `(() => {
  window.__benchRounds = [];
  window.__benchBackend = null;
  window.__benchLongTasks = 0;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__benchLongTasks += e.duration;
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url, options) {
      // --wasm-threads on|off: the training worker reads it from its name (training.worker.ts).
      const force = ${JSON.stringify(wasmThreads)} !== 'auto' && options && options.name === 'training';
      super(url, force ? { ...options, name: 'training wasm-threads=${wasmThreads}' } : options);
      this.addEventListener('message', (e) => {
        const d = e.data;
        if (d && d.type === 'round' && d.metrics) window.__benchRounds.push({ ...d.metrics, at: performance.now(), work: d.work });
        if (d && d.type === 'backend') window.__benchBackend = { backend: d.backend, reason: d.reason ?? null };
      });
    }
  };
})();`;

/** The Play button (it reads "Pause" while training). */
const playButton = (page: Page) => page.getByRole('button', { name: /^(Play|Pause)$/ });

/** One task timed from "Train it yourself" to X ≥ target. */
interface TaskResult {
  task: string;
  /** The backend the worker ran on, and how (e.g. "WASM, single-threaded"). */
  backend: string | null;
  backendDetail: string | null;
  /** Seconds from the press to the round event that first had X ≥ target; null if not reached. */
  secondsToTarget: number | null;
  reached: boolean;
  /** Rounds and amplification examples when it was reached (or at the cap). */
  rounds: number;
  examples: number;
  /** X's held-out accuracy at the last round seen. */
  lastModelAccuracy: number | null;
  /** Median over rounds 2..N of (examples added) / (training seconds added). */
  examplesPerSecond: number | null;
  /** Examples over the page's wall time from the press (evaluation, baseline and page work included). */
  wallExamplesPerSecond: number | null;
  /** Where the training worker's time went up to that round (seconds). */
  time: TimeSplit | null;
  error?: string;
}

function gpuArgs(): { mode: string; args: string[] } {
  const mode = (process.env.BENCH_GPU ?? 'swiftshader').toLowerCase();
  const extra = (process.env.BENCH_CHROME_ARGS ?? '').split(/\s+/).filter(Boolean);
  if (mode === 'swiftshader') return { mode, args: [...CHROMIUM_ARGS, ...extra] };
  if (mode !== 'vulkan') throw new ArgsError(`BENCH_GPU must be swiftshader or vulkan, got "${mode}"`);
  const base = CHROMIUM_ARGS.filter(
    (a) =>
      !/^--(use-webgpu-adapter|use-vulkan|use-angle|enable-unsafe-webgpu|enable-features|disable-gpu-compositing|disable-gpu-rasterization)=?/.test(
        a,
      ),
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
  opts: { task: string; rounds: number; steps: number; model: string; capMs: number; wasmThreads: string },
  log: (s: string) => void,
): Promise<BackendResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(initScript(opts.wasmThreads));
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const result: BackendResult = {
    requested: backend,
    used: null,
    detail: null,
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
    // A first view may show a recorded run: "Train it yourself" switches to live training and plays.
    const live = page.getByRole('button', { name: 'Train it yourself' });
    const t0 = Date.now();
    if (await live.isVisible()) await live.click();
    else await playButton(page).click();
    // Wait for the rounds, reading the worker's WebGPU call counts as each round event arrives.
    const counted: { rounds: number; counts: GpuCounts | null }[] = [];
    for (;;) {
      const n = await page.evaluate(
        () => (window as unknown as { __benchRounds: unknown[] }).__benchRounds.length,
      );
      if (n > (counted.at(-1)?.rounds ?? 0)) counted.push({ rounds: n, counts: await workerGpuCounts(page) });
      if (n >= opts.rounds) break;
      if (Date.now() > deadline) {
        log(`  ${backend}: stopped at the ${Math.round(opts.capMs / 1000)} s cap`);
        break;
      }
      await page.waitForTimeout(100);
    }
    const pause = page.getByRole('button', { name: 'Pause' });
    if (await pause.isVisible()) await pause.click();
    const rounds = await page.evaluate(
      () => (window as unknown as { __benchRounds: RoundEvent[] }).__benchRounds,
    );
    result.rounds = rounds.length;
    result.detail = await page.evaluate(
      () =>
        (window as unknown as { __benchBackend: { reason: string | null } | null }).__benchBackend?.reason ??
        null,
    );
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
    // Calls per example and per step from round 1's event to the last (evaluation included).
    const first = counted[0];
    const last = counted.at(-1);
    if (first?.counts && last?.counts && last.rounds > first.rounds) {
      const dx = rounds[last.rounds - 1]!.examples - rounds[first.rounds - 1]!.examples;
      const steps = (last.rounds - first.rounds) * opts.steps;
      result.dispatchesPerExample = (last.counts.dispatches - first.counts.dispatches) / dx;
      result.submitsPerStep = (last.counts.submits - first.counts.submits) / steps;
      result.readbacksPerStep = (last.counts.mapAsyncs - first.counts.mapAsyncs) / steps;
    }
    result.finalModelAccuracy = rounds.at(-1)?.modelAccuracy ?? null;
    const strip = page.locator('[data-stat="examples-per-second"]');
    result.statsStrip = (await strip.count()) > 0 ? ((await strip.first().textContent()) ?? '').trim() : null;
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

/**
 * Opens the page for `task` with its defaults on wasm (the recorded run shows first), presses
 * "Train it yourself" and waits for the first round whose X reaches `until`, or the cap.
 */
async function measureTask(
  browser: Browser,
  url: string,
  task: string,
  opts: { until: number; capMs: number; wasmThreads: string },
  log: (s: string) => void,
): Promise<TaskResult> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  await context.addInitScript(initScript(opts.wasmThreads));
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const result: TaskResult = {
    task,
    backend: null,
    backendDetail: null,
    secondsToTarget: null,
    reached: false,
    rounds: 0,
    examples: 0,
    lastModelAccuracy: null,
    examplesPerSecond: null,
    wallExamplesPerSecond: null,
    time: null,
  };
  try {
    await page.goto(`${url}?${new URLSearchParams({ task, backend: 'wasm', speed: 'max' })}`);
    // The recording's "Train it yourself", or Play where no recording is shown.
    const live = page.getByRole('button', { name: 'Train it yourself' });
    const play = playButton(page);
    await live.or(play).first().waitFor({ timeout: 60_000 });
    const pressed = page.evaluate(() => performance.now());
    if (await live.isVisible()) await live.click();
    else await play.click();
    const t0 = await pressed;
    const reachedAt = await page
      .waitForFunction(
        (target) =>
          (window as unknown as { __benchRounds: RoundEvent[] }).__benchRounds.find(
            (r) => r.modelAccuracy >= target,
          )?.round ?? false,
        opts.until,
        { timeout: opts.capMs, polling: 250 },
      )
      .then((h) => h.jsonValue() as Promise<number>)
      .catch(() => null);
    const pause = page.getByRole('button', { name: 'Pause' });
    if (await pause.isVisible()) await pause.click();
    const rounds = await page.evaluate(
      () => (window as unknown as { __benchRounds: RoundEvent[] }).__benchRounds,
    );
    const info = await page.evaluate(
      () =>
        (window as unknown as { __benchBackend: { backend: string; reason: string | null } | null })
          .__benchBackend,
    );
    result.backend = info?.backend ?? null;
    result.backendDetail = info?.reason ?? null;
    const upTo = reachedAt === null ? rounds : rounds.filter((r) => r.round <= reachedAt);
    const last = upTo.at(-1);
    result.rounds = last?.round ?? 0;
    result.examples = last?.examples ?? 0;
    result.lastModelAccuracy = last?.modelAccuracy ?? null;
    result.reached = reachedAt !== null;
    if (last && result.reached) result.secondsToTarget = (last.at - t0) / 1000;
    if (last && last.at > t0) result.wallExamplesPerSecond = last.examples / ((last.at - t0) / 1000);
    const rates: number[] = [];
    let prev = { examples: 0, seconds: 0 };
    for (const r of upTo) {
      const ds = r.seconds - prev.seconds;
      if (ds > 0) rates.push((r.examples - prev.examples) / ds);
      prev = r;
    }
    result.examplesPerSecond = median(rates.slice(1)) ?? rates[0] ?? null;
    const longTasks = await page.evaluate(
      () => (window as unknown as { __benchLongTasks: number }).__benchLongTasks,
    );
    result.time = timeSplit(upTo, longTasks);
    if (result.time) log(`    worker time (s): ${JSON.stringify(result.time)}`);
    const acc = result.lastModelAccuracy === null ? '—' : `${(100 * result.lastModelAccuracy).toFixed(1)}%`;
    log(
      `  ${task}: ` +
        (result.reached
          ? `X ${acc} at round ${result.rounds}, ${result.secondsToTarget!.toFixed(1)} s after the press`
          : `not reached in ${Math.round(opts.capMs / 1000)} s (round ${result.rounds}, X ${acc})`) +
        `, ${result.examples} examples, ${Math.round(result.examplesPerSecond ?? 0)} examples/s`,
    );
  } catch (e) {
    result.error = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    log(`  ${task}: ${result.error}`);
  } finally {
    if (pageErrors.length > 0) result.error = [result.error, ...pageErrors].filter(Boolean).join('; ');
    await context.close();
  }
  return result;
}

/** A comma-separated list of allowed names; "none" (or nothing) is the empty list. */
function list(flag: string, raw: string, allowed: readonly string[]): string[] {
  const names = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (names.length === 1 && names[0] === 'none') return [];
  for (const n of names)
    if (!allowed.includes(n))
      throw new ArgsError(`--${flag} must list some of ${allowed.join(', ')} (or none), got "${n}"`);
  return names;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args.help) {
    process.stdout.write(usage('npm run bench:browser --', SPEC) + '\n');
    return;
  }
  const backends = list('backends', args.backends, ALL_BACKENDS);
  const tasks = list('tasks', args.tasks, TASK_IDS);
  if (!(TASK_IDS as readonly string[]).includes(args.task))
    throw new ArgsError(`--task must be one of ${TASK_IDS.join(', ')}, got "${args.task}"`);
  const gpu = gpuArgs();
  const log = (s: string): void => void process.stderr.write(s + '\n');
  // AMPLAB_DIST: measure another build folder (as the browser tests allow).
  if (args.build || !existsSync(path.join(DIST, 'index.html'))) log('building dist/ …');
  await ensureDist(args.build);
  const server = await serveStatic(DIST, '/', args.isolated ? { headers: ISOLATION_HEADERS } : {});
  let browser: Browser | undefined;
  try {
    browser = await launchChromium(gpu.args);
    const version = browser.version();
    log(`Chromium ${version}, GPU mode ${gpu.mode}${args.isolated ? ', cross-origin isolated' : ''}`);
    const started = new Date();
    const adapter = await gpuInfo(browser, server.url);
    const taskResults: TaskResult[] = [];
    if (tasks.length > 0)
      log(`time to X ≥ ${Math.round(args.until * 100)}% from "Train it yourself", wasm, page defaults:`);
    for (const t of tasks)
      taskResults.push(
        await measureTask(
          browser,
          server.url,
          t,
          { until: args.until, capMs: args['task-cap-seconds'] * 1000, wasmThreads: args['wasm-threads'] },
          log,
        ),
      );
    if (backends.length > 0)
      log(`examples/s per backend: ${args.task}, ${args.rounds} rounds × ${args.steps} steps`);
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
            wasmThreads: args['wasm-threads'],
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
      crossOriginIsolated: args.isolated,
      wasmThreads: args['wasm-threads'],
      settings: { task: args.task, rounds: args.rounds, stepsPerRound: args.steps, model: args.model },
      metric:
        'examplesPerSecond: median over rounds 2..N of (examples added) / (training seconds added), from the worker round events',
      results,
      toTarget: {
        until: args.until,
        capSeconds: args['task-cap-seconds'],
        metric:
          'secondsToTarget: page time from pressing "Train it yourself" (the page defaults, backend=wasm, speed=max) to the round event whose held-out X accuracy first reaches `until`',
        tasks: taskResults,
      },
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
        `| ${r.requested} | ${r.detail ?? r.used ?? '—'}${r.fellBack ? ' (fallback)' : ''} | ${r.rounds} | ${fmt(
          r.examplesPerSecond,
        )} | ${fmt(r.wallExamplesPerSecond)} | ${r.dispatchesPerExample?.toFixed(1) ?? '—'} | ${r.readbacksPerStep?.toFixed(2) ?? '—'} | ${r.submitsPerStep?.toFixed(1) ?? '—'} | ${r.finalModelAccuracy === null ? '—' : (100 * r.finalModelAccuracy).toFixed(1) + '%'} | ${r.error ?? ''} |`,
    );
    const webgpu = adapter.webgpu as
      { vendor?: string; architecture?: string; description?: string } | string;
    const pct = (x: number | null): string => (x === null ? '—' : `${(100 * x).toFixed(1)}%`);
    const taskRows = taskResults.map(
      (t) =>
        `| ${t.task} | ${t.reached ? t.secondsToTarget!.toFixed(1) : 'not reached'} | ${t.rounds} | ${t.examples} | ${pct(
          t.lastModelAccuracy,
        )} | ${fmt(t.examplesPerSecond)} | ${fmt(t.wallExamplesPerSecond)} | ${t.backendDetail ?? t.backend ?? '—'} | ${t.error ?? ''} |`,
    );
    process.stdout.write(
      [
        `Chromium ${version} (${gpu.mode})${args.isolated ? ', cross-origin isolated' : ''}; WebGPU adapter: ${
          typeof webgpu === 'string'
            ? webgpu
            : [webgpu.vendor, webgpu.architecture, webgpu.description].filter(Boolean).join(' / ')
        }`,
        ...(taskRows.length === 0
          ? []
          : [
              '',
              `Seconds from "Train it yourself" to X ≥ ${Math.round(args.until * 100)}% (wasm, page defaults, cap ${args['task-cap-seconds']} s):`,
              '',
              '| task | seconds | rounds | examples | X | train ex/s | wall ex/s | backend | note |',
              '|---|---|---|---|---|---|---|---|---|',
              ...taskRows,
            ]),
        ...(rows.length === 0
          ? []
          : [
              '',
              `${args.task}, model ${args.model}, ${args.rounds} rounds × ${args.steps} steps; examples/s = median of rounds 2..${args.rounds}`,
              '',
              '| backend | used | rounds | train ex/s | wall ex/s | dispatches/example | read-backs/step | submits/step | X accuracy | note |',
              '|---|---|---|---|---|---|---|---|---|---|',
              ...rows,
            ]),
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
