import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import { Learner } from '../../src/learn/learner';
import { mix } from '../../src/learn/models/relational';
import { stepKernels } from '../../src/learn/step-cost';
import { useWasm } from './helpers';

// Kernels per 128-question training step (32 contexts × 4 questions, as the loop trains) on wasm,
// counted with tf.profile. Measured: relational 1,658 (it was 3,634), attention 906.
const RELATIONAL_CEILING = 1_750;
const ATTENTION_CEILING = 1_000;

describe('cost of a training step', () => {
  it('stays under a stated kernel count for permutation’s relational model and the attention model', async () => {
    await useWasm();
    const task = TASKS.permutation;
    const params = resolveParams(task, 'workshop');
    const d = TASK_DEFAULTS.permutation;
    const rng = createRng(1);
    const items = sampleItems(task, rng, params, 32, 4);
    const targets = items.map((it) => task.solve(it.ctx, it.question));
    const counts: number[] = [];
    for (const cfg of [{ ...MODEL_CONFIGS[d.modelSize], ...d.model }, MODEL_CONFIGS[d.modelSize]]) {
      const learner = new Learner(task.encoding(params), cfg, () => rng.next(), 2e-3);
      learner.trainStep(items, targets, false); // Adam's slots appear on the first step
      await learner.readLoss();
      counts.push((await stepKernels(learner, items, targets)).total);
      learner.dispose();
    }
    const [relational, attention] = counts as [number, number];
    expect(relational, `relational ${relational} kernels`).toBeLessThanOrEqual(RELATIONAL_CEILING);
    expect(attention, `attention ${attention} kernels`).toBeLessThanOrEqual(ATTENTION_CEILING);
  }, 60_000);

  it('mixes source planes with a hand-written gradient equal to the one tfjs derives', async () => {
    await useWasm();
    const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const x = tf.randomNormal([3, 7, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
    const w = tf.randomNormal([5, 7, 4], 0, 1, 'float32', 3);
    const plain = (p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.mul(tf.reshape(tf.matMul(p as tf.Tensor2D, tf.reshape(q, [3, 28])), [5, 7, 4]), w));
    const ours = (p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(mix(p, q as tf.Tensor3D), w));
    const [ga, gx] = tf.grads(plain)([a, x]);
    const [ma, mx] = tf.grads(ours)([a, x]);
    expect(tf.max(tf.abs(tf.sub(ga!, ma!))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(gx!, mx!))).dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([a, x, w, ga!, gx!, ma!, mx!]);
  });
});
