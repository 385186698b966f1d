/**
 * The relational model X: every token (in facts and in questions) is embedded by ONE shared
 * table, so a name is the same vector wherever it appears, and attention matches names directly
 * (query·key in that space) instead of through learned d×d maps. What is learned is routing:
 * small tables of scalars saying which slots of a fact or question form a query, a key or a
 * value, and how a register is updated. Finding "the fact whose first slot is the name I hold" is
 * then a dot product between the same name's vector from the first step, and what remains to
 * learn is which slots to read, a few dozen numbers, instead of aligning separately embedded
 * names by gradient descent (the attention model's long plateau per depth).
 *
 * Facts: each fact keeps registers (vectors in name space). Layer l lets every fact attend to the
 * facts once (heads, scalar routing) and updates its registers; with a register as query and a
 * fact's first slot as key this is pointer doubling: layer l can hold σ^(2^l). Questions: a
 * register starts from the question's slots; each hop attends over the facts at every layer
 * (level) at once, with a per-level bias read from the question's tokens (so k's bits can pick
 * σ, σ², σ⁴ …) and a "stay" entry; the answer is read by the usual class head and pointer head.
 *
 * How it is computed (the cost of a step is its count of small tfjs kernels, not arithmetic):
 * a row's source vectors (its token slots, its registers) are the rows of X [N, S, d]. A head's
 * score between rows m and n is Σ_t ⟨Σ_s aq[s,t]·X_m,s, Σ_s′ ak[s′,t]·X_n,s′⟩ = ⟨(L·X_m), X_n⟩ with
 * L = ak·aqᵀ [S′, S] (a few numbers, made once per step): only the query side is mixed, and the
 * keys are the sources themselves, flattened to S·d. So the memory a question hop reads (every
 * level's sources, plus an empty "stay" entry) is built once per context encoding and shared by
 * every hop and every batch of questions, kept split: the facts' slots once (the same at every
 * level) and every level's registers; a hop is one op (scores, softmax, values, with the heads as
 * extra query rows) with a hand-written gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { attend } from '../fused/attention';
import { contract, contractsHere, smallProduct } from '../fused/contract';
import { hopWeights } from '../fused/hop-webgpu';
import { product } from '../fused/products';
import { fusedOps } from '../fused/switch';
import { batchMatmul, dense, denseInput, matmul } from '../ops';
import { withoutSaveCopies } from '../tape';
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

type GradSave = (tensors: tf.Tensor[]) => void;

const fusedWebGpu = (): boolean => fusedOps().attention && tf.getBackend() === 'webgpu';

const registerCount = (cfg: ModelConfig): number => cfg.registers ?? 1;
/** Sources per fact: its T token slots plus its registers. */
const factSources = (shape: ModelShape, cfg: ModelConfig): number => shape.factTokens + registerCount(cfg);
/** Sources per question: its slots plus its registers. */
const questionSources = (shape: ModelShape, cfg: ModelConfig): number =>
  shape.questionTokens + registerCount(cfg);
/** Fact layer l uses the weights of layer l mod selfPeriod (a repeated step shares them). */
const selfWeights = (cfg: ModelConfig): number => Math.min(cfg.selfLayers, cfg.selfPeriod ?? cfg.selfLayers);

/** values laid out as `dims`, reordered so that axis i of the result is axis perm[i]. */
function permuted(values: Float32Array, dims: number[], perm: number[]): InitialWeight {
  const shape = perm.map((p) => dims[p]!);
  const stride = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const idx = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let i = 0; i < shape.length; i++) from += idx[i]! * stride[perm[i]!]!;
    out[o] = values[from]!;
    for (let i = shape.length - 1; i >= 0 && ++idx[i]! === shape[i]!; i--) idx[i] = 0;
  }
  return { values: out, shape };
}

