/** A model X with its optimiser: batched answering (contexts encoded once) and training steps. */
import * as tf from '@tensorflow/tfjs';
import { UNKNOWN, type Answer } from '../core/answer';
import type { WaveItem } from '../core/recursion';
import type { SnapshotWeights } from '../core/run-format';
import {
  ContextEncoder,
  decodeRow,
  factArrays,
  groupByContext,
  questionArrays,
  shapeOf,
  targetMask,
  type AnyEncoding,
} from './batch';
import {
  answerLogits,
  answeringWeights,
  trainingLogits,
  trainingPart,
  answeringSettled,
  answersInPart,
  contextRepTensors,
  encodeContexts,
  initWeights,
  lossFromLogits,
  outputWidth,
  type ContextRep,
  type GridArrays,
  type ModelConfig,
  type ModelShape,
  type Weights,
} from './model';
import { decodeWeights, float32ToBase64 } from './weights-data';

export interface BatchAnswerer {
  answerBatch(items: WaveItem[]): Promise<Answer[]>;
  dispose(): void;
}

/** Contexts per forward call when answering many questions (bounds memory). */
const CHUNK_CONTEXTS = 128;

export class Learner {
  readonly shape: ModelShape;
  readonly width: number;
  readonly encoder: ContextEncoder;
  /**
   * All of X's parameters in one flat variable, cut into named weights inside each step: Adam
   * then runs its dozen kernels once per step, not once per weight matrix (measured, union find
   * on wasm: 1,921 → 1,497 kernels per step, the teacher's waves included).
   */
  private readonly packed: tf.Variable;
  /** Where each named weight lives in `packed`, in the model's order. */
  private readonly slots: readonly { name: string; shape: number[]; size: number }[];
  private optimizer: tf.Optimizer;
  private pendingLoss: tf.Scalar | null = null;
  private lossValue = NaN;
  /** Whether the model's answering part has settled (read with the loss): only it trains then. */
  private settled = false;
  /** Optimiser updates made (the learning-rate schedule's clock). */
  private updates = 0;

  constructor(
    readonly enc: AnyEncoding,
    readonly cfg: ModelConfig,
    rng: () => number,
    readonly learningRate: number,
    /** The learning rate of update k (0-based) as a multiple of `learningRate`; constant 1 if absent. */
    private readonly schedule?: (update: number) => number,
    /** Optimiser updates each training step makes on its questions. */
    private readonly updatesPerStep = 1,
  ) {
    this.shape = shapeOf(enc);
    this.width = outputWidth(this.shape, cfg);
    this.encoder = new ContextEncoder(enc);
    const init = initWeights(this.shape, cfg, rng);
    this.slots = Object.entries(init).map(([name, t]) => ({ name, shape: [...t.shape], size: t.size }));
    const flat = tf.tidy(() => tf.concat(Object.values(init).map((t) => t.reshape([-1]))));
    tf.dispose(Object.values(init));
    this.packed = tf.variable(flat, true);
    flat.dispose();
    this.optimizer = tf.train.adam(learningRate);
  }

  get parameters(): number {
    return this.packed.size;
  }

  /** Each named weight's shape and size (what a snapshot's weights must fit). */
  get weightShapes(): Record<string, { shape: readonly number[]; size: number }> {
    return Object.fromEntries(this.slots.map((s) => [s.name, { shape: s.shape, size: s.size }]));
  }

  /** Named weights cut from a flat tensor (the caller owns them). */
  private unpack(flat: tf.Tensor): Weights {
    return tf.tidy(() => {
      const parts =
        this.slots.length > 1
          ? tf.split(
              flat,
              this.slots.map((s) => s.size),
            )
          : [flat];
      const out: Weights = {};
      // A flat weight needs no reshape (one kernel fewer, and its gradient's, per step).
      this.slots.forEach(
        (s, i) => (out[s.name] = s.shape.length === 1 ? parts[i]! : parts[i]!.reshape(s.shape)),
      );
      return out;
    });
  }

  /** A frozen copy of the current weights (the teacher); the caller disposes it with disposeWeights. */
  snapshot(): Weights {
    return this.unpack(this.packed);
  }

  /** Runs `use` with a frozen copy of the current weights, disposed afterwards. */
  async withWeights<T>(use: (weights: Weights) => Promise<T>): Promise<T> {
    const w = this.snapshot();
    try {
      return await use(w);
    } finally {
      disposeWeights(w);
    }
  }

