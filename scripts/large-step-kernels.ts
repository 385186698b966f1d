/**
 * What a large step's second update costs in kernels: tfjs kernels per amplification example on
 * union find at 512 questions a step, 1 and 2 updates per step (the large-step schedule's
 * updatesPerStep), counted as the difference between a 6-step and a 2-step round so the round's
 * warm-up and evaluation cancel out. Counts are exact on any machine; times are not.
 *   node --import tsx scripts/large-step-kernels.ts [wasm|cpu]   → one JSON line per setting
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend, type BackendName } from '../src/learn/backend';
import { TrainingSession } from '../src/learn/session';

async function roundKernels(steps: number, updatesPerStep: number) {
  const s = await TrainingSession.create({
    task: 'union-find',
    preset: 'workshop',
    seed: 1,
    supervised: false,
    stepsPerRound: steps,
    batchSize: 512,
    heldOutQuestions: 100,
    learningRateSchedule: {
      peak: 6e-3,
      warmupSteps: 32,
      decaySteps: 200,
      constantRate: 4e-3,
      updatesPerStep,
    },
  });
  try {
    await s.train(steps);
    const e0 = s.examples;
    const p = await tf.profile(async () => {
      await s.train(steps);
    });
    return { kernels: p.kernels.length, examples: s.examples - e0 };
  } finally {
    s.dispose();
  }
}

const backend = (process.argv[2] ?? 'wasm') as BackendName;
await chooseBackend([backend]);
for (const updatesPerStep of [1, 2]) {
  const short = await roundKernels(2, updatesPerStep);
  const long = await roundKernels(6, updatesPerStep);
  const kernels = long.kernels - short.kernels;
  process.stdout.write(
    JSON.stringify({
      task: 'union-find',
      backend,
      batchSize: 512,
      updatesPerStep,
      kernelsPerStep: kernels / 4,
      kernelsPerExample: kernels / (long.examples - short.examples),
    }) + '\n',
  );
}
