/** `npm run experiment`: rounds of amplification (and the supervised baseline) on one task, in Node. */
import { writeFileSync } from 'node:fs';
import { UNKNOWN, type Answer } from '../core/answer';
import type { LearningRateSchedule } from '../core/learning-rate-schedule';
import type { RoundMetrics } from '../core/metrics';
import { TASKS } from '../core/tasks';
import { chooseBackend, type BackendName } from '../learn/backend';
import { TrainingSession, type SessionConfig, type SessionRoundMetrics } from '../learn/session';
import { parseArgs, runCli, usage } from './args';
import { EXPERIMENT_FLAGS, parseExperimentArgs } from './experiment-flags';
import { watchStopSignals, yieldToEvents } from './signals';
import { createSession, startBaselineThread } from './threads';

const pct = (x: number | null): string => (x === null ? '   - ' : `${(100 * x).toFixed(1).padStart(5)}`);

function tableHeader(depths: string[]): string {
  return `round  examples  overseer    labels    sec   ex/s  |    X   Amp   Sup | X by depth ${depths.join(' ')}`;
}

function tableRow(m: RoundMetrics): string {
  const byDepth = Object.entries(m.byDepth)
    .map(([, a]) => pct(a.model))
    .join(' ');
  return [
    String(m.round).padStart(5),
    String(m.examples).padStart(9),
    String(m.overseerCalls).padStart(9),
    String(m.labels).padStart(9),
    m.seconds.toFixed(1).padStart(6),
    String(Math.round(m.examplesPerSecond)).padStart(6),
    ' |',
    pct(m.modelAccuracy),
    pct(m.amplifiedAccuracy),
    pct(m.supervisedAccuracy),
    '|',
    byDepth,
  ].join(' ');
}

