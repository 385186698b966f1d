/// <reference lib="webworker" />
/**
 * The Web Worker that owns all tfjs work: it chooses a backend, builds a TrainingSession,
 * trains it in small chunks of steps (checking for messages between chunks, so Pause lands
 * within a second even mid-round), and answers questions with the current model X.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { UNKNOWN, type Answer } from '../core/answer';
import { amplifiedTrace } from '../core/recursion';
import { getTask } from '../core/tasks';
import { chooseBackend, type BackendOptions } from '../learn/backend';
import { chooseBackendByProbe } from '../learn/backend-probe';
import { nextChunkSteps } from '../learn/chunk-steps';
import { PROBE_WORKER_NAME, probeInWorker, serveProbe } from './probe';
import {
  TrainingSession,
  withBaselineFallback,
  type SessionConfig,
  type SessionSnapshot,
} from '../learn/session';
import { BaselineChannel } from '../learn/supervised';
import type {
  BackendName,
  BackendProbe,
  BackendReport,
  FromWorker,
  Request,
  RequestType,
  ResultMap,
  TrainConfig,
  TrainingState,
  WorkerEvent,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// The wasm binaries are bundled by Vite and served from this site (no network at run time).
// Hashed file names, so a per-file map rather than a folder prefix.
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmPlain, import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimd, import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreaded, import.meta.url).href,
});

let session: TrainingSession | undefined;
let config: TrainConfig | undefined;
let backend: BackendName | undefined;
let stepInRound = 0;
let stepsPerRound = 0;
let roundStartedAt = 0;
let chunkSteps = 1;
/** Training run in progress: how many more rounds to finish (Infinity while playing). */
let run: { roundsLeft: number; pauseMs: number; stop?: 'paused' | 'reset' } | undefined;
let dead = false;
/** The session at the last round boundary (taken when a round ends), for 'snapshot' requests. */
let boundary: SessionSnapshot | undefined;

const post = (msg: FromWorker): void => scope.postMessage(msg);
const emit = (event: WorkerEvent): void => post(event);

/** Runs session work one piece at a time (a training chunk, a batch of answers). */
let lock: Promise<unknown> = Promise.resolve();
function exclusive<T>(work: () => Promise<T>): Promise<T> {
  const next = lock.then(work, work);
  lock = next.catch(() => undefined);
  return next;
}

