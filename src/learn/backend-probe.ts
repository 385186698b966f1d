/**
 * "auto" measures: a short probe runs a few training steps on each backend that starts here and
 * picks the fastest. The decision logic (`probeBackends`, `probeCacheKey`, `probeReason`) is pure
 * and takes its measurements from an injected runner, so it is unit-tested without a browser;
 * `measureTraining` is the real runner and `chooseBackendByProbe` puts the two together.
 */
import * as tf from '@tensorflow/tfjs';
import {
  chooseBackend,
  resetBackend,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
} from './backend';
import { nextChunkSteps } from './chunking';
import { TASK_DEFAULTS } from './defaults';
import { describeDevice, isSoftwareGpu, type DeviceDescription } from './device';
import { TrainingSession, type SessionConfig } from './session';

export { describeDevice, isSoftwareGpu, type DeviceDescription };

/** What the page keeps per browser (plain data), so later visits skip the probe. */
export interface BackendProbe {
  /** tfjs version, device (adapter, renderer, cores) and the backends probed: a new key re-probes. */
  key: string;
  backend: BackendName;
  /** e.g. "WebGPU: 6.1x faster than WASM here". */
  reason: string;
  /** Training examples per second each backend reached in the probe. */
  examplesPerSecond: Partial<Record<BackendName, number>>;
}

/** One backend's measurement: examples trained in `seconds` of timed steps (after a warm-up). */
export interface ProbeSample {
  examples: number;
  seconds: number;
}

/** Runs a few training steps on `backend` for about `shareMs`; throws if the backend fails. */
export type ProbeRunner = (backend: BackendName, shareMs: number) => Promise<ProbeSample>;

export interface ProbeEntry {
  backend: BackendName;
  /** Set when the backend ran. */
  examplesPerSecond?: number;
  /** Why it has no rate: it failed, or the time budget was spent before its turn. */
  skipped?: string;
}

export interface ProbeOutcome {
  /** The fastest backend that ran, or undefined if none did. */
  best?: BackendName;
  entries: ProbeEntry[];
  reason: string;
}

export interface ProbeOptions {
  /** The whole probe's wall-time budget (default 2000 ms). */
  budgetMs?: number;
  /** Every backend that gets a turn is given at least this long (default 250 ms). */
  minShareMs?: number;
  /** Clock, in ms (injected by tests). */
  now?: () => number;
}

export const LABEL: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WASM',
  cpu: 'CPU',
};

/**
 * The order a probe tries backends in: cheap, reliable starters first (WASM starts in well under
 * a second, a GPU backend may spend seconds compiling shaders), CPU last: plain JavaScript is
 * never faster than WASM, so it is measured only when nothing before it ran.
 */
export function probeOrder(candidates: readonly BackendName[]): BackendName[] {
  const rank: Record<BackendName, number> = { wasm: 0, webgpu: 1, webgl: 2, cpu: 3 };
  return [...new Set(candidates)].sort((a, b) => rank[a] - rank[b]);
}

const CPU_SKIPPED = 'not measured: never faster than WASM';

/** A training rate for people: whole examples, thousands separated. */
const rate = (examplesPerSecond: number): string => Math.round(examplesPerSecond).toLocaleString('en-US');

