/**
 * The relational variant of model X: every token (in facts and in questions) is embedded by ONE
 * shared table, so a name is the same vector wherever it appears, and attention matches names
 * directly (query·key in that space) instead of through learned d×d maps. What is learned is
 * routing: small tables of scalars saying which slots of a fact or question form a query, a key
 * or a value, and how a register is updated. Finding "the fact whose first slot is the name I
 * hold" is then a dot product between the same name's vector from the first step, and what
 * remains to learn is which slots to read, a few dozen numbers, instead of aligning separately
 * embedded names by gradient descent (the attention model's long plateau per depth).
 *
 * Facts: each fact i keeps a register R_i (a vector in name space). Layer l lets every fact
 * attend to the facts once (heads, scalar routing) and updates R; with the register as query and
 * a fact's first slot as key this is pointer doubling: layer l can hold σ^(2^l). Questions: a
 * register r starts from the question's slots; each hop attends over the facts at every layer
 * (level) at once, with a per-level bias read from the question's tokens (so k's bits can pick
 * σ, σ², σ⁴ …) and a "stay" entry; the answer is read by the usual class head and pointer head.
 */
import * as tf from '@tensorflow/tfjs';
import type { ContextRep, GridArrays, ModelConfig, ModelShape, Weights } from './model-old-types';
import { attend } from './fused/attention';
import { fusedDense } from './fused/products';
import { fusedOps } from './fused/switch';
import { batchMatmul, matmul } from './ops';

const registerCount = (cfg: ModelConfig): number => cfg.registers ?? 1;
/** Sources per fact: its T token slots plus its registers. */
const factSources = (shape: ModelShape, cfg: ModelConfig): number => shape.factTokens + registerCount(cfg);
/** Sources per question: its slots plus its registers. */
const questionSources = (shape: ModelShape, cfg: ModelConfig): number =>
  shape.questionTokens + registerCount(cfg);
/** Fact layer l uses the weights of layer l mod selfPeriod (a repeated step shares them). */
const selfWeights = (cfg: ModelConfig): number => Math.min(cfg.selfLayers, cfg.selfPeriod ?? cfg.selfLayers);

