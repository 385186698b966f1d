/**
 * `npm run bench:noise`: final X accuracy with a noisy overseer, per task and noise rate, all on
 * the same seed and the same number of training examples, so the P = 0 run is the clean run each
 * noisy one is compared with. Prints one JSON object (and writes it with --out).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { overseerNoiseProblem } from '../core/noisy-overseer';
import type { TaskId } from '../core/task';
import { TASKS } from '../core/tasks';
import { chooseBackend, type BackendName } from '../learn/backend';
import { TrainingSession } from '../learn/session';
import { ArgsError, parseArgs, runCli, usage, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';
import { watchStopSignals, yieldToEvents, type StopRequest } from './signals';

const SPEC = {
  tasks: { type: 'string', default: 'union-find,wildcard', help: 'comma-separated task ids' },
  noise: { type: 'string', default: '0,0.01,0.05,0.1', help: 'comma-separated noise rates, 0 … 0.5' },
  ...settingFlags(['seed']),
  examples: { type: 'int', min: 1, default: 250_000, help: 'training examples per run' },
  'max-seconds': { type: 'number', min: 1, default: 300, help: 'wall-time cap per run' },
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm' },
  out: { type: 'string', help: 'also write the JSON to this file' },
  help: { type: 'boolean' },
} satisfies Record<string, FlagSpec>;

interface NoiseRun {
  task: TaskId;
  noise: number;
  rounds: number;
  examples: number;
  /** X and Amp(X) on the held-out set (true answers) after the last round. */
  modelAccuracy: number;
  amplifiedAccuracy: number;
  byDepth: Record<string, number>;
  /** X per evaluated round: [round, examples, accuracy]. */
  curve: [number, number, number][];
  seconds: number;
  capped: boolean;
}

function list<T>(raw: string, flag: string, read: (s: string) => T | undefined, allowed: string): T[] {
  const out = raw.split(',').map((s) => {
    const v = read(s.trim());
    if (v === undefined) throw new ArgsError(`--${flag} must be ${allowed}, got "${s}"`);
    return v;
  });
  if (out.length === 0) throw new ArgsError(`--${flag} is empty`);
  return out;
}

async function runOne(
  task: TaskId,
  noise: number,
  args: ReturnType<typeof parseArgs<typeof SPEC>>,
  stop: StopRequest,
): Promise<NoiseRun> {
  const s = await TrainingSession.create({
    task,
    preset: 'workshop',
    seed: settingsFromFlags(args, ['seed']).seed ?? 1,
    supervised: false,
    evaluation: 'auto',
    overseerNoise: noise,
  });
  const start = Date.now();
  try {
    let capped = false;
    // Whole rounds only: the examples are rounded up to the end of a round.
    while ((s.examples < args.examples || s.stepInRound > 0) && !stop.signal) {
      if ((Date.now() - start) / 1000 >= args['max-seconds']) {
        capped = true;
        break;
      }
      await s.train(5);
      await yieldToEvents();
    }
    // The last finished round, evaluated if the policy skipped it.
    if (s.round > 0) await s.evaluateLastRound();
    const last = s.history[s.history.length - 1];
    return {
      task,
      noise,
      rounds: s.round,
      examples: s.examples,
      modelAccuracy: last?.modelAccuracy ?? NaN,
      amplifiedAccuracy: last?.amplifiedAccuracy ?? NaN,
      byDepth: Object.fromEntries(Object.entries(last?.byDepth ?? {}).map(([d, a]) => [d, a.model])),
      curve: s.history.map((m) => [m.round, m.examples, m.modelAccuracy]),
      seconds: Math.round((Date.now() - start) / 100) / 10,
      capped,
    };
  } finally {
    s.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args.help) {
    process.stderr.write(usage('npm run bench:noise --', SPEC) + '\n');
    return;
  }
  const tasks = list(
    args.tasks,
    'tasks',
    (s) => (Object.prototype.hasOwnProperty.call(TASKS, s) ? (s as TaskId) : undefined),
    `task ids (${Object.keys(TASKS).join(', ')})`,
  );
  const rates = list(
    args.noise,
    'noise',
    (s) => {
      const v = s === '' ? NaN : Number(s);
      return overseerNoiseProblem(v) ? undefined : v;
    },
    'numbers from 0 to 0.5',
  );
  const stop = watchStopSignals();
  const { backend } = await chooseBackend([args.backend as BackendName]);
  const runs: NoiseRun[] = [];
  for (const task of tasks)
    for (const noise of rates) {
      if (stop.signal) break;
      const r = await runOne(task, noise, args, stop);
      runs.push(r);
      process.stderr.write(
        `${task} noise ${noise}: X ${(100 * r.modelAccuracy).toFixed(1)}%, Amp(X) ${(100 * r.amplifiedAccuracy).toFixed(1)}% after ${r.examples} examples (${r.seconds} s)\n`,
      );
    }
  const result = {
    bench: 'overseer-noise',
    date: new Date().toISOString(),
    backend,
    seed: settingsFromFlags(args, ['seed']).seed ?? 1,
    examplesPerRun: args.examples,
    maxSecondsPerRun: args['max-seconds'],
    interrupted: stop.signal !== null,
    runs,
  };
  const text = JSON.stringify(result);
  if (args.out) {
    mkdirSync(path.dirname(args.out), { recursive: true });
    writeFileSync(args.out, text + '\n');
  }
  process.stdout.write(text + '\n');
}

runCli(main);
