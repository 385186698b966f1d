/**
 * Fused ops against the unfused tfjs ops, on whatever backend is active: forward values and
 * gradients of each case, as the largest difference relative to max(1, |reference|). Used in
 * process (cpu, wasm) and by fused-webgpu-check.ts in a child process (WebGPU through Dawn).
 */
import * as tf from '@tensorflow/tfjs';
import { attend } from '../../src/learn/fused/attention';
import { MODEL_CONFIGS } from '../../src/learn/defaults';
import { fusedDense, fusedMatmul } from '../../src/learn/fused/products';
import { setFusedOps } from '../../src/learn/fused/switch';
import {
  answerLogits,
  encodeContexts,
  initWeights,
  NEG,
  type GridArrays,
  type ModelConfig,
  type ModelShape,
} from '../../src/learn/model';

export interface CaseError {
  name: string;
  error: number;
}

/** A fused result and its reference. */
interface Pair {
  name: string;
  got: tf.Tensor;
  want: tf.Tensor;
}

/** Largest |a − b| over all entries, relative to max(1, largest |b|); read asynchronously (WebGPU in Node has no sync read). */
async function mismatch(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  if (a.shape.join() !== b.shape.join()) return Infinity;
  const x = await a.data();
  const y = await b.data();
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < y.length; i++) {
    worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    scale = Math.max(scale, Math.abs(y[i]!));
  }
  return Number.isNaN(worst) ? Infinity : worst / scale;
}

/** Value and gradients of Σ f(xs)·r (r fixed random weights, so every gradient entry differs). */
function compare(
  name: string,
  xs: tf.Tensor[],
  fused: (...xs: tf.Tensor[]) => tf.Tensor,
  reference: (...xs: tf.Tensor[]) => tf.Tensor,
  seed: number,
): Pair[] {
  return tf.tidy(() => {
    const y0 = reference(...xs);
    const r = tf.randomNormal(y0.shape, 0, 1, 'float32', seed);
    const loss =
      (f: (...xs: tf.Tensor[]) => tf.Tensor) =>
      (...a: tf.Tensor[]) =>
        tf.sum(tf.mul(f(...a), r));
    const got = tf.grads(loss(fused))(xs);
    const want = tf.grads(loss(reference))(xs);
    return [
      { name: `${name}: value`, got: fused(...xs), want: y0 },
      ...got.map((g, i) => ({ name: `${name}: gradient ${i}`, got: g, want: want[i]! })),
    ];
  });
}

const normal = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** Plain tfjs attention: softmax(q·kT + mask [+ sink])·v. */
function referenceAttend(heads: number, mask: tf.Tensor4D) {
  return (q: tf.Tensor, kT: tf.Tensor, v: tf.Tensor, sink?: tf.Tensor): tf.Tensor => {
    const [bh, m] = q.shape as number[];
    const n = kT.shape[2]!;
    const s = tf.add(tf.reshape(tf.matMul(q, kT), [bh! / heads, heads, m!, n]), mask);
    let p: tf.Tensor;
    if (sink) {
      const e = tf.exp(s);
      p = tf.div(e, tf.add(tf.sum(e, 3, true), tf.exp(sink)));
    } else p = tf.softmax(s);
    return tf.matMul(tf.reshape(p, [bh!, m!, n]), v);
  };
}

export async function fusedCaseErrors(): Promise<CaseError[]> {
  const pairs = tf.tidy(() => cases() as unknown as tf.TensorContainer) as unknown as Pair[];
  const out: CaseError[] = [];
  for (const p of pairs) out.push({ name: p.name, error: await mismatch(p.got, p.want) });
  tf.dispose(pairs.flatMap((p) => [p.got, p.want]));
  return out;
}

