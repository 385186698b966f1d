/**
 * The iterated model X: every fact holds one register (a vector in token space), and one step, its
 * weights shared, is applied `selfLayers` times to every register at once: the fact reads the
 * registers of the facts its names point to (one read per operand head), looks up the fact whose
 * slots match what it read, and moves its register toward that fact's value. For assignments that
 * is one level of a definition per step (v := f(y, z): read y's and z's values a and b, find the
 * entry f(a, b) = c, take c), so depth d is right after d − 1 steps, and the step depth 2 teaches
 * is the one depths 3 and 4 need (weights shared: issue 15, "a repeated step").
 *
 * One token table embeds every slot, so a name matches itself wherever it appears. What is learned
 * is routing: for each operand head a weight per pair of slots (query slot, key slot), the lookup's
 * key and value slots, the question's slots against a fact's; a temperature per attention; from a
 * fact's own tokens its first register, its gate and a bias on it as a key (which kinds of fact a
 * read may land on); and the class head. An operand head's scores depend on the slots only, so
 * they are computed once per context; a step is a few small batched products. The question reads
 * the final registers of the facts its slots match. No pointer head (cfg.pointer must be false).
 *
 * Which routing a start settles on decides whether it learns (two heads on one slot is a stable
 * wrong answer), so `candidates` R whole copies, each with its own start and token table, train side
 * by side in one batch (R·C contexts per product: the same kernels, R times the arithmetic), each
 * on its own loss; a mixture of theirs, the candidates held still, learns which explains the
 * answers best, and X answers with that one.
 */
import * as tf from '@tensorflow/tfjs';
import { denseInput } from '../ops';
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
import { NEG } from './contract';

/** Operand heads: reads per step before the lookup (cfg.heads). */
const operands = (cfg: ModelConfig): number => cfg.heads;

/** Candidate routings trained side by side, answers a learned mixture of theirs (cfg.candidates). */
const candidatesOf = (cfg: ModelConfig): number => Math.max(1, cfg.candidates ?? 1);

/*
 * Slot routings, rows of `route` [K, T]: operand queries (J·T: head h's query against the keys'
 * slot t′ mixes the querying fact's slots), lookup keys (J), lookup value (1). An operand read's
 * score is Σ_t′ ⟨Σ_t a[t′, t]·X_m,t, X_n,t′⟩, linear in the routing (one weight per pair of slots);
 * a query mixture times a key mixture (bilinear) often settled both heads on one slot.
 */
const routeRows = (j: number, t: number): number => j * t + j + 1;

/**
 * Routing starts near zero: every read nearly uniform, so every route gets a gradient. Started at
 * 0.5, reads were confidently wrong from the first step and their gradients vanished.
 */
const ROUTE_STD = 0.05;