export function initRelational(
  shape: ModelShape,
  cfg: ModelConfig,
  rng: () => number,
  mat: (name: string, values: Float32Array, shape: number[]) => void,
): void {
  const { d, heads: h } = cfg;
  const t = shape.factTokens;
  const tq = shape.questionTokens;
  const sf = factSources(shape, cfg);
  const sq = questionSources(shape, cfg);
  const nr = registerCount(cfg);
  const levels = cfg.selfLayers + 1;
  const normal = (): number => {
    // Box–Muller from the seeded uniform stream.
    const u = Math.max(rng(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const rand = (n: number, std: number): Float32Array =>
    Float32Array.from({ length: n }, () => normal() * std);
  const fill = (n: number, v: number): Float32Array => new Float32Array(n).fill(v);
  // Unit-length token vectors on average: distinct names are nearly orthogonal in d ≥ 32.
  mat('emb', rand(shape.vocabSize * d, 1 / Math.sqrt(d)), [shape.vocabSize, d]);
  // Routing tables are [sources, outputs]: route() multiplies on the right.
  mat('rho_f', fill(t * nr, 1 / t), [t, nr]);
  mat('rho_q', fill(tq * nr, 1 / tq), [tq, nr]);
  // Register updates: static gates plus gates read from the fact's (question's) own tokens, so a
  // kind of fact (a constant, a definition, a table entry) can route differently. At first each
  // register mostly keeps its value, with a little of every source so gradients reach all routes.
  const gates = (name: string, sources: number, slots: number, tokens: number) => {
    const g = rand((sources + h) * nr, 0.1);
    for (let i = 0; i < nr; i++) g[(slots + i) * nr + i] = 1;
    mat(name, g, [1, (sources + h) * nr]);
    mat(`${name}_tok`, new Float32Array(tokens * shape.vocabSize * (sources + h) * nr), [
      tokens * shape.vocabSize,
      (sources + h) * nr,
    ]);
  };
  for (let l = 0; l < selfWeights(cfg); l++) {
    mat(`r${l}_aq`, rand(sf * h * t, 0.5), [sf, h * t]);
    mat(`r${l}_ak`, rand(sf * h * t, 0.5), [sf, h * t]);
    mat(`r${l}_av`, rand(sf * h, 0.5), [sf, h]);
    mat(`r${l}_beta`, fill(1, 4 * (cfg.attnScale ?? 1)), [1]);
    gates(`r${l}_g`, sf, t, t);
  }
  for (let m = 0; m < cfg.hops; m++) {
    if (m === 0 || !cfg.shareHops) {
      mat(`h${m}_aq`, rand(sq * h * t, 0.5), [sq, h * t]);
      mat(`h${m}_ak`, rand(sf * h * t, 0.5), [sf, h * t]);
      mat(`h${m}_av`, rand(sf * h, 0.5), [sf, h]);
      mat(`h${m}_beta`, fill(1, 4 * (cfg.attnScale ?? 1)), [1]);
      gates(`h${m}_g`, sq, tq, tq);
    }
    // Level (and "stay") logits as a linear function of the question's one-hot tokens.
    mat(`h${m}_lvl`, new Float32Array(tq * shape.vocabSize * (levels + 1)), [
      tq * shape.vocabSize,
      levels + 1,
    ]);
  }
  mat('out', rand(d * (shape.answerClasses + 1), 1 / Math.sqrt(d)), [d, shape.answerClasses + 1]);
  mat('out_b', new Float32Array(shape.answerClasses + 1), [shape.answerClasses + 1]);
  if (cfg.pointer) {
    mat('ptr_a', rand(sf, 0.5), [sf, 1]);
    mat('ptr_beta', fill(1, 4 * (cfg.attnScale ?? 1)), [1]);
  }
}

/*
 * Layout: a row's vectors are columns, [N, d, s]. A row's sources (its token slots, its
 * registers, the heads' outputs) are kept as separate tensors, never concatenated along the
 * last axis: in tfjs-wasm that concat (and its gradient, a split) costs more than the matmuls.
 */

/** route(parts, A [Σs, K]) → [N, d, K]: K learned mixtures of all the parts' source vectors. */
function route(parts: tf.Tensor3D[], a: tf.Tensor2D): tf.Tensor3D {
  const [n, d] = parts[0]!.shape;
  const k = a.shape[1];
  let at = 0;
  let out: tf.Tensor2D | null = null;
  for (const part of parts) {
    const s = part.shape[2];
    const rows = parts.length === 1 ? a : tf.slice(a, [at, 0], [s, k]);
    // tf.matMul, not ops.matmul: with an inner dimension this small its gradient's transposed
    // products beat explicit transposes of the tall operand (measured 3.3 vs 7.9 ms).
    const mixed: tf.Tensor2D = tf.matMul(tf.reshape(part, [n * d, s]) as tf.Tensor2D, rows);
    out = out ? (tf.add(out, mixed) as tf.Tensor2D) : mixed;
    at += s;
  }
  return tf.reshape(out!, [n, d, k]);
}

/** Token vectors of one-hot rows [N, T·V] → [N, d, T]. */
function embedSlots(oneHot: tf.Tensor2D, rows: number, slots: number, emb: tf.Tensor2D): tf.Tensor3D {
  const x = tf.reshape(oneHot, [rows * slots, emb.shape[0]]);
  return tf.transpose(tf.reshape(tf.matMul(x, emb), [rows, slots, emb.shape[1]]), [0, 2, 1]);
}

/**
 * New registers [N, d, nr]: each row mixes its sources with its own gates (static gates plus
 * gates read from its tokens).
 */
function update(
  parts: tf.Tensor3D[],
  oneHot: tf.Tensor2D,
  g: tf.Tensor2D,
  gTok: tf.Tensor2D,
  nr: number,
): tf.Tensor3D {
  const n = parts[0]!.shape[0];
  const gates = tf.add(g, matmul(oneHot, gTok)); // [N, S·nr]
  let at = 0;
  let out: tf.Tensor | null = null;
  for (const part of parts) {
    const s = part.shape[2];
    const gi = tf.reshape(tf.slice(gates, [0, at * nr], [n, s * nr]), [n, s, nr]);
    const mixed = tf.matMul(part, gi as tf.Tensor3D);
    out = out ? tf.add(out, mixed) : mixed;
    at += s;
  }
  return out as tf.Tensor3D;
}

/** The first register of each row, [N, d]. */
const firstRegister = (r: tf.Tensor3D): tf.Tensor2D =>
  tf.reshape(tf.slice(r, [0, 0, 0], [r.shape[0], r.shape[1], 1]), [r.shape[0], r.shape[1]]);

/**
 * Slot-structured multi-head attention of M queries onto N memory entries per context:
 * q [C·M, d, H·T], k [C·N, d, H·T], v [C·N, d, H]; a query matches a key slot by slot.
 * `stay` (optional, [C, 1, M, 1] logits) adds one more entry per query whose value is `own`
 * ([C·M, d]): "nothing to follow, keep what I hold". Returns [C·M, d, H].
 */
function slotAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  c: number,
  h: number,
  beta: tf.Tensor,
  bias: tf.Tensor,
  stay?: { logits: tf.Tensor; own: tf.Tensor2D },
): tf.Tensor3D {
  const d = q.shape[1];
  const t = q.shape[2] / h;
  const m = q.shape[0] / c;
  const n = k.shape[0] / c;
  const qh = tf.reshape(tf.transpose(tf.reshape(q, [c, m, d, h, t]), [0, 3, 1, 2, 4]), [c * h, m, d * t]);
  const kT = tf.reshape(tf.transpose(tf.reshape(k, [c, n, d, h, t]), [0, 3, 2, 4, 1]), [c * h, d * t, n]);
  const vh = tf.reshape(tf.transpose(tf.reshape(v, [c, n, d, h]), [0, 3, 1, 2]), [c * h, n, d]);
  if (!stay && fusedOps().attention) {
    const o = attend(
      tf.mul(qh, beta) as tf.Tensor3D,
      kT as tf.Tensor3D,
      vh as tf.Tensor3D,
      bias as tf.Tensor4D,
      h,
    );
    return tf.reshape(tf.transpose(tf.reshape(o, [c, h, m, d]), [0, 2, 3, 1]), [c * m, d, h]);
  }
  const scores = tf.add(
    tf.reshape(tf.mul(batchMatmul(qh as tf.Tensor3D, kT as tf.Tensor3D), beta), [c, h, m, n]),
    bias,
  );
  let out: tf.Tensor;
  if (!stay) {
    out = tf.reshape(batchMatmul(tf.reshape(tf.softmax(scores), [c * h, m, n]), vh as tf.Tensor3D), [
      c,
      h,
      m,
      d,
    ]);
  } else {
    // Softmax over the entries and the stay logit, written out (a concat along the last axis,
    // and its gradient, are slow in tfjs-wasm); the max shift cancels.
    const top = tf.max(scores, 3, true);
    const e = tf.exp(tf.sub(scores, top));
    const eStay = tf.exp(tf.sub(stay.logits, top));
    const total = tf.add(tf.sum(e, 3, true), eStay);
    const att = tf.reshape(tf.div(e, total), [c * h, m, n]);
    const keep = tf.div(eStay, total);
    const moved = tf.reshape(batchMatmul(att as tf.Tensor3D, vh as tf.Tensor3D), [c, h, m, d]);
    out = tf.add(moved, tf.mul(keep, tf.reshape(stay.own, [c, 1, m, d])));
  }
  return tf.reshape(tf.transpose(out, [0, 2, 3, 1]), [c * m, d, h]);
}

export function encodeRelational(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): ContextRep {
  const c = g.contexts;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const nr = registerCount(cfg);
  const mask = tf.tensor4d(g.factMask, [c, 1, 1, f]);
  const oneHot = tf.tensor2d(g.facts, [c * f, t * shape.vocabSize]);
  const slots = embedSlots(oneHot, c * f, t, w.emb as tf.Tensor2D);
  let r = route([slots], w.rho_f as tf.Tensor2D);
  const registers: tf.Tensor3D[] = [r];
  for (let l = 0; l < cfg.selfLayers; l++) {
    const p = `r${l % selfWeights(cfg)}`;
    const src = [slots, r];
    const q = route(src, w[`${p}_aq`] as tf.Tensor2D);
    const k = route(src, w[`${p}_ak`] as tf.Tensor2D);
    const v = route(src, w[`${p}_av`] as tf.Tensor2D);
    const o = slotAttention(q, k, v, c, cfg.heads, w[`${p}_beta`]!, mask);
    r = update([...src, o], oneHot, w[`${p}_g`] as tf.Tensor2D, w[`${p}_g_tok`] as tf.Tensor2D, nr);
    registers.push(r);
  }
  const pointerKeys = cfg.pointer
    ? (tf.transpose(
        tf.reshape(route([slots, registers[0]!], w.ptr_a as tf.Tensor2D), [c, f, cfg.d]),
        [0, 2, 1],
      ) as tf.Tensor3D)
    : null;
  return {
    contexts: c,
    hopKeysT: [],
    hopValues: [],
    pointerKeysT: pointerKeys,
    mask,
    pointerMask: cfg.pointer ? tf.tensor3d(g.pointerMask, [c, 1, f]) : null,
    // A shared hop reads the same memory at every hop and for every batch of questions (the
    // teacher answers several waves per context encoding): build it once, here.
    relational: {
      slots,
      registers,
      memory: cfg.shareHops ? hopMemory(slots, registers, w, 'h0', c, cfg.heads) : undefined,
    },
  };
}

/** What a hop reads, per level: keys [C·H, d·T, F] and values [C·H, F, d]. */
export interface HopMemory {
  keysT: tf.Tensor3D[];
  values: tf.Tensor3D[];
}

/**
 * The memory the question hops read: every fact at every level (its registers after fact layer
 * l), keys and values routed from the fact's slots (the same at every level: computed once)
 * plus its registers at that level. A hop shared by all hops (shareHops) builds it once.
 */
function hopMemory(
  slots: tf.Tensor3D,
  registers: tf.Tensor3D[],
  w: Weights,
  p: string,
  c: number,
  h: number,
) {
  const [n, d, t] = slots.shape;
  const f = n / c;
  const split = (a: tf.Tensor2D) =>
    [tf.slice(a, [0, 0], [t, a.shape[1]]), tf.slice(a, [t, 0], [a.shape[0] - t, a.shape[1]])] as const;
  const [akS, akR] = split(w[`${p}_ak`] as tf.Tensor2D);
  const [avS, avR] = split(w[`${p}_av`] as tf.Tensor2D);
  const kS = route([slots], akS);
  const vS = route([slots], avS);
  const mem: HopMemory = { keysT: [], values: [] };
  for (const reg of registers) {
    const k = tf.add(kS, route([reg], akR));
    const v = tf.add(vS, route([reg], avR));
    mem.keysT.push(
      tf.reshape(tf.transpose(tf.reshape(k, [c, f, d, h, t]), [0, 3, 2, 4, 1]), [
        c * h,
        d * t,
        f,
      ]) as tf.Tensor3D,
    );
    mem.values.push(
      tf.reshape(tf.transpose(tf.reshape(v, [c, f, d, h]), [0, 3, 1, 2]), [c * h, f, d]) as tf.Tensor3D,
    );
  }
  return mem;
}

/**
 * A hop of the questions over the memory. The level enters as a per-question bias (which fact
 * layer to read), and a "stay" entry keeps the question's own register. Returns [C·M, d, H].
 */
function hopAttention(
  q: tf.Tensor3D,
  mem: HopMemory,
  beta: tf.Tensor,
  c: number,
  h: number,
  mask: tf.Tensor4D,
  levelLogits: tf.Tensor2D,
  own: tf.Tensor2D,
): tf.Tensor3D {
  const d = q.shape[1];
  const t = q.shape[2] / h;
  const m = q.shape[0] / c;
  const nl = mem.keysT.length;
  const f = mem.keysT[0]!.shape[2];
  const qh = tf.reshape(tf.transpose(tf.reshape(q, [c, m, d, h, t]), [0, 3, 1, 2, 4]), [c * h, m, d * t]);
  const perLevel = tf.concat(
    mem.keysT.map((kT) => tf.reshape(batchMatmul(qh as tf.Tensor3D, kT), [c, h, m, 1, f])),
    3,
  );
  const byFact = tf.add(tf.mul(perLevel, beta), tf.reshape(mask, [c, 1, 1, 1, f]));
  const lvl = tf.reshape(tf.slice(levelLogits, [0, 0], [c * m, nl]), [c, 1, m, nl, 1]);
  const scores = tf.reshape(tf.add(byFact, lvl), [c, h, m, nl * f]);
  const stay = tf.reshape(tf.slice(levelLogits, [0, nl], [c * m, 1]), [c, 1, m, 1]);
  // Softmax over every (level, fact) entry and the stay logit, written out (a concat along the
  // last axis, and its gradient, are slow in tfjs-wasm); the max shift cancels.
  const top = tf.max(scores, 3, true);
  const e = tf.exp(tf.sub(scores, top));
  const eStay = tf.exp(tf.sub(stay, top));
  const total = tf.add(tf.sum(e, 3, true), eStay);
  const att = tf.reshape(tf.div(e, total), [c * h, m, nl, f]);
  let out: tf.Tensor = tf.mul(tf.div(eStay, total), tf.reshape(own, [c, 1, m, d]));
  mem.values.forEach((vh, l) => {
    const a = tf.reshape(tf.slice(att, [0, 0, l, 0], [c * h, m, 1, f]), [c * h, m, f]);
    out = tf.add(out, tf.reshape(batchMatmul(a as tf.Tensor3D, vh), [c, h, m, d]));
  });
  return tf.reshape(tf.transpose(out, [0, 2, 3, 1]), [c * m, d, h]);
}

export function relationalLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: ContextRep,
  g: GridArrays,
): tf.Tensor2D {
  const { slots, registers } = rep.relational!;
  const c = g.contexts;
  const qn = g.perContext;
  const f = shape.maxFacts;
  const nr = registerCount(cfg);
  const qOneHot = tf.tensor2d(g.questions, [c * qn, shape.questionTokens * shape.vocabSize]);
  const qSlots = embedSlots(qOneHot, c * qn, shape.questionTokens, w.emb as tf.Tensor2D);
  let r = route([qSlots], w.rho_q as tf.Tensor2D);
  const shared = rep.relational!.memory ?? null;
  for (let m = 0; m < cfg.hops; m++) {
    const p = cfg.shareHops ? 'h0' : `h${m}`;
    const src = [qSlots, r];
    const q = route(src, w[`${p}_aq`] as tf.Tensor2D);
    // Level logits per question and hop (which fact layer to read); the last column is "stay".
    const lvl = matmul(qOneHot, w[`h${m}_lvl`] as tf.Tensor2D);
    const mem = shared ?? hopMemory(slots, registers, w, p, c, cfg.heads);
    const o = hopAttention(q, mem, w[`${p}_beta`]!, c, cfg.heads, rep.mask, lvl, firstRegister(r));
    r = update([...src, o], qOneHot, w[`${p}_g`] as tf.Tensor2D, w[`${p}_g_tok`] as tf.Tensor2D, nr);
  }
  // The answer is read from the first register.
  const answer = firstRegister(r);
  const head = fusedOps().dense
    ? fusedDense(answer, w.out as tf.Tensor2D, w.out_b as tf.Tensor1D)
    : (tf.add(matmul(answer, w.out as tf.Tensor2D), w.out_b!) as tf.Tensor2D);
  if (!cfg.pointer) return head;
  const scores = tf.add(
    tf.mul(batchMatmul(tf.reshape(answer, [c, qn, cfg.d]), rep.pointerKeysT!), w.ptr_beta!),
    rep.pointerMask!,
  );
  return tf.concat([head, tf.reshape(scores, [c * qn, f])], 1);
}

export function relationalRepTensors(rep: ContextRep): tf.Tensor[] {
  if (!rep.relational) return [];
  const { slots, registers, memory } = rep.relational;
  return [slots, ...registers, ...(memory ? [...memory.keysT, ...memory.values] : [])];
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, as the attention model reports them. */
export function relationalFlops(
  shape: ModelShape,
  cfg: ModelConfig,
): { perContext: number; perQuestion: number } {
  const { d, heads: h } = cfg;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const nr = registerCount(cfg);
  const s = t + nr;
  const levels = cfg.selfLayers + 1;
  const layer = f * d * s * (2 * h * t + h) + f * f * h * d * t * 2 + f * d * (s + h) * nr;
  // Per hop, the keys over the slots and every level's values (recomputed per question batch).
  const hopPerContext = f * d * t * h * t + levels * f * d * s * h;
  const perContext = f * t * shape.vocabSize * d + cfg.selfLayers * layer + cfg.hops * hopPerContext;
  const sq = shape.questionTokens + nr;
  const hop = d * sq * h * shape.questionTokens + levels * f * h * d * (t + 1) + d * (sq + h) * nr;
  const perQuestion =
    shape.questionTokens * shape.vocabSize * d + cfg.hops * hop + d * (shape.answerClasses + 1) + f * d;
  return { perContext: 2 * perContext, perQuestion: 2 * perQuestion };
}
