import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { BACKEND_NAMES, type BackendName } from '../core/settings';
import { installGpuCounters } from './gpu-counters';
import { adaptMatMulToAdapter } from './webgpu-matmul';

export { BACKEND_NAMES, type BackendName };

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface BackendChoice {
  backend: BackendName;
  attempts: BackendAttempt[];
  /** How the backend runs, when there is more to say (e.g. "single-threaded WASM: …"). */
  detail?: string;
}

export interface BackendOptions {
  /** Browser: the URL folder (ending in `/`) that serves tfjs-backend-wasm's .wasm files. */
  wasmPaths?: string;
  /**
   * Browser: use tfjs's threaded WASM build (it needs the page cross-origin isolated). Unset: only
   * where tfjs would run two or more threads (4+ cores; it uses half the cores, at most 4). On 2
   * cores it runs one, and measured slower than the single-threaded build in headless Chromium
   * (`npm run bench:browser -- --isolated`, interleaved runs, median training examples/s: 1,650
   * single-threaded, 1,340 threaded with tfjs's 1 thread, 1,380 with 2). If the threaded build
   * fails to start, or takes longer than `startTimeoutMs`, the single-threaded build is used.
   */
  wasmThreads?: boolean;
  /** A backend that has not started after this long counts as failed (default 20 s). */
  startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 20_000;
/** tfjs-backend-wasm's own registration priority, kept when it is re-registered. */
const PRIORITY: Record<BackendName, number> = { webgpu: 3, webgl: 2, wasm: 2, cpu: 1 };

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions?.node;

let wasmPathsSet = false;
/** Browser: whether wasm is set to start its threaded build (undefined until decided). */
let wasmThreads: boolean | undefined;

/** Whether this browser context can run wasm threads at all (SharedArrayBuffer needs isolation). */
export function canUseWasmThreads(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  return !isNode() && g.crossOriginIsolated === true && typeof g.SharedArrayBuffer === 'function';
}

/** In Node: the folder of the installed @tensorflow/tfjs-backend-wasm dist files, with a trailing `/`. */
export async function nodeWasmPaths(): Promise<string> {
  const moduleName = 'node:module';
  const pathName = 'node:path';
  const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
  const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

async function prepare(backend: BackendName, options: BackendOptions): Promise<void> {
  if (backend === 'wasm') {
    if (!wasmPathsSet) {
      const paths = options.wasmPaths ?? (isNode() ? await nodeWasmPaths() : undefined);
      if (paths) setWasmPaths(paths);
      wasmPathsSet = true;
    }
    if (!isNode() && wasmThreads === undefined) {
      // Decided once, before the backend initialises: tfjs reads the flag at init.
      const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
        ?.hardwareConcurrency;
      let threads = canUseWasmThreads() && (options.wasmThreads ?? (cores ?? 1) >= 4);
      if (threads) {
        try {
          const { repairThreadedWasm } = await import('./wasm-threads');
          await repairThreadedWasm();
        } catch {
          threads = false;
        }
      }
      if (!threads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasmThreads = threads;
    }
  } else if (backend === 'webgpu') {
    if (isNode()) await provideNodeWebGpu();
    if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu)
      throw new Error('WebGPU is not available here (navigator.gpu is missing)');
    // Before tfjs's WebGPU backend first uses them: benchmarks report calls per step.
    installGpuCounters();
    // A literal specifier, so the browser bundle carries the backend as a chunk of its own.
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (backend === 'webgl') {
    if (isNode()) throw new Error('WebGL is not available in Node');
  }
}

/**
 * Node has no navigator.gpu; the optional `webgpu` package (Dawn) provides one, given a Vulkan
 * driver (a real GPU's, or SwiftShader's via VK_ICD_FILENAMES). Used by `npm run bench`.
 */
async function provideNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const name = 'webgpu';
  let dawn: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    dawn = (await import(/* @vite-ignore */ name)) as typeof dawn;
  } catch (err) {
    throw new Error(
      `WebGPU in Node needs the "webgpu" package (${err instanceof Error ? err.message : err})`,
      { cause: err },
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Forgets a backend's instance (and any start still pending) but keeps it registered, so the next
 * `setBackend` starts it afresh, e.g. with other flags.
 */
export function resetBackend(backend: BackendName): void {
  const factory = tf.findBackendFactory(backend);
  if (!factory) return;
  try {
    tf.removeBackend(backend);
  } catch {
    // Disposing a half-started backend may throw; it is unregistered either way.
  }
  tf.registerBackend(backend, factory, PRIORITY[backend]);
}

/**
 * Starts one backend: resolves true when it runs, false or a rejection when it cannot; a start
 * that hangs times out. Workers the backend creates while it starts (wasm's pthread workers) are
 * watched: one that throws fails the start, its error goes no further (it would otherwise reach
 * the page as a crash of the training worker), and on failure they are all terminated.
 */
async function start(backend: BackendName, timeoutMs: number): Promise<boolean> {
  const g = globalThis as { Worker?: typeof Worker };
  const Base = g.Worker;
  const spawned: Worker[] = [];
  // After a failed start its workers stay silenced: their queued errors still arrive.
  let state: 'starting' | 'started' | 'failed' = 'starting';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
    timer = setTimeout(
      () => reject(new Error(`${backend} did not start within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  if (!isNode() && typeof Base === 'function') {
    g.Worker = class extends Base {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        spawned.push(this);
        this.addEventListener('error', (e) => {
          if (state === 'started') return;
          e.preventDefault();
          e.stopImmediatePropagation();
          fail(new Error(`a worker it started threw "${e.message || 'an error'}"`));
        });
      }
    };
  }
  try {
    const ok = await Promise.race([tf.setBackend(backend), failed]);
    await Promise.race([tf.ready(), failed]);
    const started = ok && tf.getBackend() === backend;
    state = started ? 'started' : 'failed';
    return started;
  } catch (err) {
    state = 'failed';
    for (const w of spawned) w.terminate();
    throw err;
  } finally {
    clearTimeout(timer);
    if (Base) g.Worker = Base;
  }
}

/** After wasm has started: how it runs ("WASM, 4 threads"), or undefined outside a browser. */
function wasmDetail(): string | undefined {
  if (isNode()) return undefined;
  if (!wasmThreads) return 'WASM, single-threaded';
  let threads = 1;
  try {
    threads = getThreadsCount();
  } catch {
    // Not initialised: leave it at one.
  }
  return `WASM, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * Tries each backend in order and keeps the first that initialises. `tf.setBackend` returns false
 * rather than throwing, so success is checked with `tf.getBackend()`. WASM's threaded build that
 * fails to start falls back to the single-threaded build before the next backend is tried.
 */
export async function chooseBackend(
  preference: BackendName[],
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  for (const backend of preference) {
    try {
      await prepare(backend, options);
      let threadsFailed: string | undefined;
      let ok: boolean;
      try {
        ok = await start(backend, timeoutMs);
        if (!ok && backend === 'wasm' && wasmThreads === true)
          throw new Error('the threaded build did not initialise');
      } catch (err) {
        if (backend !== 'wasm' || wasmThreads !== true) throw err;
        // The threaded build did not start: the single-threaded SIMD build needs no workers.
        threadsFailed = describe(err);
        resetBackend('wasm');
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        wasmThreads = false;
        ok = await start(backend, timeoutMs);
      }
      if (ok) {
        if (backend === 'webgpu') adaptMatMulToAdapter();
        const detail =
          backend !== 'wasm'
            ? undefined
            : threadsFailed
              ? `${wasmDetail()} (the threaded build did not start: ${threadsFailed})`
              : wasmDetail();
        attempts.push(detail ? { backend, ok: true, reason: detail } : { backend, ok: true });
        return detail ? { backend, attempts, detail } : { backend, attempts };
      }
      attempts.push({
        backend,
        ok: false,
        reason: `setBackend('${backend}') did not take (now ${tf.getBackend()})`,
      });
    } catch (err) {
      attempts.push({ backend, ok: false, reason: describe(err) });
      // A start that failed or timed out may still be pending: let the next backend start clean.
      if (!isNode()) resetBackend(backend);
    }
  }
  const reasons = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new Error(`no backend could start (${reasons})`);
}
