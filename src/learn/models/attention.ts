/**
 * The attention model X. Facts are a set: each fact's tokens (one-hot per in-fact position) are
 * embedded to d, self-attention layers mix the facts (no position across facts), then the
 * question's embedding attends to the facts for a few hops. The output is a softmax over
 * [answer classes…, `?`, one pointer entry per fact]: a pointer entry copies that fact's answer
 * class (Encoding.factAnswerClass), so the probability of a class is its head entry plus the
 * pointer entries of the facts that carry it.
 */
import * as tf from '@tensorflow/tfjs';
import { attend } from '../fused/attention';
import { batchMatmul, dense, denseRelu, matmul } from '../ops';
import type {
  AnswerModel,
  EncodedContexts,
  ForwardFlops,
  GridArrays,
  InitialWeight,
  ModelConfig,
  ModelShape,
  Weights,
} from './contract';

function glorot(rng: () => number, fanIn: number, fanOut: number, scale = 1): Float32Array {
  const limit = scale * Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (rng() * 2 - 1) * limit;
  return out;
}

/** Fresh weights, initialised from a seeded stream `rng` (uniform [0,1)). */
function init(shape: ModelShape, cfg: ModelConfig, rng: () => number): Record<string, InitialWeight> {
  const { d, ff } = cfg;
  const w: Record<string, InitialWeight> = {};
  const mat = (name: string, r: number, c: number, scale = 1) =>
    (w[name] = { values: glorot(rng, r, c, scale), shape: [r, c] });
  const vec = (name: string, n: number) => (w[name] = { values: new Float32Array(n), shape: [n] });
  const tied = cfg.tiedInit ?? false;
  const copy = (name: string, from: string) =>
    (w[name] = { values: w[from]!.values.slice(), shape: [...w[from]!.shape] });
  const block = (p: string) => {
    mat(`${p}_q`, d, d);
    if (tied) copy(`${p}_k`, `${p}_q`);
    else mat(`${p}_k`, d, d);
    mat(`${p}_v`, d, d);
    mat(`${p}_o`, d, d, 0.5);
    mat(`${p}_m1`, d, ff);
    vec(`${p}_m1b`, ff);
    mat(`${p}_m2`, ff, d, 0.5);
    vec(`${p}_m2b`, d);
    if (cfg.sink) vec(`${p}_sink`, 1);
  };
  // Tied: every token position starts from the same token table.
  const repeated = (e: Float32Array, positions: number): InitialWeight => {
    const all = new Float32Array(positions * e.length);
    for (let p = 0; p < positions; p++) all.set(e, p * e.length);
    return { values: all, shape: [positions * shape.vocabSize, d] };
  };
  const table = tied ? glorot(rng, shape.vocabSize, d) : null;
  if (table) w.femb = repeated(table, shape.factTokens);
  else mat('femb', shape.factTokens * shape.vocabSize, d);
  vec('femb_b', d);
  for (let i = 0; i < cfg.selfLayers; i++) block(`s${i}`);
  if (table) w.qemb = repeated(table, shape.questionTokens);
  else mat('qemb', shape.questionTokens * shape.vocabSize, d);
  vec('qemb_b', d);
  for (let j = 0; j < (cfg.shareHops ? 1 : cfg.hops); j++) block(`c${j}`);
  mat('out', d, shape.answerClasses + 1);
  vec('out_b', shape.answerClasses + 1);
  if (cfg.pointer) {
    mat('pq', d, d);
    if (tied) copy('pk', 'pq');
    else mat('pk', d, d);
  }
  return w;
}

/** Splits [C·N, d] into heads: [C·H, N, dh]. */
function splitHeads(x: tf.Tensor2D, c: number, n: number, h: number): tf.Tensor3D {
  const dh = x.shape[1] / h;
  if (h === 1) return tf.reshape(x, [c, n, dh]);
  return tf.reshape(tf.transpose(tf.reshape(x, [c, n, h, dh]), [0, 2, 1, 3]), [c * h, n, dh]) as tf.Tensor3D;
}

/** Keys for scores, pre-transposed: [C·H, dh, N]. */
function splitHeadsT(x: tf.Tensor2D, c: number, n: number, h: number): tf.Tensor3D {
  const dh = x.shape[1] / h;
  if (h === 1) return tf.transpose(tf.reshape(x, [c, n, dh]), [0, 2, 1]);
  return tf.reshape(tf.transpose(tf.reshape(x, [c, n, h, dh]), [0, 2, 3, 1]), [c * h, dh, n]) as tf.Tensor3D;
}

function mergeHeads(x: tf.Tensor3D, c: number, n: number, h: number): tf.Tensor2D {
  const dh = x.shape[2];
  if (h === 1) return tf.reshape(x, [c * n, dh]);
  return tf.reshape(tf.transpose(tf.reshape(x, [c, h, n, dh]), [0, 2, 1, 3]), [c * n, h * dh]);
}

function norm(x: tf.Tensor2D, on: boolean): tf.Tensor2D {
  if (!on) return x;
  const { mean, variance } = tf.moments(x, 1, true);
  return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))) as tf.Tensor2D;
}

function mlp(w: Weights, p: string, x: tf.Tensor2D, ln = false): tf.Tensor2D {
  const hidden = denseRelu(norm(x, ln), w[`${p}_m1`] as tf.Tensor2D, w[`${p}_m1b`] as tf.Tensor1D);
  return tf.add(x, dense(hidden, w[`${p}_m2`] as tf.Tensor2D, w[`${p}_m2b`] as tf.Tensor1D));
}

/** What the questions need from the facts of C contexts; computed once per context batch. */
export interface AttentionContexts extends EncodedContexts {
  hopKeysT: tf.Tensor3D[];
  hopValues: tf.Tensor3D[];
  pointerKeysT: tf.Tensor3D | null;
  mask: tf.Tensor4D;
  pointerMask: tf.Tensor3D | null;
}

