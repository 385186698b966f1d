/**
 * The answering model X. Facts are a set: each fact's tokens (one-hot per in-fact position) are
 * embedded to d, self-attention layers mix the facts (no position across facts), then the
 * question's embedding attends to the facts for a few hops. The output is a softmax over
 * [answer classes…, `?`, one pointer entry per fact]: a pointer entry copies that fact's answer
 * class (Encoding.factAnswerClass), so the probability of a class is its head entry plus the
 * pointer entries of the facts that carry it.
 */
import * as tf from '@tensorflow/tfjs';
import { attend } from './fused/attention';
import { batchMatmul, dense, denseRelu, matmul } from './ops';
import {
  encodeRelational,
  initRelational,
  relationalFlops,
  relationalLogits,
  relationalRepTensors,
  type HopMemory,
} from './relational';

export interface ModelConfig {
  /** Width of every hidden state. */
  d: number;
  heads: number;
  /** Hidden width of each MLP block. */
  ff: number;
  /** Self-attention layers over the facts. */
  selfLayers: number;
  /** Cross-attention hops of the question into the facts. */
  hops: number;
  /** Use the pointer (copy) head. */
  pointer: boolean;
  /**
   * Tied initialisation: every token position (in facts and in the question) starts from the same
   * token embedding, and each attention's key map starts equal to its query map, so a name matches
   * itself wherever it appears before any training (removes the early plateau).
   */
  tiedInit?: boolean;
  /** Pre-layer-norm (no affine parameters) before each attention and MLP block. */
  layerNorm?: boolean;
  /** All question hops share one block's weights (a recurrent hop: learning one step of pointer following serves every hop). */
  shareHops?: boolean;
  /**
   * Attention sink: every attention also spreads weight onto an empty slot with a learned logit,
   * so weights need not sum to one over the facts (lets the model count matching facts, or find none).
   */
  sink?: boolean;
  /** Multiplies every attention's logits (sharper attention at initialisation). */
  attnScale?: number;
  /** The relational variant (src/learn/relational.ts): one shared token table, scalar routing. */
  relational?: boolean;
  /** Relational variant: registers per fact and per question (default 1). */
  registers?: number;
  /** Relational variant: fact layer l uses layer (l mod selfPeriod)'s weights (a repeated step). */
  selfPeriod?: number;
}

/** The sizes the model needs from a task's Encoding. */
export interface ModelShape {
  vocabSize: number;
  maxFacts: number;
  factTokens: number;
  questionTokens: number;
  answerClasses: number;
}

export type Weights = Record<string, tf.Tensor>;

/** Model inputs for a grid of C contexts × Q questions per context (built in JS, see batch.ts). */
export interface GridArrays {
  contexts: number;
  perContext: number;
  /** C·F × factTokens·vocab one-hot. */
  facts: Float32Array;
  /** C × F additive attention mask: 0 for a fact, −1e9 for padding. */
  factMask: Float32Array;
  /** C × F additive pointer mask: 0 where the fact carries an answer class, else −1e9. */
  pointerMask: Float32Array;
  /** C × F answer class per fact (−1: none). */
  pointerClass: Int32Array;
  /** C·Q × questionTokens·vocab one-hot. */
  questions: Float32Array;
}

export const NEG = -1e9;

export function outputWidth(shape: ModelShape, cfg: ModelConfig): number {
  return shape.answerClasses + 1 + (cfg.pointer ? shape.maxFacts : 0);
}

function glorot(rng: () => number, fanIn: number, fanOut: number, scale = 1): Float32Array {
  const limit = scale * Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (rng() * 2 - 1) * limit;
  return out;
}