function progress(round: number, step: number, steps: number): void {
  if (!process.stderr.isTTY) return;
  const width = 30;
  const filled = Math.round((width * step) / steps);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] round ${round} step ${step}/${steps}  `,
  );
}

const clearProgress = (): void => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
};

export const answerOut = (task: { answerJson(a: Answer): unknown }, a: Answer): unknown =>
  a === UNKNOWN ? '?' : task.answerJson(a);

async function main(): Promise<void> {
  const parsed = parseExperimentArgs(process.argv.slice(2));
  if (parsed.help) {
    process.stderr.write(usage('npm run experiment --', EXPERIMENT_FLAGS) + '\n');
    return;
  }
  const { args, settings, preset, modelOverrides, learningRateSchedule } = parsed;
  const stop = watchStopSignals();
  // Started first, so the thread loads while this one starts its backend.
  const channel = args['inline-baseline'] || args['no-supervised'] ? undefined : startBaselineThread();
  const { backend } = await chooseBackend([args.backend as BackendName]);
  const config: SessionConfig = {
    ...settings,
    task: settings.task,
    preset,
    seed: settings.seed ?? 1,
    supervised: !args['no-supervised'],
    model: modelOverrides,
    ...(learningRateSchedule ? { learningRateSchedule } : {}),
    curriculum: args.curriculum === undefined ? undefined : args.curriculum === 'on',
    subquestionsPerContext: args['subquestions-per-context'],
    evaluation: args.evaluate as 'auto' | 'every-round',
  };
  try {
    const session = await createSession(config, channel, (why) => process.stderr.write(`${why}\n`));
    try {
      await run(args, session, backend, stop);
    } finally {
      session.dispose();
    }
  } finally {
    channel?.close();
  }
}

async function run(
  args: ReturnType<typeof parseArgs<typeof EXPERIMENT_FLAGS>>,
  session: TrainingSession,
  backend: string,
  stop: { readonly signal: NodeJS.Signals | null },
): Promise<void> {
  const taskId = session.task.id;
  const task = TASKS[taskId];
  const preset = session.config.preset;
  const rounds = args.rounds ?? (args.until !== undefined ? 500 : 20);
  const start = Date.now();
  const overTime = (): boolean =>
    args['max-seconds'] !== undefined && (Date.now() - start) / 1000 >= args['max-seconds'];
  if (!args.json) {
    const c = session.config;
    process.stdout.write(
      `${task.title} (${taskId}, ${preset}${c.size ? `, size ${c.size}` : ''}), seed ${c.seed}, backend ${backend}, ` +
        `model ${c.modelSize} (${session.parameters} parameters), ${c.stepsPerRound} steps/round × ${c.batchSize} questions, lr ${c.learningRate}${scheduleNote(c.learningRateSchedule)}, ` +
        `held-out ${session.heldOut.length} questions, baseline ${session.baselineWhere ?? 'off'}, evaluation ${c.evaluation ?? 'every-round'}` +
        `${c.overseerNoise > 0 ? `, overseer noise ${c.overseerNoise}` : ''}\n`,
    );
    const depths = Array.from({ length: task.maxDepth(c.params) }, (_, i) => `d${i + 1}`.padStart(5));
    process.stdout.write(tableHeader(depths) + '\n');
  }
  let last: RoundMetrics | null = null;
  const print = (m: SessionRoundMetrics): void => {
    last = m;
    clearProgress();
    process.stdout.write((args.json ? JSON.stringify(m) : tableRow(m)) + '\n');
  };
  let reached = false;
  while (session.round < rounds && !overTime() && !stop.signal) {
    const p = await session.train(5);
    // Let a SIGTERM / SIGINT land between pieces of work.
    await yieldToEvents();
    progress(session.round + 1, p.stepInRound, p.stepsPerRound);
    if (!p.finished) continue;
    print(p.finished);
    if (args.until !== undefined && p.finished.modelAccuracy >= args.until) {
      reached = true;
      break;
    }
  }
  // A run that stops between evaluations still reports its last finished round.
  if (!reached) {
    const m = await session.evaluateLastRound();
    if (m) print(m);
  }
  clearProgress();
  if (!args.json) {
    const wall = (Date.now() - start) / 1000;
    const m = last as RoundMetrics | null;
    const mark =
      args.until !== undefined
        ? m && m.modelAccuracy >= args.until
          ? `reached ${args.until} `
          : `did not reach ${args.until} `
        : '';
    const evaluated = session.history.length;
    process.stdout.write(
      `${stop.signal ? `stopped by ${stop.signal}: ` : ''}${mark}after ${session.round} rounds (${evaluated} evaluated), ${session.examples} examples, ${wall.toFixed(1)} s wall (${session.seconds.toFixed(1)} s amplification, ${session.supervisedSeconds.toFixed(1)} s supervised${session.baselineWhere === 'thread' ? ` in its own thread, waited for ${session.supervisedWaitSeconds.toFixed(1)} s` : ''}, ${session.evalSeconds.toFixed(1)} s evaluation)\n`,
    );
  }
  if (args['dump-eval']) {
    const ev = session.lastEvaluation ?? (await session.evaluate());
    const params = session.config.params;
    const lines = ev.heldOut.map((h, i) =>
      JSON.stringify({
        task: taskId,
        size: params[task.sizeParam],
        seed: session.config.seed,
        facts: task.factsJson(h.ctx),
        question: task.questionJson(h.question),
        answer: answerOut(task, h.truth),
        depth: h.depth,
        text: task.questionText(h.question),
        model: answerOut(task, ev.model[i]!),
        amplified: answerOut(task, ev.amplified[i]!),
        supervised: ev.supervised ? answerOut(task, ev.supervised[i]!) : null,
      }),
    );
    writeFileSync(args['dump-eval'], lines.join('\n') + '\n');
  }
}

runCli(main);

/** The large-step schedule in the header: its warm-up, decay and updates per step (none: constant). */
function scheduleNote(s: LearningRateSchedule | null): string {
  if (!s) return '';
  return ` (peak; warm-up ${s.warmupSteps}, decay ${s.decaySteps} updates, ${s.updatesPerStep ?? 1} updates/step)`;
}
