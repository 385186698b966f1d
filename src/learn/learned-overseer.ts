/**
 * H': a small model trained to imitate H's transcript steps (the paper's learned overseer). It
 * reads a step's input tokens (the question and the subanswers so far, at fixed positions) and
 * writes H's next move one token per output position. Trained with tfjs on the steps the router
 * recorded from H; it answers from a plain-array copy of its weights, because H's steps are asked
 * synchronously inside the overseer's generators, one at a time.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, type Rng } from '../core/rng';
import type { LearnedOverseerState } from '../core/run-format';
import { dense, matmul } from './ops';
import { agreementOn, OverseerRouter, type RouterOptions, type TranscriptStep } from '../core/transcript';
import { decodeWeights, float32ToBase64 } from './weights-data';

type VarName = 'emb' | 'w1' | 'b1' | 'w2' | 'b2';
const VAR_NAMES: readonly VarName[] = ['emb', 'w1', 'b1', 'w2', 'b2'];

export interface LearnedOverseerOptions extends RouterOptions {
  /** Input and output positions; longer steps are left to H. */
  inputTokens?: number;
  outputTokens?: number;
  embed?: number;
  hidden?: number;
  learningRate?: number;
  batchSize?: number;
  /** Minibatch updates per chunk of training; agreement is measured after each chunk. */
  updates?: number;
  /** Chunks per call to train() while some depth is not H''s yet (it stops once every one is). */
  maxChunks?: number;
  /** New steps of H that make training due: while some depth is not H''s yet, and once every one is. */
  trainAfter?: number;
  retrainAfter?: number;
  /** Agreement with H on held-out steps that H' needs before it stands in for H. */
  trustAt?: number;
  /** H' answers a step only when each of its tokens has at least this probability (default 0.9). */
  minConfidence?: number;
  /** Held-out steps needed before agreement counts (overall, and per depth for trust there). */
  minHeldOut?: number;
  seed?: number;
}

const PAD = 0;
const UNK = 1;

interface HostWeights {
  /** Per input position, per token seen there: its share of the hidden layer (embedding · w1). */
  firstLayer: Map<number, Float32Array>[];
  b1: Float32Array;
  /** The output layer transposed: one row of `hidden` per (position, token). */
  w2t: Float32Array;
  b2: Float32Array;
}

export class LearnedOverseer {
  readonly router: OverseerRouter;
  /** Share of held-out steps where H' makes H's move; null before it is measured. */
  agreement: number | null = null;
  private readonly o: Required<Omit<LearnedOverseerOptions, keyof RouterOptions>>;
  private readonly ids = new Map<string, number>([
    ['<pad>', PAD],
    ['<unk>', UNK],
  ]);
  private readonly names: string[] = ['<pad>', '<unk>'];
  /** Fixed at the first training, from the tokens H used by then (with room for more). */
  private vocab = 0;
  private vars: Record<VarName, tf.Variable> | null = null;
  private optimizer: tf.Optimizer | null = null;
  private host: HostWeights | null = null;
  /** Per position, the token ids seen there in training: H' is asked only about familiar inputs. */
  private seenIn: Set<number>[] = [];
  private seenOut: Set<number>[] = [];
  private readonly memo = new Map<string, readonly string[] | null>();
  private readonly rng: Rng;

  constructor(options: LearnedOverseerOptions = {}) {
    this.router = new OverseerRouter(options);
    this.o = {
      inputTokens: options.inputTokens ?? 32,
      outputTokens: options.outputTokens ?? 16,
      embed: options.embed ?? 16,
      hidden: options.hidden ?? 256,
      // 3e-2: trusted in fewer updates than 1e-2 (seed 2, wildcard 8 chunks of 100 against 12; permutation too).
      learningRate: options.learningRate ?? 3e-2,
      batchSize: options.batchSize ?? 128,
      updates: options.updates ?? 100,
      maxChunks: options.maxChunks ?? 4,
      trainAfter: options.trainAfter ?? 2_000,
      retrainAfter: options.retrainAfter ?? 5_000,
      trustAt: options.trustAt ?? 0.98,
      minHeldOut: options.minHeldOut ?? 200,
      minConfidence: options.minConfidence ?? 0.9,
      seed: options.seed ?? 1,
    };
    this.rng = createRng(this.o.seed);
  }

  /**
   * Whether enough new steps of H came in to train again: soon while some depth H decomposed is
   * not yet H''s (at first, or a depth the curriculum just admitted), seldom once every one is.
   */
  get due(): boolean {
    return this.router.freshSteps >= (this.complete ? this.o.retrainAfter : this.o.trainAfter);
  }

