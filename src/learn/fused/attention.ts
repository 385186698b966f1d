/**
 * softmax(q·kᵀ + mask)·v over heads, optionally with an attention sink. On WebGPU (with the
 * switch's `attention` on) it runs as the WGSL programs of attention-webgpu.ts: one dispatch
 * forward, five for the gradient (the weights recomputed, the scores' gradient, three products),
 * where the tfjs ops take four and eight or more. Elsewhere it runs those tfjs ops.
 */
import * as tf from '@tensorflow/tfjs';
import { ATTEND, ATTEND_PROBS, ATTEND_SCORES_GRAD, registerAttentionKernels } from './attention-webgpu';
import { smallProduct } from './contract';
import { fusedMatmul } from './products';
import { fusedOps } from './switch';

type GradSave = (tensors: tf.Tensor[]) => void;

/**
 * q [C·H, M, dh], kT [C·H, dh, N], v [C·H, N, dh], mask [C, 1, 1, N] (additive, data: no
 * gradient), sink (optional, one logit: weight may go to an empty slot). Returns [C·H, M, dh].
 */
export function attend(
  q: tf.Tensor3D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor4D,
  heads: number,
  sink?: tf.Tensor,
): tf.Tensor3D {
  if (fusedOps().attention && tf.getBackend() === 'webgpu') return attendWebGpu(q, kT, v, mask, heads, sink);
  return attendOps(q, kT, v, mask, heads, sink);
}

/** The tfjs ops (the unfused reference). */
export function attendOps(
  q: tf.Tensor3D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor4D,
  heads: number,
  sink?: tf.Tensor,
): tf.Tensor3D {
  const scores = fusedMatmul(q, kT);
  const [bh, m, n] = scores.shape;
  const c = bh / heads;
  const masked = tf.add(tf.reshape(scores, [c, heads, m, n]), mask);
  let probs: tf.Tensor;
  if (sink) {
    // exp(s) / (Σ exp(s) + exp(sink)), shifted by the max (the shift cancels in value and gradient).
    const top = tf.max(masked, 3, true);
    const e = tf.exp(tf.sub(masked, top));
    probs = tf.div(e, tf.add(tf.sum(e, 3, true), tf.exp(tf.sub(sink, top))));
  } else probs = tf.softmax(masked);
  return fusedMatmul(tf.reshape(probs, [bh, m, n]) as tf.Tensor3D, v);
}

function attendWebGpu(
  q: tf.Tensor3D,
  kT: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor4D,
  heads: number,
  sink?: tf.Tensor,
): tf.Tensor3D {
  registerAttentionKernels();
  const n = kT.shape[2];
  const mask2 = tf.reshape(mask, [q.shape[0] / heads, n]);
  const withSink = (s: tf.Tensor | undefined): Record<string, tf.Tensor> => (s ? { sink: s } : {});
  const run = (name: string, inputs: Record<string, tf.Tensor>) =>
    tf.engine().runKernel(name, inputs, { heads }) as tf.Tensor3D;
  // The mask is data, closed over rather than an input: no gradient is made for it.
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as GradSave;
    const [sq, sk, sv, ss] = args as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor | undefined];
    save(args as tf.Tensor[]);
    return {
      value: run(ATTEND, { q: sq, kT: sk, v: sv, mask: mask2, ...withSink(ss) }),
      gradFunc: (dO: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [q0, k0, v0, s0] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor | undefined];
        const p = run(ATTEND_PROBS, { q: q0, kT: k0, mask: mask2, ...withSink(s0) });
        const dS = run(ATTEND_SCORES_GRAD, { p, dO, v: v0 });
        // Products with a short inner axis (the facts, the queries): one contraction program each.
        const grads: tf.Tensor[] = [
          smallProduct(dS, k0, false, true),
          smallProduct(q0, dS, true, false),
          smallProduct(p, dO, true, false),
        ];
        // The sink's weight times each row's Σ p·dP is −Σ over the row of dS.
        if (s0) grads.push(tf.reshape(tf.neg(tf.sum(dS)), s0.shape));
        return grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...xs: tf.Tensor[]) => tf.Tensor3D;
  return sink ? f(q, kT, v, sink) : f(q, kT, v);
}