/** Fresh weights as variables, initialised from a seeded stream `rng` (uniform [0,1)). */
export function initWeights(
  shape: ModelShape,
  cfg: ModelConfig,
  rng: () => number,
): Record<string, tf.Variable> {
  const { d, ff } = cfg;
  const w: Record<string, tf.Variable> = {};
  if (cfg.relational) {
    initRelational(shape, cfg, rng, (name, values, dims) => {
      w[name] = tf.tidy(() => tf.variable(tf.tensor(values, dims), true));
    });
    return w;
  }
  const mat = (name: string, r: number, c: number, scale = 1) =>
    (w[name] = tf.tidy(() => tf.variable(tf.tensor2d(glorot(rng, r, c, scale), [r, c]), true)));
  const vec = (name: string, n: number) => (w[name] = tf.tidy(() => tf.variable(tf.zeros([n]), true)));
  const tied = cfg.tiedInit ?? false;
  const copy = (name: string, from: string) =>
    (w[name] = tf.tidy(() => tf.variable(w[from]!.clone() as tf.Tensor, true)));
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
  const embed = (name: string, positions: number) => {
    if (!tied) return mat(name, positions * shape.vocabSize, d);
    const e = glorot(rng, shape.vocabSize, d);
    const all = new Float32Array(positions * shape.vocabSize * d);
    for (let p = 0; p < positions; p++) all.set(e, p * e.length);
    w[name] = tf.tidy(() => tf.variable(tf.tensor2d(all, [positions * shape.vocabSize, d]), true));
    return w[name];
  };
  embed('femb', shape.factTokens);
  vec('femb_b', d);
  for (let i = 0; i < cfg.selfLayers; i++) block(`s${i}`);
  if (tied) {
    const e = (w.femb!.dataSync() as Float32Array).slice(0, shape.vocabSize * d);
    const all = new Float32Array(shape.questionTokens * e.length);
    for (let p = 0; p < shape.questionTokens; p++) all.set(e, p * e.length);
    w.qemb = tf.tidy(() => tf.variable(tf.tensor2d(all, [shape.questionTokens * shape.vocabSize, d]), true));
  } else mat('qemb', shape.questionTokens * shape.vocabSize, d);
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
export interface ContextRep {
  contexts: number;
  hopKeysT: tf.Tensor3D[];
  hopValues: tf.Tensor3D[];
  pointerKeysT: tf.Tensor3D | null;
  mask: tf.Tensor4D;
  pointerMask: tf.Tensor3D | null;
  /** The relational variant's token slots and per-level fact registers. */
  relational?: { slots: tf.Tensor3D; registers: tf.Tensor3D[]; memory?: HopMemory };
}

export function contextRepTensors(rep: ContextRep): tf.Tensor[] {
  return [
    ...rep.hopKeysT,
    ...rep.hopValues,
    rep.mask,
    ...(rep.pointerKeysT ? [rep.pointerKeysT] : []),
    ...(rep.pointerMask ? [rep.pointerMask] : []),
    ...relationalRepTensors(rep),
  ];
}

export function encodeContexts(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): ContextRep {
  if (cfg.relational) return encodeRelational(w, shape, cfg, g);
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
  return { contexts: c, hopKeysT, hopValues, pointerKeysT, mask, pointerMask };
}

/** Logits [C·Q, outputWidth] for the grid's questions against already encoded contexts. */
export function answerLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: ContextRep,
  g: GridArrays,
): tf.Tensor2D {
  if (cfg.relational) return relationalLogits(w, shape, cfg, rep, g);
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

/** Mean over weighted examples of −log p(target class); targetMask is 0 on the target's entries, −1e9 elsewhere. */
export function lossFromLogits(
  logits: tf.Tensor2D,
  targetMask: Float32Array,
  weights: Float32Array,
): tf.Scalar {
  const [n, k] = logits.shape;
  const tm = tf.tensor2d(targetMask, [n, k]);
  const wt = tf.tensor1d(weights);
  const all = tf.logSumExp(logits, 1);
  const target = tf.logSumExp(tf.add(logits, tm), 1);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  return tf.div(tf.sum(tf.mul(tf.sub(all, target), wt)), Math.max(1, total)) as tf.Scalar;
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, for the bench's efficiency figure. */
export function forwardFlops(
  shape: ModelShape,
  cfg: ModelConfig,
): { perContext: number; perQuestion: number } {
  if (cfg.relational) return relationalFlops(shape, cfg);
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