function encode(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): AttentionContexts {
  const c = g.contexts;
  const f = shape.maxFacts;
  const h = cfg.heads;
  const scale = (cfg.attnScale ?? 1) / Math.sqrt(cfg.d / h);
  const ln = cfg.layerNorm ?? false;
  const mask = tf.tensor4d(g.factMask, [c, 1, 1, f]);
  const x0 = tf.tensor2d(g.facts, [c * f, shape.factTokens * shape.vocabSize]);
  let x = denseRelu(x0, w.femb as tf.Tensor2D, w.femb_b as tf.Tensor1D, false);
  for (let i = 0; i < cfg.selfLayers; i++) {
    const p = `s${i}`;
    const xn = norm(x, ln);
    const q = splitHeads(tf.mul(matmul(xn, w[`${p}_q`] as tf.Tensor2D), scale), c, f, h);
    const kT = splitHeadsT(matmul(xn, w[`${p}_k`] as tf.Tensor2D), c, f, h);
    const v = splitHeads(matmul(xn, w[`${p}_v`] as tf.Tensor2D), c, f, h);
    const att = mergeHeads(attend(q, kT, v, mask, h, cfg.sink ? w[`${p}_sink`] : undefined), c, f, h);
    x = tf.add(x, matmul(att, w[`${p}_o`] as tf.Tensor2D));
    x = mlp(w, p, x, ln);
  }
  x = norm(x, ln);
  const hopKeysT: tf.Tensor3D[] = [];
  const hopValues: tf.Tensor3D[] = [];
  for (let j = 0; j < (cfg.shareHops ? 1 : cfg.hops); j++) {
    const p = `c${j}`;
    hopKeysT.push(splitHeadsT(matmul(x, w[`${p}_k`] as tf.Tensor2D), c, f, h));
    hopValues.push(splitHeads(matmul(x, w[`${p}_v`] as tf.Tensor2D), c, f, h));
  }
  let pointerKeysT: tf.Tensor3D | null = null;
  let pointerMask: tf.Tensor3D | null = null;
  if (cfg.pointer) {
    pointerKeysT = tf.transpose(
      tf.reshape(matmul(x, w.pk as tf.Tensor2D), [c, f, cfg.d]),
      [0, 2, 1],
    ) as tf.Tensor3D;
    pointerMask = tf.tensor3d(g.pointerMask, [c, 1, f]);
  }
  return {
    contexts: c,
    hopKeysT,
    hopValues,
    pointerKeysT,
    mask,
    pointerMask,
    tensors: () => [
      ...hopKeysT,
      ...hopValues,
      mask,
      ...(pointerKeysT ? [pointerKeysT] : []),
      ...(pointerMask ? [pointerMask] : []),
    ],
  };
}

/** Logits [C·Q, outputWidth] for the grid's questions against already encoded contexts. */
function answer(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: AttentionContexts,
  g: GridArrays,
): tf.Tensor2D {
  const c = g.contexts;
  const qn = g.perContext;
  const h = cfg.heads;
  const scale = (cfg.attnScale ?? 1) / Math.sqrt(cfg.d / h);
  const ln = cfg.layerNorm ?? false;
  const u0 = tf.tensor2d(g.questions, [c * qn, shape.questionTokens * shape.vocabSize]);
  let u = denseRelu(u0, w.qemb as tf.Tensor2D, w.qemb_b as tf.Tensor1D, false);
  for (let hop = 0; hop < cfg.hops; hop++) {
    const j = cfg.shareHops ? 0 : hop;
    const p = `c${j}`;
    const q = splitHeads(tf.mul(matmul(norm(u, ln), w[`${p}_q`] as tf.Tensor2D), scale), c, qn, h);
    const att = mergeHeads(
      attend(q, rep.hopKeysT[j]!, rep.hopValues[j]!, rep.mask, h, cfg.sink ? w[`${p}_sink`] : undefined),
      c,
      qn,
      h,
    );
    u = tf.add(u, matmul(att, w[`${p}_o`] as tf.Tensor2D));
    u = mlp(w, p, u, ln);
  }
  u = norm(u, ln);
  const head = dense(u, w.out as tf.Tensor2D, w.out_b as tf.Tensor1D);
  if (!cfg.pointer) return head;
  const pq = tf.reshape(tf.mul(matmul(u, w.pq as tf.Tensor2D), 1 / Math.sqrt(cfg.d)), [
    c,
    qn,
    cfg.d,
  ]) as tf.Tensor3D;
  const scores = tf.add(batchMatmul(pq, rep.pointerKeysT!), rep.pointerMask!);
  return tf.concat([head, tf.reshape(scores, [c * qn, shape.maxFacts])], 1);
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, for the bench's efficiency figure. */
function flops(shape: ModelShape, cfg: ModelConfig): ForwardFlops {
  const { d, ff } = cfg;
  const f = shape.maxFacts;
  const block = 4 * d * d + 2 * d * ff;
  let perContext = f * shape.factTokens * shape.vocabSize * d;
  perContext += cfg.selfLayers * (f * block + 2 * f * f * d);
  perContext += cfg.hops * f * 2 * d * d + (cfg.pointer ? f * d * d : 0);
  let perQuestion = shape.questionTokens * shape.vocabSize * d;
  perQuestion += cfg.hops * (2 * d * d + 2 * d * ff + 2 * f * d);
  perQuestion += d * (shape.answerClasses + 1) + (cfg.pointer ? d * d + f * d : 0);
  return { perContext: 2 * perContext, perQuestion: 2 * perQuestion };
}

export const attentionModel: AnswerModel<AttentionContexts> = { init, encode, answer, flops };