function init(shape: ModelShape, cfg: ModelConfig, rng: () => number): Record<string, InitialWeight> {
  if (cfg.pointer) throw new Error('the iterated model has no pointer head: set pointer to false');
  const { d } = cfg;
  const t = shape.factTokens;
  const tv = t * shape.vocabSize;
  const j = operands(cfg);
  const r = candidatesOf(cfg);
  const normal = (): number => {
    const u = Math.max(rng(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const rand = (n: number, std: number): Float32Array =>
    Float32Array.from({ length: n }, () => normal() * std);
  const w: Record<string, InitialWeight> = {};
  const mat = (name: string, values: Float32Array, dims: number[]) => (w[name] = { values, shape: dims });
  // Each token its own axis where d allows (distinct names exactly orthogonal, unit length), else
  // random unit-length vectors (nearly orthogonal). Measured: random vectors with random routing
  // sat at ~72% (depth 2 ~60%) where these learned every depth.
  // Each candidate its own table (d columns each, side by side).
  const emb =
    d >= shape.vocabSize
      ? new Float32Array(shape.vocabSize * r * d)
      : rand(shape.vocabSize * r * d, 1 / Math.sqrt(d));
  if (d >= shape.vocabSize)
    for (let v = 0; v < shape.vocabSize; v++) for (let k = 0; k < r; k++) emb[(v * r + k) * d + v] = 1;
  mat('emb', emb, [shape.vocabSize, r * d]);
  mat('route', rand(r * routeRows(j, t) * t, ROUTE_STD), [r * routeRows(j, t), t]);
  // Per fact, from its tokens: the first register's slot mixture (T), the gate of the update (1),
  // and a key bias for each operand head, the lookup and the answer (J + 2).
  const perFact = t + 1 + j + 2;
  mat('fact_tok', rand(tv * r * perFact, 0.1), [tv, r * perFact]);
  // The gate starts mostly shut (sigmoid(−2) ≈ 0.12): a constant's value is not washed out by three
  // steps of untrained lookups before the answers can use it (measured, seed 2 on true answers:
  // 98.5% at 25.6k examples against ~70% with the gate at 0.5).
  const factBias = new Float32Array(r * perFact);
  for (let k = 0; k < r; k++) factBias[k * perFact + t] = -2;
  mat('fact_b', factBias, [r * perFact]);
  // Temperatures per candidate: operand reads, lookup, answer.
  mat('beta', new Float32Array(r * 3).fill(4 * (cfg.attnScale ?? 1)), [r, 3]);
  // The answer's query against each of a fact's slots, from the question's slots: [T, Tq].
  const tq = shape.questionTokens;
  mat('q_route', rand(r * t * tq, ROUTE_STD), [r * t, tq]);
  const classes = shape.answerClasses + 1;
  mat('out', rand(r * d * classes, 1 / Math.sqrt(d)), [r, d, classes]);
  mat('out_b', new Float32Array(r * classes), [r, 1, classes]);
  // The mixture's log-weights: equal at the start.
  mat('mix', new Float32Array(r), [r]);
  return w;
}

/**
 * Slot planes [R, T, N, d] of one-hot rows (N × T·V), reordered token-major in JS (data: no
 * gradient), in each of the R candidates' token tables.
 */
function embedSlots(
  oneHot: Float32Array,
  rows: number,
  slots: number,
  emb: tf.Tensor2D,
  r: number,
): tf.Tensor4D {
  const v = emb.shape[0];
  const d = emb.shape[1] / r;
  const byToken = new Float32Array(oneHot.length);
  for (let n = 0; n < rows; n++)
    for (let s = 0; s < slots; s++)
      byToken.set(oneHot.subarray((n * slots + s) * v, (n * slots + s + 1) * v), (s * rows + n) * v);
  const planes = tf.matMul(tf.tensor2d(byToken, [slots * rows, v]), emb);
  if (r === 1) return tf.reshape(planes, [1, slots, rows, d]);
  return tf.transpose(tf.reshape(planes, [slots, rows, r, d]), [2, 0, 1, 3]);
}

export interface IteratedContexts extends EncodedContexts {
  /** Final registers [C, F, d]. */
  registers: tf.Tensor3D;
  /** Answer keys [C, d, F] (transposed). */
  answerKeysT: tf.Tensor3D;
  /** [C, 1, F]: the answer's key bias per fact plus the padding mask. */
  answerBias: tf.Tensor3D;
}

function encode(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): IteratedContexts {
  const c = g.contexts;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const d = cfg.d;
  const j = operands(cfg);
  const r = candidatesOf(cfg);
  const n = c * f;
  const k = routeRows(j, t);
  // Every candidate's contexts side by side: the batch of each product is R·C.
  const rc = r * c;
  const slots = embedSlots(g.facts, n, t, w.emb as tf.Tensor2D, r);
  // Every routed mixture of every candidate at once: [R, K, N, d].
  const routed = tf.reshape(tf.matMul(tf.reshape(w.route!, [r, k, t]), tf.reshape(slots, [r, t, n * d])), [
    r,
    k,
    n,
    d,
  ]);
  const plane = (i: number): tf.Tensor3D =>
    tf.reshape(tf.slice(routed, [0, i, 0, 0], [r, 1, n, d]), [rc, f, d]);
  // Planes i … i + T − 1 side by side: [R·C, F, T·d].
  const rows = (i: number): tf.Tensor3D =>
    tf.reshape(tf.transpose(tf.slice(routed, [0, i, 0, 0], [r, t, n, d]), [0, 2, 1, 3]), [rc, f, t * d]);
  const oneHot = tf.tensor2d(g.facts, [n, t * shape.vocabSize]);
  const width = t + 1 + j + 2;
  // [R, N, T + 1 + J + 2]: per fact and candidate, from its tokens.
  const perFact = tf.transpose(
    tf.reshape(denseInput(oneHot, w.fact_tok as tf.Tensor2D, w.fact_b as tf.Tensor1D), [n, r, width]),
    [1, 0, 2],
  );
  const column = (i: number, cols = 1) => tf.slice(perFact, [0, 0, i], [r, n, cols]);
  const mask = tf.tensor4d(g.factMask, [1, c, 1, f]);
  // [R·C, 1, F] bias on the keys of head i (operand heads, lookup, answer) plus the padding mask.
  const keyBias = (i: number): tf.Tensor3D =>
    tf.reshape(tf.add(tf.reshape(column(t + 1 + i), [r, c, 1, f]), mask), [rc, 1, f]);
  // Temperature i of each candidate, against scores [R·C, rows, F].
  const temp = (i: number): tf.Tensor => tf.reshape(tf.slice(w.beta!, [0, i], [r, 1]), [r, 1, 1, 1]);
  const scaled = (scores: tf.Tensor3D, i: number): tf.Tensor3D => {
    const [, m, l] = scores.shape;
    return tf.reshape(tf.mul(tf.reshape(scores, [r, c, m, l]), temp(i)), [rc, m, l]);
  };
  const read = (q: tf.Tensor3D, keys: tf.Tensor3D, bias: tf.Tensor, i: number) =>
    tf.softmax(tf.add(scaled(tf.matMul(q, keys, false, true), i), bias)) as tf.Tensor3D;
  // Which fact each operand head reads depends on the slots only: the same at every step.
  const keys: tf.Tensor3D = tf.reshape(tf.transpose(slots, [0, 2, 1, 3]), [rc, f, t * d]);
  // An operand is another fact: a fact never reads itself (else reading itself is an easy fixed point).
  const selfMask = tf.tensor3d(
    Float32Array.from({ length: f * f }, (_, i) => (i % (f + 1) === 0 ? NEG : 0)),
    [1, f, f],
  );
  const operandReads = Array.from({ length: j }, (_, h) =>
    read(rows(h * t), keys, tf.add(keyBias(h), selfMask), 0),
  );
  const lookupKeys: tf.Tensor3D = tf.concat(
    Array.from({ length: j }, (_, h) => plane(j * t + h)),
    2,
  );
  const lookupValues = plane(j * t + j);
  const lookupBias = keyBias(j);
  // First register: a per-fact mixture of its slots ([R, T, N, 1] weights over [R, T, N, d]).
  const r0weights = tf.reshape(tf.transpose(column(0, t), [0, 2, 1]), [r, t, n, 1]);
  let reg = tf.reshape(tf.sum(tf.mul(r0weights, slots), 1), [rc, f, d]) as tf.Tensor3D;
  const gate = tf.reshape(tf.sigmoid(column(t)), [rc, f, 1]);
  for (let s = 0; s < cfg.selfLayers; s++) {
    const reads = tf.concat(
      operandReads.map((p) => tf.matMul(p, reg)),
      2,
    ) as tf.Tensor3D;
    const value = tf.matMul(read(reads, lookupKeys, lookupBias, 1), lookupValues);
    reg = tf.add(reg, tf.mul(gate, tf.sub(value, reg))) as tf.Tensor3D;
  }
  const rep = {
    contexts: c,
    registers: reg,
    answerKeysT: tf.transpose(keys, [0, 2, 1]) as tf.Tensor3D,
    answerBias: keyBias(j + 1),
  };
  return {
    ...rep,
    tensors: () => [rep.registers, rep.answerKeysT, rep.answerBias],
  };
}

/** Every candidate's logits [R, C·Q, classes]. */
function candidateLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: IteratedContexts,
  g: GridArrays,
): tf.Tensor3D {
  const c = g.contexts;
  const qn = g.perContext;
  const nq = c * qn;
  const d = cfg.d;
  const r = candidatesOf(cfg);
  const tq = shape.questionTokens;
  const slots = embedSlots(g.questions, nq, tq, w.emb as tf.Tensor2D, r);
  const t = shape.factTokens;
  // [R, T, C·Q, d] → [R·C, Q, T·d]: each candidate's query against each of a fact's slots.
  const q = tf.reshape(
    tf.transpose(
      tf.reshape(tf.matMul(tf.reshape(w.q_route!, [r, t, tq]), tf.reshape(slots, [r, tq, nq * d])), [
        r,
        t,
        nq,
        d,
      ]),
      [0, 2, 1, 3],
    ),
    [r * c, qn, t * d],
  );
  const temp = tf.reshape(tf.slice(w.beta!, [0, 2], [r, 1]), [r, 1, 1, 1]);
  const scores = tf.reshape(tf.mul(tf.reshape(tf.matMul(q, rep.answerKeysT), [r, c, qn, -1]), temp), [
    r * c,
    qn,
    -1,
  ]);
  const p = tf.softmax(tf.add(scores, rep.answerBias)) as tf.Tensor3D;
  const value = tf.reshape(tf.matMul(p, rep.registers), [r, nq, d]);
  return tf.add(tf.matMul(value, w.out as tf.Tensor3D), w.out_b!) as tf.Tensor3D;
}

/** The answer: the logits of the candidate the mixture weighs most. */
function answer(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: IteratedContexts,
  g: GridArrays,
): tf.Tensor2D {
  const logits = candidateLogits(w, shape, cfg, rep, g);
  const [r, nq, k] = logits.shape;
  if (r === 1) return tf.reshape(logits, [nq, k]);
  return tf.reshape(tf.gather(logits, tf.argMax(w.mix!)), [nq, k]);
}

/** Passes its input on, and no gradient back. */
const frozen = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as <T extends tf.Tensor>(x: T) => T;

/**
 * Training: each candidate learns on its own (R blocks, each trained on the targets as if alone),
 * and one more block, the mixture log Σ_r π_r p_r over candidates held still, trains only the
 * mixture's log-weights toward the candidate that explains the answers best (R + 1 blocks).
 */
function trainingLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: IteratedContexts,
  g: GridArrays,
): tf.Tensor2D {
  const logits = candidateLogits(w, shape, cfg, rep, g);
  const [r, nq, k] = logits.shape;
  if (r === 1) return tf.reshape(logits, [nq, k]);
  const mix = tf.reshape(tf.logSoftmax(w.mix as tf.Tensor1D), [r, 1, 1]);
  const mixture = tf.logSumExp(tf.add(frozen(tf.logSoftmax(logits)), mix), 0, true);
  return tf.reshape(tf.concat([logits, mixture], 0), [(r + 1) * nq, k]);
}

/** Forward FLOPs (multiply-adds × 2) per context and per question. */
function flops(shape: ModelShape, cfg: ModelConfig): ForwardFlops {
  const { d } = cfg;
  const f = shape.maxFacts;
  const t = shape.factTokens;
  const v = shape.vocabSize;
  const j = operands(cfg);
  const tq = shape.questionTokens;
  const embed = f * t * v * d + routeRows(j, t) * t * f * d + f * t * v * (t + j + 3);
  // Operand scores (T·d wide), then per step: the reads, the lookup's scores and values, the gate.
  const reads = j * f * f * t * d;
  const step = j * f * f * d + f * f * j * d + f * f * d + f * d;
  const r = candidatesOf(cfg);
  // Every candidate does all of it, in its own token table.
  const perContext = r * (embed + reads + cfg.selfLayers * step);
  const perQuestion = r * (tq * v * d + t * tq * d + 2 * f * t * d + f * d + d * (shape.answerClasses + 1));
  return { perContext: 2 * perContext, perQuestion: 2 * perQuestion };
}

/**
 * The mixture has settled once one candidate holds this share of it (probe, seed 1: ~0.8 by 150
 * updates on true answers, where that candidate had every depth at ~100% and the others ~60%).
 */
const SETTLED = 0.8;

/** The candidate the mixture weighs most, as a model of one candidate (cut in the graph). */
const answering = {
  cfg: (cfg: ModelConfig): ModelConfig => (candidatesOf(cfg) === 1 ? cfg : { ...cfg, candidates: 1 }),
  settled: (w: Weights): tf.Scalar =>
    tf.cast(tf.greaterEqual(tf.max(tf.softmax(w.mix!)), SETTLED), 'float32') as tf.Scalar,
  weights(w: Weights, shape: ModelShape, cfg: ModelConfig): Weights {
    const r = candidatesOf(cfg);
    // A one-hot row times the candidates' blocks (a gather's gradient has no wasm kernel).
    const best = tf.cast(tf.oneHot(tf.reshape(tf.argMax(w.mix!), [1]), r), 'float32') as tf.Tensor2D;
    // A weight with R blocks along `axis` once reshaped to `blocks`; the kept block, in `dims`.
    const pick = (x: tf.Tensor, blocks: number[], axis: number, dims: number[]) => {
      const lead = axis === 0 ? tf.reshape(x, blocks) : tf.transpose(tf.reshape(x, blocks), [1, 0, 2]);
      return tf.reshape(tf.matMul(best, tf.reshape(lead, [r, -1])), dims);
    };
    const { d } = cfg;
    const v = shape.vocabSize;
    const t = shape.factTokens;
    const k = routeRows(operands(cfg), t);
    const tv = t * v;
    const p = t + 1 + operands(cfg) + 2;
    const tq = shape.questionTokens;
    const a = shape.answerClasses + 1;
    return {
      emb: pick(w.emb!, [v, r, d], 1, [v, d]),
      route: pick(w.route!, [r, k * t], 0, [k, t]),
      fact_tok: pick(w.fact_tok!, [tv, r, p], 1, [tv, p]),
      // A kernel of its own: wasm's fused bias reads the rank its data was made with (the product's is 2).
      fact_b: tf.add(pick(w.fact_b!, [r, p], 0, [p]), 0),
      beta: pick(w.beta!, [r, 3], 0, [1, 3]),
      q_route: pick(w.q_route!, [r, t * tq], 0, [t, tq]),
      out: pick(w.out!, [r, d, a], 0, [1, d, a]),
      out_b: pick(w.out_b!, [r, 1, a], 0, [1, 1, a]),
      mix: tf.zeros([1]),
    };
  },
};

export const iteratedModel: AnswerModel<IteratedContexts> = {
  init,
  encode,
  answer,
  trainingLogits,
  answering,
  flops,
};
