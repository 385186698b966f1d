/**
 * `npm run bench`: per task (workshop preset), examples and seconds until X reaches 95% and 99%
 * with amplification and with supervision (median over seeds), training examples/s per backend,
 * the backend's raw matmul GFLOP/s, model FLOPs per example, and efficiency.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { RunSettings } from '../core/settings';
import type { TaskId } from '../core/task';
import { TASKS } from '../core/tasks';
import { chooseBackend, type BackendName } from '../learn/backend';
import { setFusedOps } from '../learn/fused/switch';
import { gpuCounts } from '../learn/gpu-counters';
import { TrainingSession } from '../learn/session';
import type { BaselineChannel } from '../learn/supervised';
import { ArgsError, parseArgs, runCli, usage, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';
import { trainRoundUnlessStopped, watchStopSignals, yieldToEvents, type StopRequest } from './signals';
import { createSession, startBaselineThread } from './threads';

const SPEC = {
  tasks: { type: 'string', help: 'comma-separated task ids (default: all)' },
  seeds: { type: 'int', min: 1, max: 10, default: 3, help: 'seeds per task (median reported)' },
  'cap-seconds': { type: 'number', min: 1, default: 150, help: 'wall-time cap per training run' },
  quick: { type: 'boolean', help: '1 seed, 40 s cap, short throughput runs' },
  backends: {
    type: 'string',
    default: 'wasm,cpu',
    help: 'backends whose throughput is measured (wasm, cpu, webgpu)',
  },
  'throughput-only': { type: 'boolean', help: 'skip the time-to-accuracy runs' },
  'inline-baseline': {
    type: 'boolean',
    help: 'train the supervised baseline in the same thread (default: a worker thread of its own)',
  },
  'batch-size': {
    type: 'int',
    min: 1,
    max: 65536,
    help: "questions per training step in the throughput runs (default: the task's)",
  },
  fused: {
    type: 'string',
    choices: ['all', 'dense', 'attention', 'none'],
    default: 'all',
    help: 'fused ops (src/learn/fused) switched on',
  },
  ...settingFlags(['overseer']),
  out: { type: 'string', default: 'bench/results', help: 'folder for the JSON and markdown' },
  json: { type: 'boolean', help: 'print the JSON result on stdout' },
  help: { type: 'boolean' },
} satisfies Record<string, FlagSpec>;

interface Reach {
  examples: number | null;
  seconds: number | null;
}

interface RunResult {
  seed: number;
  amplification: { 95: Reach; 99: Reach; final: number; byDepth: Record<string, number> };
  supervised: { 95: Reach; 99: Reach; final: number };
  rounds: number;
  wallSeconds: number;
  capped: boolean;
  /** Stopped by SIGTERM / SIGINT before it reached 99% or the cap. */
  interrupted?: boolean;
}

const median = (xs: (number | null)[]): number | null => {
  // A run that never reached the mark counts as +∞; the median is null when most did not reach it.
  const v = xs.map((x) => (x === null ? Infinity : x)).sort((a, b) => a - b);
  const m = v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  return Number.isFinite(m) ? m : null;
};

