/**
 * What an amplification step costs, split as the session's chunk does it: the teacher's
 * Amp(teacher) targets (its waves: one model call and read-back each) and the student's update,
 * in tfjs kernels (tf.profile, exact) and milliseconds (rough on a loaded machine), and the one-hot
 * inputs a student step builds in JS (floats per example, exact), at a preset's
 * sizes with every depth admitted (where a run spends its later rounds), plus one held-out
 * evaluation of the page's default set:
 *   node --import tsx scripts/step-breakdown.ts [tasks=union-find] [--preset paper]
 *     [--backend wasm] [--batch N] [--steps 4] [--gpu]
 * The batch is the session's own for the preset (--gpu: a hardware GPU's). Prints one JSON line per task.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core/rng';
import { PRESET_NAMES, type PresetName, type TaskId } from '../src/core/task';
import { getTask } from '../src/core/tasks';
import { amplificationTargets, overseerView, sampleItems } from '../src/learn/amplify';
import { chooseBackend, type BackendName } from '../src/learn/backend';
import { factArrays, groupByContext, questionArrays } from '../src/learn/batch';
import { contextsPerBatch } from '../src/learn/chunking';
import { Curriculum } from '../src/learn/curriculum';
import { makeHeldOut } from '../src/learn/evaluate';
import { evaluateHeldOut } from '../src/learn/held-out-evaluation';
import { Learner } from '../src/learn/learner';
import { resolveSessionConfig } from '../src/learn/session-config';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Kernels run and milliseconds taken by `f` (its read-backs included). */
async function cost<T>(f: () => Promise<T>): Promise<{ value: T; kernels: number; ms: number }> {
  let value!: T;
  const t0 = performance.now();
  const profile = await tf.profile(async () => {
    value = await f();
  });
  return { value, kernels: profile.kernels.length, ms: performance.now() - t0 };
}

async function breakdown(id: TaskId, preset: PresetName, steps: number, gpu: boolean, batch?: number) {
  const task = getTask(id)!;
  const config = resolveSessionConfig(
    task,
    { task: id, preset, seed: 1, curriculum: false, batchSize: batch },
    gpu,
  );
  const view = overseerView(task);
  const rng = createRng(1);
  const x = new Learner(task.encoding(config.params), config.model, () => rng.next(), config.learningRate);
  const perContext = config.questionsPerContext + config.subquestionsPerContext;
  // Depths as a run draws them once every depth is admitted.
  const depths = new Curriculum(task.maxDepth(config.params), { ...config, enabled: false }, rng);
  const chunk = async () => {
    const batches = Array.from({ length: steps }, () =>
      sampleItems(view, rng, config.params, contextsPerBatch(config.batchSize, perContext), perContext, () =>
        depths.drawDepth(rng),
      ),
    );
    const targets = await cost(() =>
      x.withWeights((w) =>
        amplificationTargets(view, x, w, batches, {
          subquestionsPerContext: config.subquestionsPerContext,
          rngForStep: (i) => rng.fork(`subquestions ${i}`),
          subquestionWaves: gpu ? 'alongside' : 'after',
        }),
      ),
    );
    const update = await cost(async () => {
      for (const s of targets.value.steps) x.trainStep(s.items, s.targets, config.skipUnknown);
      return x.readLoss();
    });
    const examples = targets.value.steps.reduce((n, s) => n + s.items.length, 0);
    // The one-hot arrays a student step builds in JS and uploads (the model's inputs).
    const t0 = performance.now();
    let floats = 0;
    for (const s of targets.value.steps) {
      const g = groupByContext(s.items);
      floats += factArrays(x.encoder, x.shape, g.contexts).facts.length;
      floats += questionArrays(x.enc, x.shape, g.rows, g.perContext).length;
    }
    const host = { floatsPerExample: floats / examples, msPerStep: (performance.now() - t0) / steps };
    return { targets, update, examples, host };
  };
  try {
    await chunk(); // warm-up: Adam's slots, first calls
    const { targets, update, examples, host } = await chunk();
    const heldOut = makeHeldOut(task, config.params, 1, config.heldOutQuestions);
    const evaluation = await cost(() => evaluateHeldOut(heldOut, x, view, null));
    return {
      task: id,
      preset,
      backend: tf.getBackend(),
      batchSize: config.batchSize,
      steps,
      examplesPerStep: examples / steps,
      teacher: {
        kernelsPerStep: targets.kernels / steps,
        msPerStep: targets.ms / steps,
        wavesPerChunk: targets.value.waves,
        queriesPerExample: targets.value.modelQueries / examples,
      },
      student: { kernelsPerStep: update.kernels / steps, msPerStep: update.ms / steps },
      studentInputs: host,
      examplesPerSecond: (1000 * examples) / (targets.ms + update.ms),
      evaluation: { questions: heldOut.length, kernels: evaluation.kernels, ms: evaluation.ms },
    };
  } finally {
    x.dispose();
  }
}

async function main(): Promise<void> {
  const tasks = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'union-find';
  const preset = (flag('preset') ?? 'paper') as PresetName;
  if (!PRESET_NAMES.includes(preset)) throw new Error(`unknown preset "${preset}"`);
  const steps = Number(flag('steps') ?? '4');
  const batch = flag('batch') === undefined ? undefined : Number(flag('batch'));
  await chooseBackend([(flag('backend') ?? 'wasm') as BackendName]);
  for (const id of tasks.split(',') as TaskId[]) {
    if (!getTask(id)) throw new Error(`unknown task "${id}"`);
    const row = await breakdown(id, preset, steps, process.argv.includes('--gpu'), batch);
    process.stdout.write(JSON.stringify(row) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
