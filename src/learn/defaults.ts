import type { TaskId } from '../core/task';
import type { ModelConfig } from './model';

export type ModelSize = 'small' | 'medium' | 'large';
export const MODEL_SIZES: readonly ModelSize[] = ['small', 'medium', 'large'];

export const MODEL_CONFIGS: Readonly<Record<ModelSize, ModelConfig>> = {
  small: { d: 32, heads: 2, ff: 64, selfLayers: 1, hops: 2, pointer: true },
  medium: { d: 64, heads: 4, ff: 128, selfLayers: 2, hops: 2, pointer: true },
  large: { d: 96, heads: 4, ff: 192, selfLayers: 3, hops: 3, pointer: true },
};

export interface TrainingDefaults {
  modelSize: ModelSize;
  stepsPerRound: number;
  /** Questions per training step. */
  batchSize: number;
  /** Questions drawn per context in a training batch (the context is encoded once for all). */
  questionsPerContext: number;
  learningRate: number;
  /** Ground-truth-free depth curriculum. */
  curriculum: boolean;
  /** Share of amplification's questions at the deepest admitted depth. */
  deepestShare: number;
  /** Subquestions of H (per context) trained on besides the generated questions. */
  subquestionsPerContext: number;
  /** Per-task changes to the model size's shape. */
  model?: Partial<ModelConfig>;
}

const BASE: TrainingDefaults = {
  modelSize: 'medium',
  stepsPerRound: 50,
  batchSize: 128,
  questionsPerContext: 2,
  learningRate: 2e-3,
  curriculum: true,
  deepestShare: 0.5,
  subquestionsPerContext: 2,
};

export const TASK_DEFAULTS: Readonly<Record<TaskId, TrainingDefaults>> = {
  // Chains of lookups: the relational variant (src/learn/relational.ts) follows a pointer from
  // the first step, and its fact layers compose lookups (σ, σ², σ⁴ …), where the attention
  // model sat on one long plateau per depth (see README, "Learning").
  // No depth curriculum: every depth from the first step (Amp(X)'s targets at a depth become
  // right as X learns the one below, so competence still climbs depth by depth), and the fact
  // layers build σ⁴, σ⁸ while σ² is learned (measured, seed 1: 95% at 134k examples vs 179k).
  permutation: {
    ...BASE,
    curriculum: false,
    model: { relational: true, selfLayers: 3, hops: 4, heads: 2 },
  },
  assignments: { ...BASE },

  // The answer is a sum over matching facts: an attention sink lets attention count (measured:
  // X 75% vs 68% after 128k examples, depth 3 70% vs 46%).
  wildcard: { ...BASE, model: { sink: true } },
  'shortest-path': { ...BASE },
  'union-find': { ...BASE },
};

/**
 * Questions per step at the paper preset: its contexts are 8x larger, and a 128-question step took
 * about 4 s on wasm, too long for a page that must pause within a second.
 */
export const PAPER_BATCH_SIZE = 16;