async function timeToAccuracy(
  task: TaskId,
  seed: number,
  capSeconds: number,
  log: (s: string) => void,
  channel: BaselineChannel | undefined,
  stop: StopRequest,
  settings: Partial<RunSettings>,
): Promise<RunResult> {
  const s = await createSession(
    { ...settings, task, preset: 'workshop', seed, supervised: true },
    channel,
    (why) => log(why),
  );
  const start = Date.now();
  const r: RunResult = {
    seed,
    amplification: {
      95: { examples: null, seconds: null },
      99: { examples: null, seconds: null },
      final: 0,
      byDepth: {},
    },
    supervised: { 95: { examples: null, seconds: null }, 99: { examples: null, seconds: null }, final: 0 },
    rounds: 0,
    wallSeconds: 0,
    capped: false,
  };
  for (;;) {
    const m = await trainRoundUnlessStopped(s, stop);
    if (!m) {
      r.interrupted = true;
      break;
    }
    for (const mark of [95, 99] as const) {
      if (r.amplification[mark].examples === null && m.modelAccuracy >= mark / 100)
        r.amplification[mark] = { examples: m.examples, seconds: m.seconds };
      if (r.supervised[mark].examples === null && (m.supervisedAccuracy ?? 0) >= mark / 100)
        r.supervised[mark] = { examples: m.labels, seconds: m.supervisedSeconds };
    }
    r.amplification.final = m.modelAccuracy;
    r.amplification.byDepth = Object.fromEntries(Object.entries(m.byDepth).map(([d, a]) => [d, a.model]));
    r.supervised.final = m.supervisedAccuracy ?? 0;
    r.rounds = m.round;
    if (r.amplification[99].examples !== null && r.supervised[99].examples !== null) break;
    if ((Date.now() - start) / 1000 >= capSeconds) {
      r.capped = true;
      break;
    }
  }
  r.wallSeconds = (Date.now() - start) / 1000;
  log(
    `  seed ${seed}: X ${(100 * r.amplification.final).toFixed(1)}% sup ${(100 * r.supervised.final).toFixed(1)}% after ${r.rounds} rounds, ` +
      `amp 95% at ${r.amplification[95].examples ?? '-'} ex, sup 95% at ${r.supervised[95].examples ?? '-'} labels${r.capped ? ' (capped)' : ''}${r.interrupted ? ' (interrupted)' : ''}`,
  );
  s.dispose();
  return r;
}

/** Best of a few timed matmuls: the backend's raw GFLOP/s at sizes like the model's. */
async function matmulGflops(): Promise<{ gflops: number; shapes: Record<string, number> }> {
  // Model-like shapes ([contexts·facts, d] × [d, d]) and one large square for the backend's peak.
  const shapes: [number, number, number][] = [
    [512, 64, 64],
    [672, 64, 128],
    [512, 512, 512],
  ];
  const out: Record<string, number> = {};
  let best = 0;
  for (const [m, k, n] of shapes) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    tf.matMul(a, b).dispose(); // warm-up
    let reps = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      // Ten products per read-back, so the sync is not what is measured.
      const cs = Array.from({ length: 10 }, () => tf.matMul(a, b));
      await cs[9]!.data();
      tf.dispose(cs);
      reps += 10;
    }
    await yieldToEvents();
    const secs = (performance.now() - t0) / 1000;
    const g = (2 * m * k * n * reps) / secs / 1e9;
    out[`${m}x${k}x${n}`] = g;
    best = Math.max(best, g);
    a.dispose();
    b.dispose();
  }
  return { gflops: best, shapes: out };
}

