/**
 * `npm run record`: per task, a recorded amplification run with the task's default settings
 * (the page's first view plays it) → public/runs/<task>.json. Stops when X reaches --until on the
 * held-out set, after --rounds rounds, or when the next round would pass --max-seconds. The
 * supervised baseline trains in a worker thread of its own. SIGTERM / SIGINT stop it after the
 * current step: the tasks recorded so far stay written, the unfinished one is not written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Answer } from '../core/answer';
import type { RoundMetrics } from '../core/metrics';
import { TASK_IDS, type TaskId } from '../core/task';
import { chooseBackend } from '../learn/backend';
import type { BaselineChannel } from '../learn/supervised';
import { RECORDING_FORMAT, shownKeys, validateRecording, type Recording } from '../core/run-format';
import { makeSample } from '../core/sample';
import type { OverseerKind } from '../core/settings';
import { parseArgs, runCli, usage, type FlagSpec } from './args';
import { settingFlags, settingsFromFlags } from './setting-flags';
import { trainRoundUnlessStopped, watchStopSignals, type StopRequest } from './signals';
import { createSession, startBaselineThread } from './threads';

const SPEC = {
  task: { type: 'string', choices: [...TASK_IDS, 'all'], default: 'all', help: 'one task, or all' },
  rounds: { type: 'int', min: 1, max: 500, default: 30, help: 'round cap' },
  'max-seconds': { type: 'number', min: 1, default: 110, help: 'time cap per task' },
  until: { type: 'number', min: 0, max: 1, default: 0.95, help: "stop once X's accuracy reaches this" },
  ...settingFlags(['seed', 'overseer']),
  out: { type: 'string', default: 'public/runs', help: 'output folder' },
  help: { type: 'boolean' },
} satisfies Record<string, FlagSpec>;

/** RoundMetrics' own fields (the session adds more), rounded a little to keep files small. */
function trim(m: RoundMetrics): RoundMetrics {
  const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;
  const byDepth: RoundMetrics['byDepth'] = {};
  for (const [d, a] of Object.entries(m.byDepth))
    byDepth[d] = {
      model: r4(a.model),
      amplified: r4(a.amplified),
      supervised: a.supervised === null ? null : r4(a.supervised),
    };
  return {
    round: m.round,
    task: m.task,
    preset: m.preset,
    seed: m.seed,
    backend: m.backend,
    examples: m.examples,
    overseerCalls: m.overseerCalls,
    labels: m.labels,
    seconds: Math.round(m.seconds * 100) / 100,
    examplesPerSecond: Math.round(m.examplesPerSecond),
    modelAccuracy: r4(m.modelAccuracy),
    amplifiedAccuracy: r4(m.amplifiedAccuracy),
    supervisedAccuracy: m.supervisedAccuracy === null ? null : r4(m.supervisedAccuracy),
    byDepth,
    tensors: m.tensors,
  };
}

async function recordTask(
  taskId: TaskId,
  opts: { rounds: number; maxSeconds: number; until: number; seed: number; overseer?: OverseerKind },
  channel: BaselineChannel | undefined,
  stop: StopRequest,
): Promise<Recording | null> {
  const t0 = Date.now();
  const sample = makeSample(taskId, 'workshop', undefined, opts.seed, 0);
  if (!sample) throw new Error(`task ${taskId} is not available`);
  const keys = shownKeys(sample.tree);
  const questions = keys.map((k) => sample.questions.get(k));
  if (questions.some((q) => q === undefined))
    throw new Error(`a shown question of ${taskId} has no question object`);
  const session = await createSession(
    { task: taskId, preset: 'workshop', seed: opts.seed, overseer: opts.overseer },
    channel,
    (why) => process.stderr.write(`${why}\n`),
  );
  try {
    const trees: Recording['trees'] = [];
    const snap = async (round: number): Promise<void> => {
      const answers: Answer[] = await session.answer(sample.ctx, questions);
      const [amplified] = await session.amplifiedAnswer(sample.ctx, [sample.question]);
      trees.push({ round, answers, amplified: amplified ?? '?' });
    };
    await snap(0);
    const metrics: RoundMetrics[] = [];
    let stopped: Recording['stopped'] = 'rounds';
    let slowest = 0;
    while (metrics.length < opts.rounds) {
      const elapsed = (Date.now() - t0) / 1000;
      if (metrics.length > 0 && elapsed + slowest > opts.maxSeconds) {
        stopped = 'time';
        break;
      }
      const r0 = Date.now();
      const m = await trainRoundUnlessStopped(session, stop);
      if (!m) {
        process.stderr.write(
          `${taskId}: stopped by ${stop.signal} before its recording was finished; not written\n`,
        );
        return null;
      }
      await snap(m.round);
      slowest = Math.max(slowest, (Date.now() - r0) / 1000);
      metrics.push(trim(m));
      process.stderr.write(
        `${taskId} round ${m.round}: X ${(100 * m.modelAccuracy).toFixed(1)}%, Amp(X) ${(100 * m.amplifiedAccuracy).toFixed(1)}% (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`,
      );
      if (m.modelAccuracy >= opts.until) {
        stopped = 'accuracy';
        break;
      }
    }
    const c = session.config;
    const rec: Recording = {
      format: RECORDING_FORMAT,
      version: 1,
      recordedAt: new Date().toISOString(),
      task: taskId,
      settings: {
        preset: 'workshop',
        size: null,
        seed: opts.seed,
        modelSize: c.modelSize,
        stepsPerRound: c.stepsPerRound,
        batchSize: c.batchSize,
        learningRate: c.learningRate,
        backend: session.backend,
        ...(c.overseer === 'learned' ? { overseer: c.overseer } : {}),
      },
      stopped,
      sample: { questionIndex: 0, questionKey: sample.tree.key },
      keys,
      metrics,
      trees,
    };
    return validateRecording(JSON.parse(JSON.stringify(rec)), taskId);
  } finally {
    session.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), SPEC);
  if (args.help) {
    process.stderr.write(usage('npm run record --', SPEC) + '\n');
    return;
  }
  const stop = watchStopSignals();
  const channel = startBaselineThread();
  try {
    await recordAll(args, stop, channel);
  } finally {
    channel.close();
  }
}

async function recordAll(
  args: ReturnType<typeof parseArgs<typeof SPEC>>,
  stop: StopRequest,
  channel: BaselineChannel,
): Promise<void> {
  const choice = await chooseBackend(['wasm', 'cpu']);
  process.stderr.write(`backend: ${choice.backend}\n`);
  const tasks = args.task === 'all' ? [...TASK_IDS] : [args.task as TaskId];
  mkdirSync(args.out, { recursive: true });
  for (const id of tasks) {
    if (stop.signal) break;
    const rec = await recordTask(
      id,
      {
        rounds: args.rounds,
        maxSeconds: args['max-seconds'],
        until: args.until,
        ...(settingsFromFlags(args, ['seed', 'overseer']) as { seed: number; overseer?: OverseerKind }),
      },
      channel,
      stop,
    );
    if (!rec) break;
    const file = path.join(args.out, `${id}.json`);
    const json = JSON.stringify(rec);
    writeFileSync(file, json + '\n');
    const last = rec.metrics[rec.metrics.length - 1];
    process.stdout.write(
      `${file}: ${rec.metrics.length} rounds (${rec.stopped}), X ${last ? (100 * last.modelAccuracy).toFixed(1) : '-'}%, ${(json.length / 1024).toFixed(1)} kB\n`,
    );
  }
}

runCli(main);
