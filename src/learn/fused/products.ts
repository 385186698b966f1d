/**
 * Matrix products whose gradients suit the backend. On wasm (tfjs-wasm 4.22) a matMul with
 * transposeA / transposeB is ~10x slower than an explicit transpose and a plain matMul (see
 * ops.ts), so gradients transpose explicitly there; on WebGPU, WebGL and cpu the flags are free
 * and every explicit transpose is one more kernel (one more GPU dispatch).
 */
import * as tf from '@tensorflow/tfjs';

type GradSave = (tensors: tf.Tensor[]) => void;
export type Activation = 'linear' | 'relu';

const explicitTransposes = (): boolean => tf.getBackend() === 'wasm';

/** a·b for 2D or 3D operands: the transposes (last two axes) as flags or as explicit kernels. */
export function product(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  if (!explicitTransposes() || (!transposeA && !transposeB)) return tf.matMul(a, b, transposeA, transposeB);
  const t = (x: tf.Tensor) => tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [1, 0]);
  return tf.matMul(transposeA ? t(a) : a, transposeB ? t(b) : b);
}

/** Gradient of a bias added to every row of dy [N, K]. */
function biasGrad(dy: tf.Tensor2D): tf.Tensor1D {
  // On wasm ones·dy beats a sum over axis 0 (ops.ts); elsewhere the sum is one kernel, not two.
  if (!explicitTransposes()) return tf.sum(dy, 0);
  return tf.reshape(tf.matMul(tf.ones([1, dy.shape[0]]), dy), [dy.shape[1]]);
}

const productGrad = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: GradSave) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      return [product(dy, sb, false, true), product(sa, dy, true, false)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** a·b, [N, K]·[K, M] or batched [B, N, K]·[B, K, M]. */
export const fusedMatmul = <T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T => productGrad(a, b) as T;

/** x·w + b then the activation, as one _FusedMatMul kernel (tf.fused.matMul would not fuse under a gradient). */
function forward(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  const y = tf
    .engine()
    .runKernel(
      '_FusedMatMul',
      { a: tf.reshape(x, [1, ...x.shape]), b: tf.reshape(w, [1, ...w.shape]), bias: b },
      { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0.2 },
    ) as tf.Tensor;
  return tf.reshape(y, [x.shape[0], w.shape[1]]);
}

function makeDense(activation: Activation, inputGrad: boolean) {
  return tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: GradSave) => {
    const y = forward(x, w, b, activation);
    save([x, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const d = activation === 'relu' ? (tf.mul(dy, tf.step(sy)) as tf.Tensor2D) : dy;
        // The input side of an embedding is data: no gradient is computed for it.
        const dx = inputGrad ? product(d, sw, false, true) : tf.zerosLike(sx);
        return [dx, product(sx, d, true, false), biasGrad(d)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    x: tf.Tensor2D,
    w: tf.Tensor2D,
    b: tf.Tensor1D,
  ) => tf.Tensor2D;
}

const DENSE = {
  linear: makeDense('linear', true),
  relu: makeDense('relu', true),
  linearInput: makeDense('linear', false),
  reluInput: makeDense('relu', false),
};

/** activation(x·w + b) for x [N, K]; `inputGrad` false when x is data (no gradient wanted for it). */
export function fusedDense(
  x: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor1D,
  activation: Activation = 'linear',
  inputGrad = true,
): tf.Tensor2D {
  return DENSE[`${activation}${inputGrad ? '' : 'Input'}` as keyof typeof DENSE](x, w, b);
}