function init(shape: ModelShape, cfg: ModelConfig, rng: () => number): Record<string, InitialWeight> {
  const { d, heads: h } = cfg;
  const t = shape.factTokens;
  const tq = shape.questionTokens;
  const sf = factSources(shape, cfg);
  const sq = questionSources(shape, cfg);
  const nr = registerCount(cfg);
  const levels = cfg.selfLayers + 1;
  const w: Record<string, InitialWeight> = {};
  const normal = (): number => {
    // Box–Muller from the seeded uniform stream.
    const u = Math.max(rng(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const rand = (n: number, std: number): Float32Array =>
    Float32Array.from({ length: n }, () => normal() * std);
  const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);
  const mat = (name: string, values: Float32Array, dims: number[]) => (w[name] = { values, shape: dims });
  // Unit-length token vectors on average: distinct names are nearly orthogonal in d ≥ 32.
  mat('emb', rand(shape.vocabSize * d, 1 / Math.sqrt(d)), [shape.vocabSize, d]);
  // A register starts as a mixture of its row's slots: [registers, slots].
  mat('rho_f', fill(nr * t, 1 / t), [nr, t]);
  mat('rho_q', fill(nr * tq, 1 / tq), [nr, tq]);
  // Register updates: static gates plus gates read from the fact's (question's) own tokens, so a
  // kind of fact (a constant, a definition, a table entry) can route differently. At first each
  // register mostly keeps its value, with a little of every source so gradients reach all routes.
  // Laid out [sources + heads, registers] per layer (hop), the layers side by side (r_g, h_g).
  const gateStacks: Record<string, Float32Array[]> = {};
  const gates = (name: string, sources: number, slots: number) => {
    const g = rand((sources + h) * nr, 0.1);
    for (let i = 0; i < nr; i++) g[(slots + i) * nr + i] = 1;
    (gateStacks[name] ??= []).push(g);
  };
  // Per head h and slot t: a query mixes the querying row's sources by aq [H, T, S], a key the
  // memory row's sources by ak [H, S′, T]; a value mixes them by av [H, S′]. Stacked over the fact
  // layers (r_*) and over the hops (h_*), so one product makes every layer's maps.
  const stacks: Record<string, Float32Array[]> = {};
  const push = (name: string, v: Float32Array) => (stacks[name] ??= []).push(v);
  const attention = (p: string, querySources: number) => {
    push(`${p}_aq`, permuted(rand(querySources * h * t, 0.5), [querySources, h, t], [1, 2, 0]).values);
    push(`${p}_ak`, permuted(rand(sf * h * t, 0.5), [sf, h, t], [1, 0, 2]).values);
    push(`${p}_av`, permuted(rand(sf * h, 0.5), [sf, h], [1, 0]).values);
    push(`${p}_beta`, fill(1, 4 * (cfg.attnScale ?? 1)));
  };
  for (let l = 0; l < selfWeights(cfg); l++) {
    attention('r', sf);
    gates('r_g', sf, t);
  }
  for (let m = 0; m < cfg.hops; m++) {
    if (m === 0 || !cfg.shareHops) {
      attention('h', sq);
      gates('h_g', sq, tq);
    }
  }
  // Level (and "stay") logits as a linear function of the question's one-hot tokens, per hop.
  mat('h_lvl', new Float32Array(tq * shape.vocabSize * cfg.hops * (levels + 1)), [
    tq * shape.vocabSize,
    cfg.hops * (levels + 1),
  ]);
  for (const [name, tokens] of [
    ['r_g', t],
    ['h_g', tq],
  ] as const) {
    const parts = gateStacks[name]!;
    const all = new Float32Array(parts.length * parts[0]!.length);
    parts.forEach((g, i) => all.set(g, i * g.length));
    mat(name, all, [all.length]);
    mat(`${name}_tok`, new Float32Array(tokens * shape.vocabSize * all.length), [
      tokens * shape.vocabSize,
      all.length,
    ]);
  }
  for (const [p, querySources] of [
    ['r', sf],
    ['h', sq],
  ] as const) {
    const n = stacks[`${p}_beta`]!.length;
    const joined = (name: string) => {
      const parts = stacks[`${p}_${name}`]!;
      const out = new Float32Array(parts.reduce((a, v) => a + v.length, 0));
      parts.reduce((at, v) => (out.set(v, at), at + v.length), 0);
      return out;
    };
    mat(`${p}_aq`, joined('aq'), [n * h, t, querySources]);
    mat(`${p}_ak`, joined('ak'), [n * h, sf, t]);
    mat(`${p}_av`, joined('av'), [n, h, sf]);
    mat(`${p}_beta`, joined('beta'), [n]);
  }
  mat('out', rand(d * (shape.answerClasses + 1), 1 / Math.sqrt(d)), [d, shape.answerClasses + 1]);
  mat('out_b', new Float32Array(shape.answerClasses + 1), [shape.answerClasses + 1]);
  if (cfg.pointer) {
    mat('ptr_a', rand(sf, 0.5), [1, sf]);
    mat('ptr_beta', fill(1, 4 * (cfg.attnScale ?? 1)), [1]);
  }
  return w;
}

/** t reshaped to `shape`, with no kernel when it has that shape already. */
function flat(t: tf.Tensor, ...shape: number[]): tf.Tensor2D {
  const same = shape.length === t.rank && shape.every((v, i) => v === t.shape[i]);
  const y: tf.Tensor = same ? t : tf.reshape(t, shape);
  return y as tf.Tensor2D;
}

/**
 * mix(A [K, S], X [S, R, d]) → [K, R, d]: K mixtures of the S source planes, as one 2D product
 * (tfjs-wasm runs 2D products through XNNPACK; batched ones are a plain loop, ~10x slower here).
 * The reshapes live inside the gradient's scope, so the tape records one op, not five.
 */
const mixGrad = tf.customGrad(((a: tf.Tensor, x: tf.Tensor3D, save: GradSave) => {
  save([a, x]);
  const [s, r, d] = x.shape;
  const k = a.size / s;
  return {
    value: tf.reshape(smallProduct(flat(a, k, s), tf.reshape(x, [s, r * d])), [k, r, d]),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sa, sx] = saved as [tf.Tensor, tf.Tensor3D];
      const dy2 = tf.reshape(dy, [k, r * d]);
      const x2 = tf.reshape(sx, [s, r * d]);
      return [
        // K·S sums over R·d each: the plain loop with both operands read along rows is ~4x faster on
        // wasm than a transpose of X and an XNNPACK product with so few outputs.
        flat(smallProduct(dy2, x2, false, true), ...sa.shape),
        tf.reshape((contractsHere() ? smallProduct : product)(flat(sa, k, s), dy2, true, false), [s, r, d]),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor,
  x: tf.Tensor3D,
) => tf.Tensor3D;

/** mix(A [K, S] (or [1, K, S]), X [S, R, d]) → [K, R, d]. */
export const mix = (a: tf.Tensor, x: tf.Tensor3D): tf.Tensor3D => mixGrad(a, x);

/**
 * One question hop over the memory, as one recorded op with a hand-written gradient. Out [H, S·Q·d + Q]
 * (Q = C·questions): per head, its reads as source planes [S, Q, d] (slots, then registers), then
 * each question's weight on "stay". Every slice of it is a few contiguous runs (a last-axis slice of
 * rows is a JS loop per row on wasm).
 * The memory is kept split: a fact's slots are the same at every level, so they are scored and read
 * once ([C, F, T·d]) and only the registers per level ([C, L·F, nr·d]); the batched products (a
 * plain loop on wasm, the step's main cost) are about half the size of the whole memory's.
 * q [C, M, S·d] (M = questions × heads, heads inner), bias [C, Q, 1, L·F + 1] (shared by the heads).
 */
/** Reads [C, M, X·d] (rows (question, head)) → [H, X·Q·d]: head h's X planes [X, Q, d], flattened. */
function toPlanes(x: tf.Tensor3D, h: number, d: number): tf.Tensor2D {
  const [c, m, xd] = x.shape;
  const nq = (c * m) / h;
  return tf.reshape(tf.transpose(tf.reshape(x, [nq, (h * xd) / d, d]), [1, 0, 2]), [h, nq * xd]);
}

/** The inverse of toPlanes. */
function fromPlanes(x: tf.Tensor2D, c: number, m: number, d: number): tf.Tensor3D {
  const [h, n] = x.shape;
  const nq = (c * m) / h;
  return tf.reshape(tf.transpose(tf.reshape(x, [(h * n) / (nq * d), nq, d]), [1, 0, 2]), [c, m, n / nq]);
}

/** a·b of 3D operands, the transposes as flags (one contraction program on WebGPU). */
const mm = (a: tf.Tensor3D, b: tf.Tensor3D, transposeA = false, transposeB = false): tf.Tensor3D =>
  smallProduct(a, b, transposeA, transposeB) as tf.Tensor3D;

/** Σ over the levels of p [C, M, levels·F] → [C, M, F] (a slot read counts at every level). */
function levelSum(p: tf.Tensor3D, levels: number): tf.Tensor3D {
  const [c, m, lf] = p.shape;
  const f = lf / levels;
  if (!contractsHere()) return tf.sum(tf.reshape(p, [c, m, levels, f]), 2);
  return contract(p, null, [c, m, f], [m * lf, lf, 1], [], levels, f, 0) as tf.Tensor3D;
}

/** Σ_k a·b along the last axis of [C, M, K] → [C, M, 1]. */
function rowDot(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [c, m, k] = a.shape;
  if (!contractsHere()) return tf.sum(tf.mul(a, b), 2, true);
  return contract(a, b, [c, m, 1], [m * k, k, 0], [m * k, k, 0], k, 1, 1) as tf.Tensor3D;
}

/** x [C, Q·H, K] (rows (question, head)) summed over the heads → [C, Q, 1, K]. */
function headSum(x: tf.Tensor3D, qn: number): tf.Tensor4D {
  const [c, m, k] = x.shape;
  const h = m / qn;
  if (!contractsHere()) return tf.sum(tf.reshape(x, [c, qn, h, k]), 2, true);
  return contract(x, null, [c, qn, 1, k], [m * k, h * k, 0, 1], [], h, k, 0) as tf.Tensor4D;
}

const hopOp = (d: number) =>
  tf.customGrad(((
    q: tf.Tensor3D,
    slotMem: tf.Tensor3D,
    regMem: tf.Tensor3D,
    bias: tf.Tensor4D,
    save: GradSave,
  ) => {
    const [c, m, sd] = q.shape;
    const [, f, td] = slotMem.shape;
    const [, lf, rd] = regMem.shape;
    const qn = bias.shape[1];
    const levels = lf / f;
    const k = lf + 1;
    const h = m / qn;
    const nq = c * qn;
    // On WebGPU the scores, biases and softmax are one program (fused/hop-webgpu.ts).
    const hopScores = (): tf.Tensor3D => {
      const qs = tf.slice(q, [0, 0, 0], [c, m, td]);
      const qr = tf.slice(q, [0, 0, td], [c, m, rd]);
      const scores = tf.add(
        tf.reshape(
          tf.pad(
            tf.reshape(
              tf.add(
                tf.reshape(mm(qr, regMem, false, true), [c, m, levels, f]),
                tf.reshape(mm(qs, slotMem, false, true), [c, m, 1, f]),
              ),
              [c, m, lf],
            ),
            [
              [0, 0],
              [0, 0],
              [0, 1],
            ],
          ),
          [c, qn, h, k],
        ),
        bias,
      );
      return tf.reshape(tf.softmax(scores), [c, m, k]) as tf.Tensor3D;
    };
    const p = contractsHere() ? hopWeights(q, slotMem, regMem, bias) : hopScores();
    const pr = tf.slice(p, [0, 0, 0], [c, m, lf]);
    const ps = levelSum(pr, levels);
    save([q, slotMem, regMem, p]);
    return {
      value: tf.concat(
        [
          toPlanes(mm(ps, slotMem), h, d),
          toPlanes(mm(pr, regMem), h, d),
          tf.transpose(tf.reshape(tf.slice(p, [0, 0, lf], [c, m, 1]), [nq, h])),
        ],
        1,
      ),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sq, ss, sr, sp] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const spr = tf.slice(sp, [0, 0, 0], [c, m, lf]);
        const sps = levelSum(spr, levels);
        const dyS = fromPlanes(tf.slice(dy, [0, 0], [h, td * nq]), c, m, d);
        const dyR = fromPlanes(tf.slice(dy, [0, td * nq], [h, rd * nq]), c, m, d);
        const dKeep = tf.reshape(tf.transpose(tf.slice(dy, [0, sd * nq], [h, nq])), [c, m, 1]);
        // Gradient of the weights p: a slot read counts at every level.
        const dp = tf.concat(
          [
            tf.reshape(
              tf.add(
                tf.reshape(mm(dyR, sr, false, true), [c, m, levels, f]),
                tf.reshape(mm(dyS, ss, false, true), [c, m, 1, f]),
              ),
              [c, m, lf],
            ),
            dKeep,
          ],
          2,
        );
        const ds = tf.mul(sp, tf.sub(dp, rowDot(dp as tf.Tensor3D, sp))) as tf.Tensor3D;
        const dsr = tf.slice(ds, [0, 0, 0], [c, m, lf]);
        const dss = levelSum(dsr, levels);
        const qs = tf.slice(sq, [0, 0, 0], [c, m, td]);
        const qr = tf.slice(sq, [0, 0, td], [c, m, rd]);
        return [
          tf.concat([mm(dss, ss), mm(dsr, sr)], 2),
          tf.add(mm(sps, dyS, true, false), mm(dss, qs, true, false)),
          tf.add(mm(spr, dyR, true, false), mm(dsr, qr, true, false)),
          headSum(ds, qn),
        ];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
    q: tf.Tensor3D,
    slotMem: tf.Tensor3D,
    regMem: tf.Tensor3D,
    bias: tf.Tensor4D,
  ) => tf.Tensor2D;

/**
 * Facts attending to facts, as one recorded op: softmax(q·memᵀ + mask)·mem for q [C, M, S·d] and
 * mem [C, F, S·d], mask [C, 1, F]. The products take transposed operands as flags (free in the
 * batched loop wasm runs) instead of the transposes a generic gradient records.
 */
const factAttend = (q: tf.Tensor3D, mem: tf.Tensor3D, mask: tf.Tensor3D): tf.Tensor3D =>
  // The mask is data (no gradient): held by the op rather than passed as an input.
  (
    tf.customGrad(((q: tf.Tensor3D, mem: tf.Tensor3D, save: GradSave) => {
      const p = tf.softmax(tf.add(tf.matMul(q, mem, false, true), mask)) as tf.Tensor3D;
      save([q, mem, p]);
      return {
        value: tf.matMul(p, mem),
        gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
          const [sq, sm, sp] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
          const dp = tf.matMul(dy, sm, false, true);
          const ds = tf.mul(sp, tf.sub(dp, tf.sum(tf.mul(dp, sp), 2, true))) as tf.Tensor3D;
          return [tf.matMul(ds, sm), tf.add(tf.matMul(sp, dy, true, false), tf.matMul(ds, sq, true, false))];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
      q: tf.Tensor3D,
      mem: tf.Tensor3D,
    ) => tf.Tensor3D
  )(q, mem);

/** Hop ops by width d (a model's d is fixed: one op each). */
const hopOps = new Map<number, ReturnType<typeof hopOp>>();
const hopGrad = (d: number) => hopOps.get(d) ?? hopOps.set(d, hopOp(d)).get(d)!;

/** Every layer's (or hop's) attention maps, made at once from the stacked weights of `p` (r or h). */
interface Maps {
  /** How many layers (hops) the stack holds. */
  n: number;
  /** [n·H·S′, S]: row (layer, h, s′) mixes the querying row's S sources into head h's query. */
  query: tf.Tensor2D;
  /** [n·H, H·S′]: head h's value mixes the sources it attended to (block diagonal). */
  value: tf.Tensor2D;
  /** query and value cut per layer (one split each: its gradient is one concat, not n pads and adds). */
  queries: tf.Tensor2D[];
  values: tf.Tensor2D[];
}

/**
 * x [n, …] times beta [n] (row i by beta[i]), or by a scalar beta [1], with a written gradient
 * (tfjs's casts both operands and reshapes its sums back).
 */
const scaled = tf.customGrad(((x: tf.Tensor, beta: tf.Tensor1D, save: GradSave) => {
  const scalar = beta.size === 1;
  const column = scalar ? beta : tf.reshape(beta, [beta.size, ...x.shape.slice(1).map(() => 1)]);
  save([x, column]);
  return {
    value: tf.mul(x, column),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sc] = saved as [tf.Tensor, tf.Tensor];
      const products = tf.mul(dy, sx);
      const dBeta = scalar
        ? tf.reshape(tf.sum(products), [1])
        : tf.sum(
            products,
            x.shape.slice(1).map((_, i) => i + 1),
          );
      return [tf.mul(dy, sc), dBeta];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(
  x: T,
  beta: tf.Tensor,
) => T;

function attentionMaps(w: Weights, p: string): Maps {
  const [n, h, s] = (w[`${p}_av`] as tf.Tensor3D).shape;
  const ak = w[`${p}_ak`] as tf.Tensor3D;
  const l = tf.matMul(ak, w[`${p}_aq`] as tf.Tensor3D); // [n·H, S′, S]
  const sq = l.shape[2]!;
  const query = tf.reshape(scaled(tf.reshape(l, [n, h * s * sq]), w[`${p}_beta`]!), [
    n * h * s,
    sq,
  ]) as tf.Tensor2D;
  const eye = tf.tensor4d(
    Float32Array.from({ length: h * h }, (_, i) => (i % (h + 1) === 0 ? 1 : 0)),
    [1, h, h, 1],
  );
  const value = tf.reshape(tf.mul(tf.reshape(w[`${p}_av`]!, [n, h, 1, s]), eye), [
    n * h,
    h * s,
  ]) as tf.Tensor2D;
  return { n, query, value, queries: byLayer(query, n), values: byLayer(value, n) };
}

/** A stack of n layers' rows [n·K, S] cut into n maps [K, S] by one split. */
const byLayer = (maps: tf.Tensor2D, n: number): tf.Tensor2D[] => (n === 1 ? [maps] : tf.split(maps, n));

/**
 * Token planes [T, N, d] of one-hot rows (N × T·V, row-major): the rows are reordered token-major
 * here, in JS, so the embedding is one 2D product and no transpose. Data: no gradient for it.
 */
function embedSlots(oneHot: Float32Array, rows: number, slots: number, emb: tf.Tensor2D): tf.Tensor3D {
  const v = emb.shape[0];
  const byToken = new Float32Array(oneHot.length);
  for (let n = 0; n < rows; n++)
    for (let t = 0; t < slots; t++)
      byToken.set(oneHot.subarray((n * slots + t) * v, (n * slots + t + 1) * v), (t * rows + n) * v);
  return tf.reshape(matmul(tf.tensor2d(byToken, [slots * rows, v]), emb), [slots, rows, emb.shape[1]]);
}

/*
 * Layout changes are 3D transposes only: tfjs-wasm transposes a 5D tensor ~100x slower than the
 * same data viewed as 3D (measured 83 ms against 0.45 ms).
 */

/** Planes [H·S, C·M, d] (row m of context c) → [C, M·H, S·d]: each (row, head) a query or an output. */
function planesToRows(x: tf.Tensor3D, c: number, h: number): tf.Tensor3D {
  const [hs, n, d] = x.shape;
  return tf.reshape(tf.transpose(x, [1, 0, 2]), [c, (n / c) * h, (hs / h) * d]);
}

/** The inverse of planesToRows. */
function rowsToPlanes(x: tf.Tensor3D, h: number, d: number): tf.Tensor3D {
  const [c, mh, sd] = x.shape;
  return tf.transpose(tf.reshape(x, [(c * mh) / h, (h * sd) / d, d]), [1, 0, 2]);
}

/** Source planes [S, C·F, d] → memory rows [C, F, S·d] (a fact's sources side by side). */
function planesToMemory(x: tf.Tensor3D, c: number): tf.Tensor3D {
  const [s, n, d] = x.shape;
  return tf.reshape(tf.transpose(x, [1, 0, 2]), [c, n / c, s * d]);
}

/**
 * Every layer's (or hop's) gates at once, [layers·S·nr, N]: static gates plus gates read from each
 * row's tokens, so a kind of fact (a constant, a definition, a table entry) can route differently.
 */
const allGates = (oneHot: tf.Tensor2D, w: Weights, p: string): tf.Tensor2D =>
  tf.transpose(denseInput(oneHot, w[`${p}_g_tok`] as tf.Tensor2D, w[`${p}_g`] as tf.Tensor1D));

/** Σ_s g[s, r, n]·x[s, n, d] for g [S·nr, N], x [S, N, d], as one op with a hand-written gradient. */
const gatedSum = tf.customGrad(((g: tf.Tensor2D, x: tf.Tensor3D, save: GradSave) => {
  const [s, n, d] = x.shape;
  const nr = g.shape[0] / s;
  save([g, x]);
  // On WebGPU each sum is one contraction program (g [S·nr, N], x [S, N, d], dy [nr, N, d], flat).
  if (contractsHere())
    return {
      value: contract(g, x, [nr, n, d], [n, 1, 0], [0, d, 1], s, nr * n, n * d),
      gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
        const [sg, sx] = saved as [tf.Tensor2D, tf.Tensor3D];
        return [
          contract(sx, dy, [s, nr, n], [n * d, 0, d], [0, n * d, d], d, 1, 1).reshape([s * nr, n]),
          contract(sg, dy, [s, n, d], [nr * n, 1, 0], [0, d, 1], nr, n, n * d),
        ];
      },
    };
  return {
    value: tf.sum(tf.mul(tf.reshape(g, [s, nr, n, 1]), tf.reshape(x, [s, 1, n, d])), 0),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sg, sx] = saved as [tf.Tensor2D, tf.Tensor3D];
      const dg = tf.reshape(tf.sum(tf.mul(tf.reshape(sx, [s, 1, n, d]), dy), 3), [s * nr, n]);
      const dx =
        nr === 1
          ? tf.mul(tf.reshape(sg, [s, n, 1]), dy)
          : tf.sum(tf.mul(tf.reshape(sg, [s, nr, n, 1]), dy), 1);
      return [dg, dx];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  g: tf.Tensor2D,
  x: tf.Tensor3D,
) => tf.Tensor3D;

/** New registers [nr, N, d]: each row mixes its source planes [S, N, d] with its layer's gates [S·nr, N]. */
const update = (sources: tf.Tensor3D, gates: tf.Tensor2D): tf.Tensor3D => gatedSum(gates, sources);

/** keep [H, N, 1] × r [1, N, d] → [H, N, d], with a written gradient (tfjs's casts and reshapes both sides). */
const stayed = tf.customGrad(((keep: tf.Tensor3D, r: tf.Tensor3D, save: GradSave) => {
  save([keep, r]);
  return {
    value: tf.mul(keep, r),
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [sk, sr] = saved as [tf.Tensor3D, tf.Tensor3D];
      const [h, n, d] = dy.shape;
      if (contractsHere())
        return [
          contract(dy, sr, [h, n, 1], [n * d, d, 0], [0, d, 0], d, 1, 1),
          contract(dy, sk, [1, n, d], [0, d, 1], [0, 1, 0], h, n * d, n),
        ];
      return [tf.sum(tf.mul(dy, sr), 2, true), tf.sum(tf.mul(dy, sk), 0, true)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  keep: tf.Tensor3D,
  r: tf.Tensor3D,
) => tf.Tensor3D;

/** The first register of each row, [1, N, d]. */
const firstRegister = (r: tf.Tensor3D, nr: number): tf.Tensor3D =>
  nr === 1 ? r : tf.slice(r, [0, 0, 0], [1, r.shape[1], r.shape[2]]);

export interface RelationalContexts extends EncodedContexts {
  /** The facts' slots [C, F, T·d] (the same at every level) and every level's registers [C, levels·F, nr·d]. */
  slotMemory: tf.Tensor3D;
  registerMemory: tf.Tensor3D;
  /** [C, 1, 1, levels·F + 1]: −1e9 on padding facts, 0 elsewhere. */
  memoryMask: tf.Tensor4D;
  pointerKeysT: tf.Tensor3D | null;
  pointerMask: tf.Tensor3D | null;
}

function encode(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): RelationalContexts {
  const c = g.contexts;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const d = cfg.d;
  const h = cfg.heads;
  const nr = registerCount(cfg);
  const mask = tf.tensor3d(g.factMask, [c, 1, f]);
  const oneHot = tf.tensor2d(g.facts, [c * f, t * shape.vocabSize]);
  const slots = embedSlots(g.facts, c * f, t, w.emb as tf.Tensor2D);
  let r = mix(w.rho_f!, slots);
  const maps = attentionMaps(w, 'r');
  const gates = byLayer(allGates(oneHot, w, 'r'), maps.n);
  const levels: tf.Tensor3D[] = [];
  const registers: tf.Tensor3D[] = [];
  let first: tf.Tensor3D | null = null;
  for (let l = 0; l <= cfg.selfLayers; l++) {
    const x = tf.concat([slots, r], 0);
    first ??= x;
    const mem = planesToMemory(x, c);
    levels.push(mem);
    registers.push(nr === 1 ? (tf.reshape(r, [c, f, d]) as tf.Tensor3D) : planesToMemory(r, c));
    if (l === cfg.selfLayers) break;
    const li = l % selfWeights(cfg);
    // The heads are extra query rows: [C, F·H, S·d] against the facts' sources [C, F, S·d].
    const q = planesToRows(mix(maps.queries[li]!, x), c, h);
    // On WebGPU one WGSL program (fused/attention.ts); elsewhere one op with its own gradient.
    const moved = fusedWebGpu()
      ? attend(q, tf.transpose(mem, [0, 2, 1]), mem, tf.reshape(mask, [c, 1, 1, f]) as tf.Tensor4D, 1)
      : factAttend(q, mem, mask);
    const o = mix(maps.values[li]!, rowsToPlanes(moved, h, d));
    r = update(tf.concat([x, o], 0), gates[li]!);
  }
  const maskData = new Float32Array(c * (levels.length * f + 1));
  for (let ci = 0; ci < c; ci++)
    for (let l = 0; l < levels.length; l++)
      maskData.set(g.factMask.subarray(ci * f, (ci + 1) * f), ci * (levels.length * f + 1) + l * f);
  const pointerKeysT = cfg.pointer
    ? (tf.transpose(tf.reshape(mix(w.ptr_a!, first!), [c, f, d]), [0, 2, 1]) as tf.Tensor3D)
    : null;
  const rep = {
    contexts: c,
    slotMemory: planesToMemory(slots, c),
    registerMemory: tf.concat(registers, 1) as tf.Tensor3D,
    memoryMask: tf.tensor4d(maskData, [c, 1, 1, levels.length * f + 1]),
    pointerKeysT,
    pointerMask: cfg.pointer ? tf.tensor3d(g.pointerMask, [c, 1, f]) : null,
  };
  return {
    ...rep,
    tensors: () => [
      rep.slotMemory,
      rep.registerMemory,
      rep.memoryMask,
      ...(rep.pointerKeysT ? [rep.pointerKeysT] : []),
      ...(rep.pointerMask ? [rep.pointerMask] : []),
    ],
  };
}

/**
 * [hops·(levels + 1), hops·(levels·F + 1)]: spreads each hop's level logits (and "stay") over the
 * memory's entries (block diagonal over the hops).
 */
function levelSpread(levels: number, f: number, hops: number): tf.Tensor2D {
  const k = levels * f + 1;
  const cols = hops * k;
  const e = new Float32Array(hops * (levels + 1) * cols);
  for (let m = 0; m < hops; m++) {
    const row = (l: number) => (m * (levels + 1) + l) * cols + m * k;
    for (let l = 0; l < levels; l++) for (let n = 0; n < f; n++) e[row(l) + l * f + n] = 1;
    e[row(levels) + k - 1] = 1;
  }
  return tf.tensor2d(e, [hops * (levels + 1), cols]);
}

function answer(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: RelationalContexts,
  g: GridArrays,
): tf.Tensor2D {
  const c = g.contexts;
  const qn = g.perContext;
  const nq = c * qn;
  const h = cfg.heads;
  const d = cfg.d;
  const f = shape.maxFacts;
  const nr = registerCount(cfg);
  const k = rep.registerMemory.shape[1] + 1;
  const qOneHot = tf.tensor2d(g.questions, [nq, shape.questionTokens * shape.vocabSize]);
  const qSlots = embedSlots(g.questions, nq, shape.questionTokens, w.emb as tf.Tensor2D);
  let r = mix(w.rho_q!, qSlots);
  const maps = attentionMaps(w, 'h');
  const gates = byLayer(allGates(qOneHot, w, 'h'), maps.n);
  // Which level to read (and how much to stay) per question and hop, spread over the memory,
  // padding facts masked: [C, Q, hops, K].
  const bias = tf.add(
    tf.reshape(
      tf.matMul(qOneHot, tf.matMul(w.h_lvl as tf.Tensor2D, levelSpread(cfg.selfLayers + 1, f, cfg.hops))),
      [c, qn, cfg.hops, k],
    ),
    rep.memoryMask,
  ) as tf.Tensor4D;
  const biases = cfg.hops === 1 ? [bias] : (tf.split(bias, cfg.hops, 2) as tf.Tensor4D[]);
  for (let m = 0; m < cfg.hops; m++) {
    const mi = cfg.shareHops ? 0 : m;
    const x = tf.concat([qSlots, r], 0);
    const q = planesToRows(mix(maps.queries[mi]!, x), c, h);
    const read = hopGrad(d)(q, rep.slotMemory, rep.registerMemory, biases[m]!);
    const sd = q.shape[2];
    const [reads, stay] = tf.split(read, [sd * nq, nq], 1) as [tf.Tensor2D, tf.Tensor2D];
    const planes = tf.reshape(reads, [(h * sd) / d, nq, d]) as tf.Tensor3D;
    // [H, C·Q, 1]: how much each head keeps the question's own register.
    const keep = tf.reshape(stay, [h, nq, 1]);
    const o = tf.add(
      mix(maps.values[mi]!, planes),
      stayed(keep as tf.Tensor3D, firstRegister(r, nr)),
    ) as tf.Tensor3D;
    r = update(tf.concat([x, o], 0), gates[mi]!);
  }
  // The answer is read from the first register.
  const answer = tf.reshape(firstRegister(r, nr), [nq, d]) as tf.Tensor2D;
  const head = dense(answer, w.out as tf.Tensor2D, w.out_b as tf.Tensor1D);
  if (!cfg.pointer) return head;
  const scores = tf.add(
    scaled(batchMatmul(tf.reshape(answer, [c, qn, d]), rep.pointerKeysT!), w.ptr_beta!),
    rep.pointerMask!,
  );
  return tf.concat([head, tf.reshape(scores, [nq, f])], 1);
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, as the attention model reports them. */
function flops(shape: ModelShape, cfg: ModelConfig): ForwardFlops {
  const { d, heads: h } = cfg;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const v = shape.vocabSize;
  const nr = registerCount(cfg);
  const sf = factSources(shape, cfg);
  const sq = questionSources(shape, cfg);
  const k = (cfg.selfLayers + 1) * f + 1;
  // Query mixing, scores, values, the value map, gates and the register update.
  const layer =
    f * h * sf * sf * d +
    2 * f * h * f * sf * d +
    f * h * h * sf * d +
    f * t * v * (sf + h) * nr +
    f * nr * (sf + h) * d;
  const perContext = f * t * v * d + cfg.selfLayers * layer + f * sf * d;
  const hop =
    h * sf * sq * d +
    2 * h * k * sf * d +
    h * h * sf * d +
    shape.questionTokens * v * (k + (sq + h) * nr) +
    nr * (sq + h) * d;
  const perQuestion = shape.questionTokens * v * d + cfg.hops * hop + d * (shape.answerClasses + 1) + f * d;
  return { perContext: 2 * perContext, perQuestion: 2 * perQuestion };
}

export const relationalModel: AnswerModel<RelationalContexts> = {
  init,
  encode: (w, shape, cfg, g) => withoutSaveCopies(() => encode(w, shape, cfg, g)),
  answer: (w, shape, cfg, rep, g) => withoutSaveCopies(() => answer(w, shape, cfg, rep, g)),
  flops,
};