  /** The current weights as plain data, by name (the snapshot format). */
  async exportWeights(): Promise<SnapshotWeights> {
    // One read-back of the flat variable, cut here, rather than one per weight.
    const flat = (await this.packed.data()) as Float32Array;
    const out: SnapshotWeights = {};
    let at = 0;
    for (const s of this.slots) {
      out[s.name] = { shape: [...s.shape], data: float32ToBase64(flat.subarray(at, at + s.size)) };
      at += s.size;
    }
    return out;
  }

  /**
   * Checks snapshot weights against this model and returns them as one flat array for
   * setWeights; throws (saying what does not fit) without changing anything.
   */
  checkWeights(data: SnapshotWeights | null | undefined, what: string): Float32Array {
    const named = decodeWeights(this.weightShapes, data, what);
    const flat = new Float32Array(this.packed.size);
    let at = 0;
    for (const s of this.slots) {
      flat.set(named.get(s.name)!, at);
      at += s.size;
    }
    return flat;
  }

  /** Replaces the weights with checked values (from checkWeights). */
  setWeights(flat: Float32Array): void {
    const t = tf.tensor1d(flat, 'float32');
    this.packed.assign(t);
    t.dispose();
  }

  private grid(
    contexts: readonly unknown[],
    rows: readonly (readonly (unknown | null)[])[],
    perContext: number,
  ): GridArrays {
    return {
      ...factArrays(this.encoder, this.shape, contexts),
      perContext,
      questions: questionArrays(this.enc, this.shape, rows, perContext),
    };
  }

  /** Encodes these contexts once with `weights`; answers any batch of questions about them. */
  answerer(weights: Weights, contexts: readonly unknown[]): BatchAnswerer {
    const facts = factArrays(this.encoder, this.shape, contexts);
    const empty: GridArrays = { ...facts, perContext: 0, questions: new Float32Array(0) };
    // The part of X that answers (one candidate of several): its cost, not the whole model's.
    const part = answeringWeights(weights, this.shape, this.cfg);
    const rep = tf.tidy(
      () => encodeContexts(part.w, this.shape, part.cfg, empty) as unknown as tf.TensorContainer,
    ) as unknown as ContextRep;
    const index = new Map<unknown, number>();
    contexts.forEach((c, i) => index.set(c, i));
    let disposed = false;
    return {
      answerBatch: async (items) => {
        if (disposed) throw new Error('answerer used after dispose');
        const rows: (unknown | null)[][] = contexts.map(() => []);
        const where: [number, number][] = items.map((it) => {
          const ci = index.get(it.ctx);
          if (ci === undefined) throw new Error('question about a context this answerer did not encode');
          rows[ci]!.push(it.question);
          return [ci, rows[ci]!.length - 1];
        });
        const perContext = rows.reduce((m, r) => Math.max(m, r.length), 0);
        if (perContext === 0) return [];
        const g: GridArrays = {
          ...facts,
          perContext,
          questions: questionArrays(this.enc, this.shape, rows, perContext),
        };
        const logits = tf.tidy(() => answerLogits(part.w, this.shape, part.cfg, rep, g));
        const data = (await logits.data()) as Float32Array;
        logits.dispose();
        return where.map(([ci, qi]) => {
          const cls = decodeRow(
            data,
            ci * perContext + qi,
            this.width,
            this.shape.answerClasses,
            facts.pointerClass,
            ci,
            this.shape.maxFacts,
            this.cfg.pointer,
          );
          return this.enc.classToAnswer(cls);
        });
      },
      dispose: () => {
        if (disposed) return;
        disposed = true;
        tf.dispose(contextRepTensors(rep));
        tf.dispose(part.made);
      },
    };
  }