/** Why the winner was chosen, in words for the page. */
export function probeReason(entries: readonly ProbeEntry[]): string {
  const ran = entries
    .filter((e): e is ProbeEntry & { examplesPerSecond: number } => e.examplesPerSecond !== undefined)
    .sort((a, b) => b.examplesPerSecond - a.examplesPerSecond);
  const best = ran[0];
  if (!best) {
    const why = entries.map((e) => `${LABEL[e.backend]}: ${e.skipped ?? 'no rate'}`).join('; ');
    return `No backend could be measured (${why})`;
  }
  const next = ran[1];
  if (!next) {
    // CPU left out because something faster ran is not worth a mention.
    const others = entries.filter((e) => e !== best && e.skipped !== CPU_SKIPPED);
    if (others.length === 0) return `${LABEL[best.backend]}: the only backend on offer here`;
    const byWhy = new Map<string, string[]>();
    for (const e of others) {
      const why = e.skipped ?? 'not measured';
      byWhy.set(why, [...(byWhy.get(why) ?? []), LABEL[e.backend]]);
    }
    const why = [...byWhy].map(([w, names]) => `${names.join(', ')}: ${w}`).join('; ');
    return `${LABEL[best.backend]}: the only backend measured here (${why})`;
  }
  const ratio = best.examplesPerSecond / Math.max(next.examplesPerSecond, 1e-9);
  const figures = ran.map((e) => `${LABEL[e.backend]} ${rate(e.examplesPerSecond)}`).join(', ');
  return ratio < 1.05
    ? `${LABEL[best.backend]}: as fast as ${LABEL[next.backend]} here (within 5%; examples/s: ${figures})`
    : `${LABEL[best.backend]}: ${ratio.toFixed(1)}x faster than ${LABEL[next.backend]} here (examples/s: ${figures})`;
}

/**
 * Measures each candidate with `run` and picks the fastest. The budget is shared out as the probe
 * goes (what is left, split among the backends still to run, at least `minShareMs` each); once it
 * is spent and some backend has a rate, the rest are skipped. A backend whose run throws is
 * recorded as failed and the next is tried.
 */
