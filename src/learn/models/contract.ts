/**
 * What every answering model X shares: its configuration, the task's sizes, the grid of inputs,
 * and the contract each model implements (models/attention.ts, models/relational.ts, models/iterated.ts).
 */
import type * as tf from '@tensorflow/tfjs';

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
  /** The relational variant (src/learn/models/relational.ts): one shared token table, scalar routing. */
  relational?: boolean;
  /**
   * The iterated variant (src/learn/models/iterated.ts): one step, weights shared, applied
   * `selfLayers` times to a register per fact; `heads` operand reads per step.
   */
  iterated?: boolean;
  /**
   * Iterated variant: candidate routings trained side by side from different starts, the answer a
   * learned mixture of theirs (default 1).
   */
  candidates?: number;
  /**
   * Every candidate trains until the mixture has settled on one (read with the loss), or for this
   * many optimiser updates at most; after that only the one X answers with does, at one
   * candidate's cost (default: until settled).
   */
  candidateUpdates?: number;
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

/** Forward FLOPs (multiply-adds × 2) per context and per question. */
export interface ForwardFlops {
  perContext: number;
  perQuestion: number;
}

/** What a model needs from the facts of C contexts, encoded once for any number of questions. */
export interface EncodedContexts {
  contexts: number;
  /** Every tensor the encoding holds (disposed together). */
  tensors(): tf.Tensor[];
}

/**
 * One answering model: fresh weights, the contexts' encoding, logits for questions against an
 * encoding, and its forward FLOPs. Logits are [C·Q, outputWidth]: answer classes, `?`, then (with
 * the pointer head) one entry per fact.
 */
export interface AnswerModel<E extends EncodedContexts = EncodedContexts> {
  /** Fresh weights from the seeded uniform stream `rng`, by name: values and shape. */
  init(shape: ModelShape, cfg: ModelConfig, rng: () => number): Record<string, InitialWeight>;
  encode(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): E;
  answer(w: Weights, shape: ModelShape, cfg: ModelConfig, rep: E, g: GridArrays): tf.Tensor2D;
  /**
   * Logits to train on, where they differ from answer's: B blocks of [C·Q, width] stacked, each
   * trained on the same targets (parts of one model that learn side by side).
   */
  trainingLogits?(w: Weights, shape: ModelShape, cfg: ModelConfig, rep: E, g: GridArrays): tf.Tensor2D;
  /**
   * Where X answers with a part of itself (one of several candidates): that part as a model of
   * its own, its configuration (`cfg` itself where the whole model answers) and its weights (new
   * tensors, cut in the graph: no read-back).
   */
  answering?: {
    cfg(cfg: ModelConfig): ModelConfig;
    weights(w: Weights, shape: ModelShape, cfg: ModelConfig): Weights;
    /** 1 once the part that answers is settled (only it need train from then on), else 0. */
    settled(w: Weights, cfg: ModelConfig): tf.Scalar;
  };
  flops(shape: ModelShape, cfg: ModelConfig): ForwardFlops;
}

export interface InitialWeight {
  values: Float32Array;
  shape: number[];
}

export function outputWidth(shape: ModelShape, cfg: ModelConfig): number {
  return shape.answerClasses + 1 + (cfg.pointer ? shape.maxFacts : 0);
}