function cases(): Pair[] {
  const out: Pair[] = [];
  const x = normal([37, 24], 1);
  const w = tf.mul(normal([24, 40], 2), 0.3);
  const b = normal([40], 3);
  for (const activation of ['linear', 'relu'] as const)
    for (const inputGrad of [true, false]) {
      const ref = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => {
        const y = tf.add(tf.matMul(x, w), b);
        return activation === 'relu' ? tf.relu(y) : y;
      };
      // Without an input gradient the fused op reports zeros for x: compare the others only.
      const xs = inputGrad ? [x, w, b] : [w, b];
      out.push(
        ...compare(
          `dense ${activation}${inputGrad ? '' : ' (data input)'}`,
          xs,
          inputGrad
            ? (x, w, b) => fusedDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation)
            : (w, b) => fusedDense(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, activation, false),
          inputGrad ? ref : (w, b) => ref(x, w!, b!),
          10,
        ),
      );
    }
  out.push(
    ...compare(
      'matmul 2D',
      [normal([19, 23], 4), normal([23, 17], 5)],
      (a, b) => fusedMatmul(a as tf.Tensor2D, b as tf.Tensor2D),
      (a, b) => tf.matMul(a!, b!),
      11,
    ),
    ...compare(
      'matmul 3D',
      [normal([6, 11, 8], 6), normal([6, 8, 13], 7)],
      (a, b) => fusedMatmul(a as tf.Tensor3D, b as tf.Tensor3D),
      (a, b) => tf.matMul(a!, b!),
      12,
    ),
  );
  // 3 contexts × 2 heads, 5 queries onto 7 entries of width 8; the last two entries of context 1
  // and the last of context 2 are padding.
  const [c, h, m, n, dh] = [3, 2, 5, 7, 8];
  const maskValues = new Float32Array(c * n);
  maskValues.set([-1e9, -1e9], n + n - 2);
  maskValues[3 * n - 1] = -1e9;
  const mask = tf.tensor4d(maskValues, [c, 1, 1, n]);
  const q = normal([c * h, m, dh], 8);
  const kT = normal([c * h, dh, n], 9);
  const v = normal([c * h, n, dh], 13);
  out.push(
    ...compare(
      'attention',
      [q, kT, v],
      (q, kT, v) => attend(q as tf.Tensor3D, kT as tf.Tensor3D, v as tf.Tensor3D, mask, h),
      referenceAttend(h, mask),
      14,
    ),
    ...compare(
      'attention, keys wider than values',
      [normal([c * h, m, 3 * dh], 16), normal([c * h, 3 * dh, n], 17), v],
      (q, kT, v) => attend(q as tf.Tensor3D, kT as tf.Tensor3D, v as tf.Tensor3D, mask, h),
      referenceAttend(h, mask),
      18,
    ),
    ...compare(
      'attention with a sink',
      [q, kT, v, tf.tensor1d([0.7])],
      (q, kT, v, s) => attend(q as tf.Tensor3D, kT as tf.Tensor3D, v as tf.Tensor3D, mask, h, s),
      referenceAttend(h, mask),
      15,
    ),
  );
  return out;
}

const SHAPE: ModelShape = { vocabSize: 9, maxFacts: 6, factTokens: 3, questionTokens: 2, answerClasses: 5 };

/** A grid of 3 contexts × 2 questions with random tokens; context 1 has two padding facts. */
function grid(shape: ModelShape): GridArrays {
  let s = 7;
  const next = () => (s = (s * 16807) % 2147483647) % shape.vocabSize;
  const c = 3;
  const q = 2;
  const facts = new Float32Array(c * shape.maxFacts * shape.factTokens * shape.vocabSize);
  for (let i = 0; i < c * shape.maxFacts * shape.factTokens; i++) facts[i * shape.vocabSize + next()] = 1;
  const questions = new Float32Array(c * q * shape.questionTokens * shape.vocabSize);
  for (let i = 0; i < c * q * shape.questionTokens; i++) questions[i * shape.vocabSize + next()] = 1;
  const factMask = new Float32Array(c * shape.maxFacts);
  factMask[shape.maxFacts + 4] = NEG;
  factMask[shape.maxFacts + 5] = NEG;
  const pointerMask = Float32Array.from(factMask);
  const pointerClass = Int32Array.from(factMask, (m, i) => (m < 0 ? -1 : i % shape.answerClasses));
  return { contexts: c, perContext: q, facts, factMask, pointerMask, pointerClass, questions };
}

/** Logits and the gradient of Σ logits·r for every weight. */
async function lossAndGrads(cfg: ModelConfig): Promise<Float32Array[]> {
  const rng = (() => {
    let s = 3;
    return () => (s = (s * 48271) % 2147483647) / 2147483647;
  })();
  const w = initWeights(SHAPE, cfg, rng);
  const g = grid(SHAPE);
  const names = Object.keys(w).sort();
  const out = tf.tidy(() => {
    const logits = () => answerLogits(w, SHAPE, cfg, encodeContexts(w, SHAPE, cfg, g), g);
    const r = tf.randomNormal(logits().shape, 0, 1, 'float32', 5);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(logits(), r)) as tf.Scalar);
    return [value, ...names.map((k) => grads[w[k]!.name]!)];
  });
  const arrays = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([...out, ...Object.values(w)]);
  return arrays;
}

function worst(a: Float32Array[], b: Float32Array[]): number {
  let e = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    let scale = 1;
    for (let j = 0; j < y.length; j++) scale = Math.max(scale, Math.abs(y[j]!));
    for (let j = 0; j < y.length; j++) e = Math.max(e, Math.abs(x[j]! - y[j]!) / scale);
  });
  return e;
}

export const MODEL_CASES: [string, ModelConfig][] = [
  ['attention model', MODEL_CONFIGS.medium],
  ['attention model with a sink', { ...MODEL_CONFIGS.small, sink: true, layerNorm: true }],
  ['relational model', { ...MODEL_CONFIGS.small, relational: true, selfLayers: 2, hops: 2 }],
];

/** The models' logits and gradients with the switch on against off (the switch is left on). */
export async function switchMismatch(cfg: ModelConfig): Promise<number> {
  setFusedOps({ dense: false, attention: false });
  const off = await lossAndGrads(cfg);
  setFusedOps({ dense: true, attention: true });
  const on = await lossAndGrads(cfg);
  return on.length === off.length ? worst(on, off) : Infinity;
}
