/**
 * Read-backs per training step on a CPU backend, counted as scripts/gpu-round-counts.ts counts
 * them on WebGPU (a round of 6 steps minus a round of 2, at a hardware GPU's step size), for the
 * sampled subquestions decomposed 'after' the first waves and 'alongside' them. A read-back here
 * is a tensor read (data/dataSync/array/arraySync), which on WebGPU is one mapAsync ('alongside'
 * is a GPU round's order: it also asks the teacher ahead the subquestions H may ask); minutes on
 * wasm where Dawn on SwiftShader takes the better part of an hour. Seeds vary the runs;
 * CURRICULUM=off trains every depth from the first step, as a run does once the curriculum is done:
 *   [CURRICULUM=off] node --import tsx scripts/wave-counts.ts [task=union-find] [seeds=1,2,3] [orders=after,alongside]
 * Each order runs in a process of its own: a session keeps whether its backend is a hardware GPU.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { TaskId } from '../src/core/task';
import { chooseBackend } from '../src/learn/backend';
import { GPU_BACKENDS, GPU_STEPS, TASK_DEFAULTS } from '../src/learn/defaults';
import { TrainingSession } from '../src/learn/session';

let reads = 0;
const proto = tf.Tensor.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const m of ['data', 'dataSync', 'array', 'arraySync']) {
  const original = proto[m]!;
  proto[m] = function (this: unknown, ...args: unknown[]) {
    reads++;
    return original.apply(this, args);
  };
}

async function roundCounts(task: TaskId, seed: number, steps: number) {
  const s = await TrainingSession.create({
    task,
    preset: 'workshop',
    seed,
    supervised: false,
    stepsPerRound: steps,
    batchSize: TASK_DEFAULTS[task].batchSize * GPU_STEPS.batchFactor,
    heldOutQuestions: 100,
    // Every depth from the first step (the curriculum admits depth 1 only at first, whose
    // union-find questions need no model: no teacher waves to count).
    curriculum: process.env.CURRICULUM !== 'off',
  });
  try {
    await s.train(steps);
    const [r0, w0, q0] = [reads, s.teacherWaves, s.modelQueries];
    await s.train(steps);
    return { readbacks: reads - r0, waves: s.teacherWaves - w0, teacherQueries: s.modelQueries - q0 };
  } finally {
    s.dispose();
  }
}

async function main(): Promise<void> {
  const task = (process.argv[2] ?? 'union-find') as TaskId;
  const seeds = (process.argv[3] ?? '1,2,3').split(',').map(Number);
  const orders = (process.argv[4] ?? 'after,alongside').split(',');
  if (orders.length > 1) {
    for (const order of orders)
      execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), task, seeds.join(','), order],
        { stdio: 'inherit' },
      );
    return;
  }
  const order = orders[0];
  if (order !== 'after' && order !== 'alongside')
    throw new Error(`order must be after or alongside, got ${order}`);
  // The session decomposes alongside (and asks ahead) on a hardware GPU: count wasm as one for 'alongside'.
  if (order === 'alongside') (GPU_BACKENDS as string[]).push('wasm');
  await chooseBackend(['wasm']);
  for (const seed of seeds) {
    const short = await roundCounts(task, seed, 2);
    const long = await roundCounts(task, seed, 6);
    process.stdout.write(
      JSON.stringify({
        task,
        order,
        seed,
        readbacksPerStep: (long.readbacks - short.readbacks) / 4,
        // A 13-step GPU round is one chunk: its waves and one loss read, per step.
        chunkReadbacksPerStep13: (long.waves + 1) / 13,
        twoSteps: short,
        sixSteps: long,
      }) + '\n',
    );
  }
}

void main();
