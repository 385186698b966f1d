/**
 * WebGPU calls per amplification example and read-backs per training step, counted as issue 9
 * asks: the difference between a round of 6 steps and a round of 2 (each trained as one chunk, as
 * the page's worker trains a GPU round), so the round's evaluation and warm-up cancel out. Run in
 * Node with Dawn (SwiftShader here: counts are exact, times are not):
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     node --import tsx scripts/gpu-round-counts.ts [tasks=union-find] [--preset workshop|paper]
 *       [--batch N] [--rounds 2,6] [--every-depth]
 * Prints one JSON line per task, at the step size a hardware GPU gets for the preset (the session's
 * own resolution; SwiftShader itself gets the CPU's) or --batch, with what grows with the preset's
 * size: the teacher's waves per chunk, subquestions sent to the teacher, FLOPs per example,
 * distinct pipelines, and one held-out evaluation's calls (the page's default set for the preset).
 * The rounds start where a run starts, at the curriculum's first depth; --every-depth also counts
 * them with every depth admitted (curriculum off), where a run spends its later rounds. --rounds
 * sets the two rounds' steps (the paper's sizes are slow on SwiftShader).
 */
import * as tf from '@tensorflow/tfjs';
import { PRESET_NAMES, type PresetName, type TaskId } from '../src/core/task';
import { getTask } from '../src/core/tasks';
import { chooseBackend } from '../src/learn/backend';
import { gpuCounts, installGpuCounters } from '../src/learn/gpu-counters';
import { TrainingSession } from '../src/learn/session';
import { resolveSessionConfig } from '../src/learn/session-config';

const pipelines = (): number =>
  Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).length;

/** The questions a step takes on a hardware GPU at this preset (what the page's worker would use there). */
function gpuBatchSize(task: TaskId, preset: PresetName): number {
  return resolveSessionConfig(getTask(task)!, { task, preset, seed: 1 }, true).batchSize;
}

interface Setup {
  task: TaskId;
  preset: PresetName;
  batchSize: number;
  curriculum: boolean;
}

async function roundCounts({ task, preset, batchSize, curriculum }: Setup, steps: number) {
  const s = await TrainingSession.create({
    task,
    preset,
    seed: 1,
    supervised: false,
    stepsPerRound: steps,
    batchSize,
    curriculum,
    heldOutQuestions: 100,
  });
  try {
    await s.train(steps); // warm-up round: shaders compile
    const c0 = gpuCounts();
    const e0 = s.examples;
    const w0 = s.teacherWaves;
    const q0 = s.modelQueries;
    await s.train(steps);
    const c1 = gpuCounts();
    return {
      dispatches: c1.dispatches - c0.dispatches,
      readbacks: c1.mapAsyncs - c0.mapAsyncs,
      submits: c1.submits - c0.submits,
      examples: s.examples - e0,
      batchSize: s.config.batchSize,
      waves: s.teacherWaves - w0,
      teacherQueries: s.modelQueries - q0,
      flopsPerExample: s.trainingFlopsPerExample,
    };
  } finally {
    s.dispose();
  }
}

/** One held-out evaluation (X and Amp(X)) of the default set for the preset, after a step of training. */
async function evaluationCounts(task: TaskId, preset: PresetName) {
  const s = await TrainingSession.create({ task, preset, seed: 1, supervised: false, stepsPerRound: 1 });
  try {
    await s.train(1);
    await s.evaluate(); // shaders compile
    const c0 = gpuCounts();
    await s.evaluate();
    const c1 = gpuCounts();
    return {
      questions: s.heldOut.length,
      dispatches: c1.dispatches - c0.dispatches,
      readbacks: c1.mapAsyncs - c0.mapAsyncs,
    };
  } finally {
    s.dispose();
  }
}

/** The long round minus the short one (6 and 2 steps unless --rounds says): per example and per step. */
async function perStep(setup: Setup, [shortSteps, longSteps]: [number, number]) {
  const short = await roundCounts(setup, shortSteps);
  const long = await roundCounts(setup, longSteps);
  const examples = long.examples - short.examples;
  const steps = longSteps - shortSteps;
  return {
    dispatchesPerExample: (long.dispatches - short.dispatches) / examples,
    readbacksPerStep: (long.readbacks - short.readbacks) / steps,
    submitsPerStep: (long.submits - short.submits) / steps,
    wavesPerChunk: long.waves,
    teacherQueriesPerExample: (long.teacherQueries - short.teacherQueries) / examples,
    flopsPerExample: long.flopsPerExample,
    perRound: { [`steps${shortSteps}`]: short, [`steps${longSteps}`]: long },
  };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const tasks = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'union-find';
  const preset = (flag('preset') ?? 'workshop') as PresetName;
  if (!PRESET_NAMES.includes(preset))
    throw new Error(`unknown preset "${preset}" (allowed: ${PRESET_NAMES.join(', ')})`);
  const batch = flag('batch') === undefined ? undefined : Number(flag('batch'));
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1))
    throw new Error(`--batch must be a positive integer, got ${flag('batch')}`);
  const rounds = (flag('rounds') ?? '2,6').split(',').map(Number) as [number, number];
  if (rounds.length !== 2 || !rounds.every((n) => Number.isInteger(n) && n >= 1) || rounds[0] >= rounds[1])
    throw new Error(`--rounds must be two step counts, shorter first, got ${flag('rounds')}`);
  installGpuCounters();
  await chooseBackend(['webgpu']);
  for (const task of tasks.split(',') as TaskId[]) {
    if (!getTask(task)) throw new Error(`unknown task "${task}"`);
    const setup: Setup = { task, preset, batchSize: batch ?? gpuBatchSize(task, preset), curriculum: true };
    const p0 = pipelines();
    const counts = await perStep(setup, rounds);
    const trainingPipelines = pipelines() - p0;
    const everyDepth = process.argv.includes('--every-depth')
      ? await perStep({ ...setup, curriculum: false }, rounds)
      : undefined;
    process.stdout.write(
      JSON.stringify({
        task,
        preset,
        batchSize: setup.batchSize,
        ...counts,
        trainingPipelines,
        evaluation: await evaluationCounts(task, preset),
        ...(everyDepth ? { everyDepth } : {}),
      }) + '\n',
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