  /** Whether H' stands in for H at every depth H has decomposed so far. */
  private get complete(): boolean {
    const trusted = this.trustedDepths;
    return this.router.depthsSeen.size > 0 && [...this.router.depthsSeen].every((d) => trusted.has(d));
  }

  /** Whether amplification uses H' at any depth. */
  get trusted(): boolean {
    return this.router.step !== null;
  }

  private id(token: string, grow: boolean): number {
    const known = this.ids.get(token);
    if (known !== undefined) return known;
    if (!grow || (this.vocab > 0 && this.names.length >= this.vocab)) return UNK;
    this.ids.set(token, this.names.length);
    this.names.push(token);
    return this.names.length - 1;
  }

  /** Token ids padded to `width`, or null when the tokens do not fit. */
  private row(tokens: readonly string[], width: number, grow: boolean): Int32Array | null {
    if (tokens.length > width) return null;
    const out = new Int32Array(width);
    tokens.forEach((t, i) => (out[i] = this.id(t, grow)));
    return out;
  }

  private build(): void {
    for (const s of this.router.trainSteps) {
      this.row(s.input, this.o.inputTokens, true);
      this.row(s.output, this.o.outputTokens, true);
    }
    this.vocab = Math.max(32, Math.ceil(this.names.length * 1.5) + 16);
    const { inputTokens: L, outputTokens: M, embed: E, hidden: Hd } = this.o;
    const r = createRng(this.o.seed + 1);
    const init = (shape: number[], scale: number): tf.Variable => {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = Float32Array.from({ length: n }, () => (r.next() * 2 - 1) * scale);
      return tf.tidy(() => tf.variable(tf.tensor(data, shape)));
    };
    this.vars = {
      emb: init([this.vocab, E], 0.5),
      w1: init([L * E, Hd], Math.sqrt(6 / (L * E + Hd))),
      b1: tf.tidy(() => tf.variable(tf.zeros([Hd]))),
      w2: init([Hd, M * this.vocab], Math.sqrt(6 / (Hd + this.vocab))),
      b2: tf.tidy(() => tf.variable(tf.zeros([M * this.vocab]))),
    };
    this.optimizer = tf.train.adam(this.o.learningRate);
    this.seenIn = Array.from({ length: L }, () => new Set<number>());
    this.seenOut = Array.from({ length: M }, () => new Set<number>());
  }

  private logits(x: tf.Tensor2D): tf.Tensor2D {
    const v = this.vars!;
    const [B] = x.shape;
    // One-hot times the table: gather's gradient (UnsortedSegmentSum) is missing on wasm.
    const hot = tf.reshape(tf.oneHot(x, this.vocab), [B * this.o.inputTokens, this.vocab]) as tf.Tensor2D;
    const e = tf.reshape(matmul(hot, v.emb as tf.Tensor2D), [B, this.o.inputTokens * this.o.embed]);
    const h = tf.relu(dense(e as tf.Tensor2D, v.w1 as tf.Tensor2D, v.b1 as tf.Tensor1D));
    const out = dense(h, v.w2 as tf.Tensor2D, v.b2 as tf.Tensor1D);
    return tf.reshape(out, [B * this.o.outputTokens, this.vocab]);
  }

  /**
   * Trains on the steps recorded from H (when there are new ones, or H' is not yet trusted), then
   * measures agreement on the held-out steps and lets H' stand in for H when it is high enough.
   * Resolves to the mean loss, or null when it did not train.
   */
  async train(): Promise<number | null> {
    const fresh = this.router.takeNewSteps();
    const steps = this.router.trainSteps;
    if (steps.length === 0 || (fresh === 0 && this.complete)) return null;
    if (!this.vars) this.build();
    const { inputTokens: L, outputTokens: M } = this.o;
    const rows: { x: Int32Array; y: Int32Array }[] = [];
    for (const s of steps) {
      const x = this.row(s.input, L, true);
      const y = this.row(s.output, M, true);
      if (!x || !y) continue;
      rows.push({ x, y });
      x.forEach((t, i) => this.seenIn[i]!.add(t));
      y.forEach((t, j) => this.seenOut[j]!.add(t));
    }
    if (rows.length === 0) return null;
    const B = Math.min(this.o.batchSize, rows.length);
    let total = 0;
    let updates = 0;
    // Trusted at every depth: one chunk on the new steps; not yet: chunks until it is (or maxChunks).
    const chunks = this.complete ? 1 : this.o.maxChunks;
    for (let c = 0; c < chunks && !(c > 0 && this.complete); c++) {
      for (let u = 0; u < this.o.updates; u++, updates++) total += await this.update(rows, B);
      await this.copyWeights();
      this.measure();
    }
    return total / updates;
  }

