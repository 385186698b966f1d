/**
 * Matrix products with hand-written gradients. In tfjs-wasm 4.22 a matMul with transposeA /
 * transposeB is ~10x slower than an explicit transpose followed by a plain matMul, and the
 * built-in matMul gradient uses those flags; a bias gradient as ones·dy beats sum(axis 0).
 */
import * as tf from '@tensorflow/tfjs';
import { fusedDense, fusedMatmul } from './fused/products';
import { fusedOps } from './fused/switch';

type GradSave = (tensors: tf.Tensor[]) => void;

const mm2 = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: GradSave) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor2D,
  b: tf.Tensor2D,
) => tf.Tensor2D;

const dense2 = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: GradSave) => {
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const ones = tf.ones([1, dy.shape[0]]) as tf.Tensor2D;
      return [
        tf.matMul(dy, tf.transpose(sw)),
        tf.matMul(tf.transpose(sx), dy),
        tf.reshape(tf.matMul(ones, dy), [dy.shape[1]]),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
) => tf.Tensor2D;

/** Input-side dense layer: no gradient for x is needed (x is data), so none is computed. */
const denseIn2 = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: GradSave) => {
  save([x]);
  return {
    value: tf.add(tf.matMul(x, w), b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sx] = saved as [tf.Tensor2D];
      const ones = tf.ones([1, dy.shape[0]]) as tf.Tensor2D;
      return [
        tf.zerosLike(sx),
        tf.matMul(tf.transpose(sx), dy),
        tf.reshape(tf.matMul(ones, dy), [dy.shape[1]]),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
) => tf.Tensor2D;

const bmm3 = tf.customGrad(((a: tf.Tensor3D, b: tf.Tensor3D, save: GradSave) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [tf.matMul(dy, tf.transpose(sb, [0, 2, 1])), tf.matMul(tf.transpose(sa, [0, 2, 1]), dy)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor3D,
  b: tf.Tensor3D,
) => tf.Tensor3D;

// With the fused switch's `dense` on, src/learn/fused/products.ts does these (same values).
const fused = (): boolean => fusedOps().dense;
export const matmul = (a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D =>
  fused() ? fusedMatmul(a, b) : mm2(a, b);
export const dense = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D =>
  fused() ? fusedDense(x, w, b) : dense2(x, w, b);
export const denseInput = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D =>
  fused() ? fusedDense(x, w, b, 'linear', false) : denseIn2(x, w, b);
export const batchMatmul = (a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D =>
  fused() ? fusedMatmul(a, b) : bmm3(a, b);
/** relu(x·w + b); `inputGrad` false when x is data. */
export const denseRelu = (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, inputGrad = true): tf.Tensor2D =>
  fused() ? fusedDense(x, w, b, 'relu', inputGrad) : tf.relu(inputGrad ? dense2(x, w, b) : denseIn2(x, w, b));
