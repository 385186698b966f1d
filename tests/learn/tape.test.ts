import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { share, withoutSaveCopies } from '../../src/learn/tape';
import { useWasm } from './helpers';

/** A loss through built-in ops that save their inputs (reshape, mul, matMul) and a customGrad that saves. */
const cube = tf.customGrad(((x: tf.Tensor, save: (t: tf.Tensor[]) => void) => {
  save([x]);
  return {
    value: tf.pow(x, 3),
    gradFunc: (dy: tf.Tensor, [sx]: tf.Tensor[]) => tf.mul(dy, tf.mul(3, tf.square(sx!))),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor;

const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
  tf.sum(
    cube(
      tf.mul(
        tf.matMul(tf.reshape(a, [3, 4]) as tf.Tensor2D, b as tf.Tensor2D),
        a.reshape([3, 4]).slice([0, 0], [3, 2]),
      ),
    ),
  );

describe('recording a gradient without copies', () => {
  it('gives the same gradients as tfjs’s copies, runs no Identity kernel and leaves no tensor behind', async () => {
    await useWasm();
    const a = tf.randomNormal([12], 0, 1, 'float32', 1);
    const b = tf.randomNormal([4, 2], 0, 1, 'float32', 2);
    const [ga, gb] = tf.grads(loss)([a, b]);
    const before = tf.memory().numTensors;
    let grads: tf.Tensor[] = [];
    const profile = await tf.profile(() => {
      grads = withoutSaveCopies(() => tf.grads(loss)([a, b]));
    });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(profile.kernels.filter((k) => k.name === 'Identity')).toHaveLength(0);
    expect(tf.max(tf.abs(tf.sub(ga!, grads[0]!))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(gb!, grads[1]!))).dataSync()[0]).toBe(0);
    // Outside, tfjs copies again.
    const again = await tf.profile(() => tf.dispose(tf.grads(loss)([a, b])));
    expect(again.kernels.some((k) => k.name === 'Identity')).toBe(true);
    tf.dispose([a, b, ga!, gb!, ...grads]);
  });

  it('shares data: disposing one handle leaves the other readable', async () => {
    await useWasm();
    const x = tf.tensor1d([1, 2, 3]);
    const y = share(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
    y.dispose();
  });
});