  private async update(rows: readonly { x: Int32Array; y: Int32Array }[], B: number): Promise<number> {
    const { inputTokens: L, outputTokens: M } = this.o;
    const xs = new Int32Array(B * L);
    const ys = new Int32Array(B * M);
    for (let b = 0; b < B; b++) {
      const r = rows[this.rng.int(rows.length)]!;
      xs.set(r.x, b * L);
      ys.set(r.y, b * M);
    }
    const loss = this.optimizer!.minimize(
      () =>
        tf.tidy(() => {
          const x = tf.tensor2d(xs, [B, L], 'int32');
          const y = tf.oneHot(tf.tensor1d(ys, 'int32'), this.vocab);
          return tf.losses.softmaxCrossEntropy(y, this.logits(x)) as tf.Scalar;
        }),
      true,
    )!;
    const value = (await loss.data())[0]!;
    loss.dispose();
    return value;
  }

  private async copyWeights(): Promise<void> {
    const v = this.vars!;
    const [emb, w1, b1, w2, b2] = (await Promise.all(
      [v.emb, v.w1, v.b1, v.w2, v.b2].map((t) => t.data()),
    )) as Float32Array[];
    const { embed: E, hidden: Hd } = this.o;
    const firstLayer = this.seenIn.map((tokens, i) => {
      const byToken = new Map<number, Float32Array>();
      for (const t of tokens) {
        const share = new Float32Array(Hd);
        for (let e = 0; e < E; e++) {
          const a = emb![t * E + e]!;
          const base = (i * E + e) * Hd;
          for (let k = 0; k < Hd; k++) share[k]! += a * w1![base + k]!;
        }
        byToken.set(t, share);
      }
      return byToken;
    });
    const cols = this.o.outputTokens * this.vocab;
    const w2t = new Float32Array(cols * Hd);
    for (let h = 0; h < Hd; h++) for (let c = 0; c < cols; c++) w2t[c * Hd + h] = w2![h * cols + c]!;
    this.host = { firstLayer, b1: b1!, w2t, b2: b2! };
    this.memo.clear();
  }

  /**
   * Agreement on the held-out steps, and per depth: H' stands in for H at the depths where it
   * agrees on trustAt of at least minHeldOut steps.
   */
  private measure(): void {
    const held = this.router.heldOutSteps;
    const predict = (input: readonly string[]): readonly string[] | null => this.predict(input);
    this.agreement = held.length >= this.o.minHeldOut ? agreementOn(held, predict) : null;
    const byDepth = new Map<number, TranscriptStep[]>();
    for (const s of held) {
      let list = byDepth.get(s.depth);
      if (!list) byDepth.set(s.depth, (list = []));
      list.push(s);
    }
    const depths = new Set<number>();
    for (const [d, steps] of byDepth)
      if (steps.length >= this.o.minHeldOut && agreementOn(steps, predict) >= this.o.trustAt) depths.add(d);
    this.router.depths = depths;
    this.router.step = depths.size > 0 ? predict : null;
  }

  /** Depths H' stands in for H at (empty before it is trusted anywhere). */
  get trustedDepths(): ReadonlySet<number> {
    const d = this.router.depths;
    if (!this.router.step) return new Set();
    return d === 'all' ? new Set(this.router.depthsSeen) : d;
  }

  /** H''s move for these input tokens, or null when the input is unfamiliar (or H' is untrained). */
  predict(input: readonly string[]): readonly string[] | null {
    const key = input.join(' ');
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    const out = this.forward(input);
    if (this.memo.size > 200_000) this.memo.clear();
    this.memo.set(key, out);
    return out;
  }