/** Yields to the event loop so queued messages (pause, sample requests) are handled. */
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldNow(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function state(): TrainingState {
  return {
    round: session?.round ?? 0,
    stepInRound,
    stepsPerRound,
    running: run !== undefined,
    tensors: tf.memory().numTensors,
  };
}

function fatal(message: string, lostBackend?: BackendName): void {
  if (dead) return;
  dead = true;
  if (run) run.stop = 'paused';
  emit({ type: 'error', message, fatal: true, lostBackend });
}

/** Device lost (WebGPU) and context lost (WebGL) end this worker; the page restarts it. */
function watchDevice(name: BackendName): void {
  try {
    const b = tf.backend() as unknown as {
      device?: { lost?: Promise<{ message?: string; reason?: string }> };
      gpgpu?: { gl?: { canvas?: EventTarget } };
    };
    if (name === 'webgpu' && b.device?.lost)
      void b.device.lost.then((info) =>
        fatal(
          `The WebGPU device was lost (${info?.reason ?? 'unknown'}: ${info?.message ?? 'no message'}).`,
          'webgpu',
        ),
      );
    const canvas = b.gpgpu?.gl?.canvas;
    if (name === 'webgl' && canvas && 'addEventListener' in canvas)
      canvas.addEventListener('webglcontextlost', () => fatal('The WebGL context was lost.', 'webgl'));
  } catch {
    // Watching is best effort.
  }
}

/**
 * The supervised baseline's own worker, when the page connected one ('baseline-port'); sessions
 * train their baseline inline without it, or when it fails.
 */
let baselineChannel: BaselineChannel | undefined;
let baselineLost: ((error: Error) => void) | undefined;

/** Messages from the page that are not requests: the baseline worker's port, its loss. */
function control(data: { type?: string; port?: MessagePort; message?: string }): boolean {
  if (data?.type === 'baseline-port' && data.port && !baselineChannel) {
    const port = data.port;
    baselineChannel = new BaselineChannel({
      postMessage: (m) => port.postMessage(m),
      listen: (onMessage, onError) => {
        port.onmessage = (e: MessageEvent) => onMessage(e.data);
        port.onmessageerror = () => onError(new Error('a message could not be read'));
        baselineLost = onError;
      },
      close: () => port.close(),
    });
    return true;
  }
  if (data?.type === 'baseline-lost') {
    baselineLost?.(new Error(data.message ?? 'its worker stopped'));
    return true;
  }
  return false;
}

const warnInline = (why: string): void => console.warn(why);

function createSession(cfg: SessionConfig): Promise<TrainingSession> {
  return withBaselineFallback({ baseline: baselineChannel }, warnInline, (options) =>
    TrainingSession.create(cfg, options),
  );
}

async function buildSession(): Promise<void> {
  if (!config) throw new Error('not configured');
  session?.dispose();
  session = undefined;
  stepInRound = 0;
  stepsPerRound = config.stepsPerRound ?? 0;
  chunkSteps = 1;
  boundary = undefined;
  session = await createSession({ ...config });
}

/** Trains until the run's rounds are done or it is stopped. */
async function trainLoop(): Promise<'done' | 'paused' | 'reset'> {
  while (run && !run.stop && run.roundsLeft > 0 && !dead) {
    const s = session;
    if (!s) throw new Error('no session');
    const t0 = performance.now();
    if (stepInRound === 0) roundStartedAt = t0;
    const result = await exclusive(() => s.train(chunkSteps));
    const elapsed = performance.now() - t0;
    stepInRound = result.stepInRound;
    stepsPerRound = result.stepsPerRound;
    if (result.finished || result.unevaluated) {
      // A round ended (with evaluation 'auto' it may give no row).
      stepInRound = 0;
      boundary = await exclusive(() => s.snapshot());
      run.roundsLeft -= 1;
      if (result.finished) emit({ type: 'round', metrics: result.finished, tensors: tf.memory().numTensors });
    } else {
      // Adapt the chunk so each takes about its target.
      chunkSteps = nextChunkSteps(s.backend, chunkSteps, elapsed);
    }
    emit({ type: 'progress', elapsedInRound: performance.now() - roundStartedAt, ...state() });
    await yieldNow();
    if (
      (result.finished || result.unevaluated) &&
      run &&
      !run.stop &&
      run.roundsLeft > 0 &&
      run.pauseMs > 0
    ) {
      // Wait between rounds while playing, still responsive to pause.
      const until = performance.now() + run.pauseMs;
      while (run && !run.stop && performance.now() < until)
        await sleep(Math.min(50, until - performance.now()));
    }
  }
  return run?.stop ?? 'done';
}

let runPromise: Promise<'done' | 'paused' | 'reset'> | undefined;

async function startRun(roundsLeft: number, pauseMs: number): Promise<'done' | 'paused' | 'reset'> {
  if (runPromise) {
    // Already running: stop the current run first, then start this one.
    if (run) run.stop = 'paused';
    await runPromise;
  }
  run = { roundsLeft, pauseMs };
  emit({ type: 'running', ...state() });
  const p = trainLoop().catch((err: unknown) => {
    fatal(
      `Training failed: ${message(err)}`,
      backend === 'webgpu' || backend === 'webgl' ? backend : undefined,
    );
    return 'paused' as const;
  });
  runPromise = p;
  const stopped = await p;
  if (runPromise === p) runPromise = undefined;
  run = undefined;
  emit({ type: 'running', ...state() });
  return stopped;
}

async function stopRun(reason: 'paused' | 'reset'): Promise<void> {
  if (run) run.stop = reason;
  if (runPromise) await runPromise;
}

/**
 * Tests and benchmarks force WASM threads on or off by naming the worker "…wasm-threads=on|off"
 * (unset: backend.ts decides by the cores and isolation), and "…probe=all" makes the auto probe
 * measure software GPUs too.
 */
const backendOptions: BackendOptions = {
  wasmThreads: /wasm-threads=on/.test(scope.name)
    ? true
    : /wasm-threads=off/.test(scope.name)
      ? false
      : undefined,
};

/** This worker's last probe, so a new task or seed does not measure again. */
let probed: BackendProbe | undefined;

/**
 * "auto" (req.auto set) measures the backends, or reuses a probe that still applies; a forced
 * backend starts first in the given order. Either way a backend that fails to start falls back.
 */
async function startBackend(
  backends: BackendName[],
  trainConfig: TrainConfig,
  auto: { cached?: BackendProbe } | undefined,
): Promise<BackendReport> {
  if (auto) {
    try {
      session?.dispose();
      session = undefined;
      const choice = await chooseBackendByProbe(backends, trainConfig, auto.cached ?? probed, {
        measure: (candidates, cfg) => probeInWorker(candidates, cfg),
        backendOptions,
        measureSoftwareGpus: /probe=all/.test(scope.name),
      });
      if (choice.probe) probed = choice.probe;
      return {
        backend: choice.backend,
        attempts: choice.attempts,
        reason: choice.reason,
        probe: choice.probe,
      };
    } catch (err) {
      console.warn(`The backend probe failed (${message(err)}); using the default order.`);
    }
  }
  const choice = await chooseBackend(backends, backendOptions);
  return { backend: choice.backend, attempts: choice.attempts, reason: choice.detail };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function handle(req: Request): Promise<ResultMap[RequestType]> {
  switch (req.type) {
    case 'configure': {
      await stopRun('reset');
      const report = await startBackend(req.backends, req.config, req.auto);
      backend = report.backend;
      watchDevice(report.backend);
      emit({ type: 'backend', ...report });
      config = req.config;
      await exclusive(buildSession);
      return { ...report, ...state() };
    }
    case 'step': {
      const stopped = await startRun(Math.max(1, Math.floor(req.rounds)), 0);
      return { stopped, ...state() };
    }
    case 'play': {
      const stopped = await startRun(Infinity, Math.max(0, req.pauseMs));
      return { stopped: stopped === 'done' ? 'paused' : stopped, ...state() };
    }
    case 'speed':
      if (run) run.pauseMs = Math.max(0, req.pauseMs);
      return state();
    case 'pause':
      await stopRun('paused');
      return state();
    case 'reset':
      await stopRun('reset');
      await exclusive(buildSession);
      return state();
    case 'sample': {
      const s = session;
      if (!s || !config) throw new Error('not configured');
      const task = getTask(config.task);
      if (!task) throw new Error(`unknown task ${config.task}`);
      const askX = async (ctx: unknown, sub: unknown): Promise<Answer> =>
        (await s.answer(ctx, [sub]))[0] ?? UNKNOWN;
      return exclusive(async () => ({
        answers: req.questions.length > 0 ? await s.answer(req.ctx, req.questions) : [],
        amplified: await amplifiedTrace(task, req.ctx, req.question, askX),
      }));
    }
    case 'snapshot': {
      const s = session;
      if (!s) throw new Error('not configured');
      if (s.stepInRound === 0 && (!boundary || boundary.round !== s.round))
        boundary = await exclusive(() => s.snapshot());
      if (!boundary) throw new Error('no snapshot yet');
      return boundary;
    }
    case 'restore': {
      if (!backend) throw new Error('the worker has no backend yet');
      await stopRun('reset');
      // Build the restored session first: if the snapshot does not fit, the current one stays.
      const restored = await exclusive(() =>
        withBaselineFallback({ baseline: baselineChannel }, warnInline, (options) =>
          TrainingSession.restore(req.snapshot, options),
        ),
      );
      session?.dispose();
      session = restored;
      config = req.config;
      stepInRound = 0;
      stepsPerRound = restored.config.stepsPerRound;
      chunkSteps = 1;
      boundary = undefined;
      return state();
    }
  }
}

scope.onmessage = (event: MessageEvent<Request>) => {
  if (control(event.data as { type?: string })) return;
  const req = event.data;
  if (dead) {
    post({ type: 'reply', id: req.id, ok: false, error: 'the worker has stopped after a fatal error' });
    return;
  }
  handle(req).then(
    (result) => post({ type: 'reply', id: req.id, ok: true, result }),
    (err: unknown) => {
      post({ type: 'reply', id: req.id, ok: false, error: message(err) });
      // A failed configure or reset leaves no usable session: that is fatal.
      if (req.type === 'configure' || req.type === 'reset') fatal(message(err));
    },
  );
};

/**
 * For browser tests: simulate losing the GPU (WebGPU device destroyed, WebGL context lost), the
 * way a driver reset would. Reachable only from a debugger or Playwright's worker.evaluate.
 */
(scope as unknown as { amplabTest: unknown }).amplabTest = {
  backend: () => tf.getBackend(),
  loseGpu(): boolean {
    const b = tf.backend() as unknown as {
      device?: { destroy?: () => void };
      gpgpu?: { gl?: WebGL2RenderingContext };
    };
    if (b.device?.destroy) {
      b.device.destroy();
      return true;
    }
    const lose = b.gpgpu?.gl?.getExtension('WEBGL_lose_context');
    if (lose) {
      lose.loseContext();
      return true;
    }
    return false;
  },
};

scope.addEventListener('unhandledrejection', (event) => {
  fatal(`Unexpected error: ${message(event.reason)}`);
});

// A copy of this worker started by the "auto" probe measures backends instead of training.
if (scope.name === PROBE_WORKER_NAME) serveProbe(scope);