export async function probeBackends(
  candidates: readonly BackendName[],
  run: ProbeRunner,
  options: ProbeOptions = {},
): Promise<ProbeOutcome> {
  const budgetMs = options.budgetMs ?? 2000;
  const minShareMs = options.minShareMs ?? 250;
  const now = options.now ?? (() => performance.now());
  const order = probeOrder(candidates);
  const deadline = now() + budgetMs;
  const entries: ProbeEntry[] = [];
  const ran = (): boolean => entries.some((e) => e.examplesPerSecond !== undefined);
  for (let i = 0; i < order.length; i++) {
    const backend = order[i]!;
    const left = deadline - now();
    if (backend === 'cpu' && ran()) {
      entries.push({ backend, skipped: CPU_SKIPPED });
      continue;
    }
    if (left <= 0 && ran()) {
      entries.push({
        backend,
        skipped: `not measured: the ${(budgetMs / 1000).toFixed(1)} s probe was spent`,
      });
      continue;
    }
    // Share what is left among the backends still to run (CPU runs only if none of them does).
    const still = order.slice(i).filter((b) => b !== 'cpu').length || 1;
    const share = Math.max(minShareMs, left / still);
    try {
      const sample = await run(backend, share);
      if (!(sample.examples > 0 && sample.seconds > 0))
        throw new Error(`no usable measurement (${sample.examples} examples in ${sample.seconds} s)`);
      entries.push({ backend, examplesPerSecond: sample.examples / sample.seconds });
    } catch (err) {
      entries.push({ backend, skipped: `failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  let best: ProbeEntry | undefined;
  for (const e of entries)
    if (e.examplesPerSecond !== undefined && (!best || e.examplesPerSecond > best.examplesPerSecond!))
      best = e;
  return { best: best?.backend, entries, reason: probeReason(entries) };
}

/**
 * The cache key: a new tfjs, another GPU or driver, another set of backends, or another model
 * (permutation's relational model ranks the backends differently) means a new probe.
 */
export function probeCacheKey(parts: {
  tfjsVersion: string;
  device: string;
  backends: readonly BackendName[];
  model: string;
}): string {
  return `tfjs ${parts.tfjsVersion} | ${parts.device} | ${[...parts.backends].sort().join(',')} | ${parts.model}`;
}

/**
 * The model a session of `config` trains, in words for the cache key: its size, the task's own
 * changes to it and the config's (as the session resolves them).
 */
export function probeModel(config: Pick<SessionConfig, 'task' | 'modelSize' | 'model'>): string {
  const d = TASK_DEFAULTS[config.task];
  const size = config.modelSize ?? d.modelSize;
  const changes = { ...d.model, ...config.model };
  const keys = Object.keys(changes).sort() as (keyof typeof changes)[];
  return [size, ...keys.map((k) => `${k}=${String(changes[k])}`)].join(' ');
}

/** Whether a kept probe result still applies here. */
export function usableProbe(
  cached: BackendProbe | undefined,
  key: string,
  backends: readonly BackendName[],
): cached is BackendProbe {
  return !!cached && cached.key === key && backends.includes(cached.backend);
}

export interface MeasureOptions {
  backendOptions?: BackendOptions;
  now?: () => number;
  /** Tests: called before each chunk with its number (0 = warm-up); throwing simulates a failure. */
  beforeChunk?: (backend: BackendName, chunk: number) => void;
}

/**
 * The real runner: starts `backend`, builds a session of `config` (no supervised baseline, a tiny
 * held-out set) and trains it as the page's worker does: a one-step warm-up (shader compilation,
 * first allocations), a one-step chunk that sizes the next (nextChunkSteps), then chunks of the
 * worker's size, timed, until `shareMs` has passed (at least one). A chunk ends at the round's
 * end as in the worker, which then evaluates. Everything it made is disposed, even when a chunk
 * throws; the backend stays registered for a later start.
 */
export async function measureTraining(
  backend: BackendName,
  config: SessionConfig,
  shareMs: number,
  options: MeasureOptions = {},
): Promise<ProbeSample> {
  const now = options.now ?? (() => performance.now());
  const choice = await chooseBackend([backend], options.backendOptions);
  if (choice.backend !== backend) throw new Error(`${backend} did not start`);
  let session: TrainingSession | undefined;
  try {
    const s = (session = await TrainingSession.create({ ...config, supervised: false, heldOutQuestions: 8 }));
    /** Trains one chunk of at most `steps`; returns the steps trained and the ms taken. */
    const chunk = async (n: number, steps: number): Promise<{ steps: number; ms: number }> => {
      options.beforeChunk?.(backend, n);
      const [e0, t0] = [s.examples, now()];
      await s.train(steps);
      return { steps: Math.round((s.examples - e0) / s.config.batchSize), ms: now() - t0 };
    };
    await chunk(0, 1);
    const first = await chunk(1, 1);
    let steps = nextChunkSteps(s.backend, first.steps, first.ms);
    const e0 = s.examples;
    const t0 = now();
    for (let n = 2; n === 2 || now() - t0 < shareMs; n++) {
      const done = await chunk(n, steps);
      // A chunk cut short by the round's end says nothing about the next chunk's size.
      if (done.steps === steps) steps = nextChunkSteps(s.backend, done.steps, done.ms);
    }
    return { examples: s.examples - e0, seconds: (now() - t0) / 1000 };
  } finally {
    session?.dispose();
  }
}

export interface ProbedChoice extends BackendChoice {
  /** Why this backend: the probe's verdict, or why there was none. */
  reason: string;
  /** A fresh measurement for the page to keep (absent when a kept one was used). */
  probe?: BackendProbe;
}

/**
 * The outcome from what a probe reported, which may be partial (a probe stopped at its time
 * limit): candidates without an entry are "not measured in time".
 */
export function summarizeProbe(
  candidates: readonly BackendName[],
  reported: readonly ProbeEntry[],
): ProbeOutcome {
  const ran = reported.some((e) => e.examplesPerSecond !== undefined);
  const entries = probeOrder(candidates).map(
    (backend): ProbeEntry =>
      reported.find((e) => e.backend === backend) ?? {
        backend,
        skipped: backend === 'cpu' && ran ? CPU_SKIPPED : 'not measured in time',
      },
  );
  let best: ProbeEntry | undefined;
  for (const e of entries)
    if (e.examplesPerSecond !== undefined && (!best || e.examplesPerSecond > best.examplesPerSecond!))
      best = e;
  return { best: best?.backend, entries, reason: probeReason(entries) };
}

/** Measures candidates and reports one entry per backend it finished (a probe worker, in the app). */
export type ProbeMeasure = (candidates: BackendName[], config: SessionConfig) => Promise<ProbeEntry[]>;

/** The probe in this thread (Node, tests): nothing can cut a slow backend's start-up short. */
export const measureHere: ProbeMeasure = async (candidates, config) =>
  (await probeBackends(candidates, (b, share) => measureTraining(b, config, share))).entries;

/**
 * "auto": uses the kept probe result when its key still matches, otherwise probes the backends in
 * `preference` on `config` and starts the fastest. If nothing could be measured, the plain
 * preference order decides, as before.
 */
export async function chooseBackendByProbe(
  preference: BackendName[],
  config: SessionConfig,
  cached?: BackendProbe,
  options: {
    measure?: ProbeMeasure;
    backendOptions?: BackendOptions;
    /** Tests: measure software GPUs too (slow to start, never the fastest). */
    measureSoftwareGpus?: boolean;
  } = {},
): Promise<ProbedChoice> {
  const device = await describeDevice();
  const key = probeCacheKey({
    tfjsVersion: tf.version.tfjs,
    device: device.text,
    backends: preference,
    model: probeModel(config),
  });
  const startFirst = async (first: BackendName | undefined): Promise<BackendChoice> =>
    chooseBackend(
      first ? [first, ...preference.filter((b) => b !== first)] : preference,
      options.backendOptions,
    );
  if (usableProbe(cached, key, preference)) {
    const choice = await startFirst(cached.backend);
    const reason =
      choice.backend === cached.backend
        ? `${cached.reason} (measured earlier in this browser)`
        : `${LABEL[cached.backend]} was fastest here before but did not start`;
    return { ...choice, reason };
  }
  // A software GPU is not measured: never faster than WASM, and the shader compiles a probe starts
  // there keep the CPU (and the GPU process) busy long after the probe has given up on them.
  const software = options.measureSoftwareGpus ? [] : preference.filter((b) => device.software.includes(b));
  const toMeasure = preference.filter((b) => !software.includes(b));
  const skipped = software.map((backend) => ({ backend, skipped: 'not measured: a software GPU' }));
  const contenders = toMeasure.filter((b) => b !== 'cpu');
  if (contenders.length === 1) {
    // One backend worth running (CPU is never faster than WASM): nothing to measure.
    const only = contenders[0]!;
    const choice = await startFirst(only);
    const others = skipped.length > 0 ? ` (${software.map((b) => LABEL[b]).join(', ')}: a software GPU)` : '';
    const reason = `${LABEL[only]}: the only backend worth running here${others}`;
    if (choice.backend !== only) return { ...choice, reason: `${LABEL[only]} did not start` };
    return { ...choice, reason, probe: { key, backend: only, reason, examplesPerSecond: {} } };
  }
  const measured = toMeasure.length > 0 ? await (options.measure ?? measureHere)(toMeasure, config) : [];
  const outcome = summarizeProbe(preference, [...measured, ...skipped]);
  // Free what an in-thread probe started (GPU devices, contexts, wasm threads) except the winner.
  for (const e of outcome.entries) if (e.backend !== outcome.best) resetBackend(e.backend);
  const choice = await startFirst(outcome.best);
  if (!outcome.best) return { ...choice, reason: `${outcome.reason}; using the default order` };
  if (choice.backend !== outcome.best)
    return { ...choice, reason: `${LABEL[outcome.best]} was fastest in the probe but did not start again` };
  const examplesPerSecond: Partial<Record<BackendName, number>> = {};
  for (const e of outcome.entries)
    if (e.examplesPerSecond !== undefined) examplesPerSecond[e.backend] = Math.round(e.examplesPerSecond);
  return {
    ...choice,
    reason: outcome.reason,
    probe: { key, backend: outcome.best, reason: outcome.reason, examplesPerSecond },
  };
}