async function throughput(
  task: TaskId,
  steps: number,
  batchSize: number | undefined,
  settings: Partial<RunSettings>,
): Promise<{
  examplesPerSecond: number;
  flopsPerExample: number;
  parameters: number;
  dispatchesPerExample: number;
  readbacksPerStep: number;
}> {
  const s = await TrainingSession.create({
    ...settings,
    task,
    ...(batchSize ? { batchSize } : {}),
    preset: 'workshop',
    seed: 1,
    supervised: false,
    stepsPerRound: steps + 2,
    curriculum: false,
  });
  await s.train(2); // warm-up
  const e0 = s.examples;
  const t0 = s.seconds;
  const c0 = gpuCounts(); // WebGPU calls (counted only on webgpu)
  // One chunk, as the page's worker trains a GPU round: its teacher waves and loss are read back once.
  await s.train(steps);
  await yieldToEvents();
  const c1 = gpuCounts();
  const eps = (s.examples - e0) / (s.seconds - t0);
  const flopsPerExample = s.trainingFlopsPerExample;
  const parameters = s.parameters;
  const dispatchesPerExample = (c1.dispatches - c0.dispatches) / (s.examples - e0);
  const readbacksPerStep = (c1.mapAsyncs - c0.mapAsyncs) / steps;
  s.dispose();
  return { examplesPerSecond: eps, flopsPerExample, parameters, dispatchesPerExample, readbacksPerStep };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args.help) {
    process.stderr.write(usage('npm run bench --', SPEC) + '\n');
    return;
  }
  const tasks = (args.tasks ? args.tasks.split(',') : Object.keys(TASKS)) as TaskId[];
  for (const t of tasks)
    if (!(t in TASKS))
      throw new ArgsError(`--tasks: unknown task "${t}" (allowed: ${Object.keys(TASKS).join(', ')})`);
  const seeds = args.quick ? 1 : args.seeds;
  // The run settings bench takes (--overseer); the rest are each task's defaults.
  const settings = settingsFromFlags(args, ['overseer']);
  const cap = args.quick ? Math.min(40, args['cap-seconds']) : args['cap-seconds'];
  const log = (s: string): void => void process.stderr.write(s + '\n');
  const started = new Date().toISOString();
  const stop = watchStopSignals();
  const fused = args.fused;
  setFusedOps({
    dense: fused === 'all' || fused === 'dense',
    attention: fused === 'all' || fused === 'attention',
  });

  const backends: Record<
    string,
    {
      matmulGflops: number;
      matmulShapes: Record<string, number>;
      tasks: Record<
        string,
        {
          examplesPerSecond: number;
          flopsPerExample: number;
          achievedGflops: number;
          efficiency: number;
          parameters: number;
        }
      >;
    }
  > = {};
  const backendList = args.backends.split(',') as BackendName[];
  for (const b of backendList)
    if (!['wasm', 'cpu', 'webgpu'].includes(b))
      throw new ArgsError(`--backends: "${b}" is not one of wasm, cpu, webgpu`);
  for (const b of backendList) {
    if (stop.signal) break;
    await chooseBackend([b]);
    const mm = await matmulGflops();
    log(`${b}: matmul ${mm.gflops.toFixed(1)} GFLOP/s`);
    backends[b] = { matmulGflops: mm.gflops, matmulShapes: mm.shapes, tasks: {} };
    for (const t of tasks) {
      if (stop.signal) break;
      const tp = await throughput(t, b === 'cpu' ? 2 : args.quick ? 10 : 30, args['batch-size'], settings);
      const achieved = (tp.examplesPerSecond * tp.flopsPerExample) / 1e9;
      backends[b].tasks[t] = { ...tp, achievedGflops: achieved, efficiency: achieved / mm.gflops };
      log(
        `  ${t}: ${tp.examplesPerSecond.toFixed(0)} examples/s, ${(tp.flopsPerExample / 1e6).toFixed(2)} MFLOP/example, ${achieved.toFixed(1)} GFLOP/s (${((100 * achieved) / mm.gflops).toFixed(0)}% of matmul)` +
          (b === 'webgpu'
            ? `, ${tp.dispatchesPerExample.toFixed(1)} dispatches/example, ${tp.readbacksPerStep.toFixed(2)} read-backs/step`
            : ''),
      );
    }
  }

  if (args['throughput-only']) {
    const batchSize = args['batch-size'] ?? null;
    const result = {
      started,
      finished: new Date().toISOString(),
      ...(stop.signal ? { interrupted: stop.signal } : {}),
      node: process.version,
      fused,
      batchSize,
      backends,
    };
    mkdirSync(args.out, { recursive: true });
    writeFileSync(
      `${args.out}/throughput-${backendList.join('-')}${batchSize ? `-batch${batchSize}` : ''}${fused === 'all' ? '' : `-fused-${fused}`}.json`,
      JSON.stringify(result, null, 2) + '\n',
    );
    const lines = [
      '| backend | task | examples/s | MFLOP/example | achieved GFLOP/s | matmul GFLOP/s | efficiency |',
      '|---|---|---|---|---|---|---|',
    ];
    for (const [b, r] of Object.entries(backends))
      for (const [t, x] of Object.entries(r.tasks))
        lines.push(
          `| ${b} | ${t} | ${x.examplesPerSecond.toFixed(0)} | ${(x.flopsPerExample / 1e6).toFixed(2)} | ${x.achievedGflops.toFixed(1)} | ${r.matmulGflops.toFixed(1)} | ${(100 * x.efficiency).toFixed(0)}% |`,
        );
    process.stdout.write(args.json ? JSON.stringify(result) + '\n' : lines.join('\n') + '\n');
    return;
  }

  if (!stop.signal) await chooseBackend(['wasm']);
  const convergence: Record<
    string,
    { runs: RunResult[]; median: Record<string, Record<string, number | null>> }
  > = {};
  const channel = args['inline-baseline'] || stop.signal ? undefined : startBaselineThread();
  try {
    for (const t of tasks) {
      if (stop.signal) break;
      log(`${t}: time to accuracy (${seeds} seeds, cap ${cap} s each)`);
      const runs: RunResult[] = [];
      for (let seed = 1; seed <= seeds && !stop.signal; seed++)
        runs.push(await timeToAccuracy(t, seed, cap, log, channel, stop, settings));
      if (runs.length > 0) convergence[t] = { runs, median: medians(runs) };
    }
  } finally {
    channel?.close();
  }
  const done = tasks.filter((t) => convergence[t]);

  const result = {
    started,
    finished: new Date().toISOString(),
    ...(stop.signal ? { interrupted: stop.signal } : {}),
    seeds,
    capSeconds: cap,
    quick: args.quick,
    ...settings,
    backends,
    convergence,
  };
  mkdirSync(args.out, { recursive: true });
  writeFileSync(`${args.out}/latest.json`, JSON.stringify(result, null, 2) + '\n');
  const fmt = (x: number | null | undefined, digits = 0): string => (x == null ? '—' : x.toFixed(digits));
  const k = (x: number | null | undefined): string => (x == null ? '—' : `${Math.round(x / 1000)}k`);
  const rows = done.map((t) => {
    const m = convergence[t]!.median;
    const w = backends.wasm?.tasks[t];
    const c = backends.cpu?.tasks[t];
    return `| ${t} | ${k(m.amplification95!.examples)} / ${fmt(m.amplification95!.seconds)} s | ${k(m.amplification99!.examples)} / ${fmt(m.amplification99!.seconds)} s | ${k(m.supervised95!.examples)} / ${fmt(m.supervised95!.seconds)} s | ${k(m.supervised99!.examples)} / ${fmt(m.supervised99!.seconds)} s | ${fmt(w?.examplesPerSecond)} | ${fmt(c?.examplesPerSecond)} | ${fmt(w ? w.flopsPerExample / 1e6 : null, 2)} | ${w ? `${fmt(100 * w.efficiency)}%` : '—'} |`;
  });
  const md = [
    `# Benchmark (${started}, Node ${process.version}, ${seeds} seed${seeds > 1 ? 's' : ''}, cap ${cap} s per run${settings.overseer ? `, overseer ${settings.overseer}` : ''}${stop.signal ? `, interrupted by ${stop.signal}` : ''})`,
    '',
    `Matmul: wasm ${fmt(backends.wasm?.matmulGflops, 1)} GFLOP/s, cpu ${fmt(backends.cpu?.matmulGflops, 1)} GFLOP/s. Examples / seconds to X's held-out accuracy (median; — = not reached within the cap). Seconds are training time of that method alone (wasm; the supervised baseline trains in a thread of its own).`,
    '',
    '| task | amp 95% | amp 99% | sup 95% | sup 99% | ex/s wasm | ex/s cpu | MFLOP/example | efficiency (wasm) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(`${args.out}/latest.md`, md);
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  else process.stdout.write(md);
}

function medians(runs: RunResult[]): Record<string, Record<string, number | null>> {
  const med: Record<string, Record<string, number | null>> = {};
  for (const method of ['amplification', 'supervised'] as const)
    for (const mark of [95, 99] as const) {
      med[`${method}${mark}`] = {
        examples: median(runs.map((r) => r[method][mark].examples)),
        seconds: median(runs.map((r) => r[method][mark].seconds)),
      };
    }
  return med;
}

runCli(main);