  private forward(input: readonly string[]): string[] | null {
    const w = this.host;
    if (!w) return null;
    const { inputTokens: L, outputTokens: M, hidden: Hd } = this.o;
    const x = this.row(input, L, false);
    if (!x) return null;
    const h = Float32Array.from(w.b1);
    for (let i = 0; i < L; i++) {
      const share = w.firstLayer[i]!.get(x[i]!);
      if (!share || x[i] === UNK) return null;
      for (let k = 0; k < Hd; k++) h[k]! += share[k]!;
    }
    for (let k = 0; k < Hd; k++) if (h[k]! < 0) h[k] = 0;
    const out: string[] = [];
    const scores: number[] = [];
    for (let j = 0; j < M; j++) {
      let best = -1;
      let bestScore = -Infinity;
      scores.length = 0;
      // Only tokens H put at this position: H' cannot spell a token it never saw there.
      for (const t of this.seenOut[j]!) {
        const c = j * this.vocab + t;
        let s = w.b2[c]!;
        const row = c * Hd;
        for (let k = 0; k < Hd; k++) s += h[k]! * w.w2t[row + k]!;
        scores.push(s);
        if (s > bestScore) {
          bestScore = s;
          best = t;
        }
      }
      // Unsure of a token (a sum it has seldom seen, say): H' leaves the call to H.
      let total = 0;
      for (const s of scores) total += Math.exp(s - bestScore);
      if (1 / total < this.o.minConfidence) return null;
      if (best === PAD || best < 0) break;
      out.push(this.names[best]!);
      if (this.names[best] === 'end') break;
    }
    return out;
  }

  /**
   * What a saved run keeps of H' (null before it first trained): its weights, vocabulary and
   * trust per depth. The steps of H it trained on and its optimiser's state are not kept: after
   * a restore it answers as before and trains again on the steps H makes from then on.
   */
  async exportState(): Promise<LearnedOverseerState | null> {
    if (!this.vars) return null;
    const weights: LearnedOverseerState['weights'] = {};
    for (const name of VAR_NAMES) {
      const v = this.vars[name];
      weights[name] = { shape: [...v.shape], data: float32ToBase64((await v.data()) as Float32Array) };
    }
    const depths = this.router.depths;
    return {
      tokens: [...this.names],
      vocab: this.vocab,
      seenIn: this.seenIn.map((s) => [...s]),
      seenOut: this.seenOut.map((s) => [...s]),
      agreement: this.agreement,
      trustedDepths: this.router.step ? [...(depths === 'all' ? this.router.depthsSeen : depths)] : [],
      depthsSeen: [...this.router.depthsSeen],
      weights,
    };
  }

  /**
   * Takes back a state from exportState (only into a fresh H'). Throws, assigning nothing, when
   * its weights do not fit this H''s shape.
   */
  async importState(state: LearnedOverseerState): Promise<void> {
    if (this.vars) throw new Error("H' has trained already; a saved state goes only into a fresh one");
    const { inputTokens: L, outputTokens: M, embed: E, hidden: Hd } = this.o;
    const V = state.vocab;
    const shapes: Record<VarName, number[]> = {
      emb: [V, E],
      w1: [L * E, Hd],
      b1: [Hd],
      w2: [Hd, M * V],
      b2: [M * V],
    };
    const target = Object.fromEntries(
      VAR_NAMES.map((n) => [n, { shape: shapes[n], size: shapes[n].reduce((a, b) => a * b, 1) }]),
    );
    const values = decodeWeights(target, state.weights, "H'");
    if (state.seenIn.length !== L || state.seenOut.length !== M)
      throw new Error("H''s saved positions do not fit its shape");
    if (state.tokens.length > V || state.tokens[PAD] !== '<pad>' || state.tokens[UNK] !== '<unk>')
      throw new Error("H''s saved vocabulary does not fit");
    this.names.length = 0;
    this.ids.clear();
    state.tokens.forEach((t, i) => {
      this.names.push(t);
      this.ids.set(t, i);
    });
    this.vocab = V;
    this.vars = Object.fromEntries(
      VAR_NAMES.map((n) => [n, tf.tidy(() => tf.variable(tf.tensor(values.get(n)!, shapes[n])))]),
    ) as Record<VarName, tf.Variable>;
    this.optimizer = tf.train.adam(this.o.learningRate);
    this.seenIn = state.seenIn.map((ids) => new Set(ids));
    this.seenOut = state.seenOut.map((ids) => new Set(ids));
    await this.copyWeights();
    this.agreement = state.agreement;
    for (const d of state.depthsSeen) this.router.depthsSeen.add(d);
    const trusted = new Set(state.trustedDepths);
    this.router.depths = trusted;
    this.router.step = trusted.size > 0 ? (input) => this.predict(input) : null;
  }

  dispose(): void {
    if (this.vars) for (const v of Object.values(this.vars)) v.dispose();
    this.optimizer?.dispose();
    this.vars = null;
    this.optimizer = null;
    this.router.step = null;
  }
}