  /** Answers any number of (ctx, question) items with `weights` (default: the live weights). */
  async answer(items: readonly WaveItem[], weights?: Weights): Promise<Answer[]> {
    if (!weights) return this.withWeights((w) => this.answer(items, w));
    const out: Answer[] = new Array(items.length).fill(UNKNOWN);
    const grouped = groupByContext(items);
    for (let start = 0; start < grouped.contexts.length; start += CHUNK_CONTEXTS) {
      const ctxs = grouped.contexts.slice(start, start + CHUNK_CONTEXTS);
      const a = this.answerer(weights, ctxs);
      try {
        const idx: number[] = [];
        const batch: WaveItem[] = [];
        items.forEach((it, i) => {
          const ci = grouped.where[i]![0];
          if (ci >= start && ci < start + CHUNK_CONTEXTS) {
            idx.push(i);
            batch.push(it);
          }
        });
        const got = await a.answerBatch(batch);
        idx.forEach((i, j) => (out[i] = got[j]!));
      } finally {
        a.dispose();
      }
    }
    return out;
  }

  /**
   * One training step on these items with these targets (updatesPerStep optimiser updates on
   * them). Items whose target is `?` are skipped when `skipUnknown` (a `?` target carries no
   * information about the answer). Returns how many items were trained on. The loss stays on the device (readLoss reads the last one): reading
   * it back every step would stall a GPU's queue once per step.
   */
  trainStep(items: readonly WaveItem[], targets: readonly Answer[], skipUnknown = true): { used: number } {
    const grouped = groupByContext(items);
    const g = this.grid(grouped.contexts, grouped.rows, grouped.perContext);
    const classes: (number | null)[] = new Array(grouped.contexts.length * grouped.perContext).fill(null);
    let used = 0;
    items.forEach((_, i) => {
      const t = targets[i]!;
      if (skipUnknown && t === UNKNOWN) return;
      const [ci, qi] = grouped.where[i]!;
      classes[ci * grouped.perContext + qi] = this.enc.answerToClass(t);
      used++;
    });
    if (used === 0) return { used };
    const { mask, weights } = targetMask(
      classes,
      grouped.perContext,
      this.width,
      this.shape.answerClasses,
      g.pointerClass,
      this.shape.maxFacts,
      this.cfg.pointer,
    );
    // A large step's questions may be trained on more than once (updatesPerStep; lr-schedule.ts).
    for (let u = 0; u < this.updatesPerStep; u++) {
      if (this.schedule) setLearningRate(this.optimizer, this.learningRate * this.schedule(this.updates));
      const update = this.updates++;
      const loss = () => {
        // After its candidates' updates, a model of several trains only the part that answers.
        const { w, cfg } = trainingPart(this.unpack(this.packed), this.shape, this.cfg, update, this.settled);
        const rep = encodeContexts(w, this.shape, cfg, g);
        const logits = trainingLogits(w, this.shape, cfg, rep, g);
        // Stacked blocks (a model's parts that learn side by side) each take the same targets.
        const blocks = logits.shape[0] / classes.length;
        return blocks === 1
          ? lossFromLogits(logits, mask, weights)
          : lossFromLogits(logits, repeat(mask, blocks), repeat(weights, blocks));
      };
      const cost = this.optimizer.minimize(loss, true, [this.packed]);
      if (cost) {
        this.pendingLoss?.dispose();
        this.pendingLoss = cost;
      }
    }
    return { used };
  }

  /** The last training step's loss (one read-back); NaN before any step. */
  async readLoss(): Promise<number> {
    if (this.pendingLoss) {
      const loss = this.pendingLoss;
      this.pendingLoss = null;
      // Whether the answering part has settled comes back in the same read.
      const settled =
        this.settled || !answersInPart(this.cfg)
          ? null
          : tf.tidy(() => answeringSettled(this.unpack(this.packed), this.cfg)!);
      const both = settled ? tf.stack([loss, settled]) : loss;
      const values = await both.data();
      this.lossValue = values[0]!;
      if (settled && values[1]! > 0) this.settled = true;
      tf.dispose([loss, both]);
      if (settled) settled.dispose();
    }
    return this.lossValue;
  }

  dispose(): void {
    this.pendingLoss?.dispose();
    this.pendingLoss = null;
    this.packed.dispose();
    this.optimizer.dispose();
  }
}

/** tfjs's Adam reads its learning rate at every step but has no setter for it. */
function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  (optimizer as unknown as { learningRate: number }).learningRate = rate;
}

export function disposeWeights(w: Weights): void {
  tf.dispose(Object.values(w));
}

/** `blocks` copies of `a`, end to end. */
function repeat(a: Float32Array, blocks: number): Float32Array {
  const out = new Float32Array(a.length * blocks);
  for (let b = 0; b < blocks; b++) out.set(a, b * a.length);
  return out;
}
