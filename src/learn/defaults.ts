import { MODEL_SIZES, type ModelSize } from '../core/settings';
import type { TaskId } from '../core/task';
import type { ModelConfig } from './model';
import type { OwnStepSchedule } from './lr-schedule';

export { MODEL_SIZES, type ModelSize };

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
  /**
   * Warm-up and decay of the learning rate at the task's own step size (`peakFactor` times
   * `learningRate` at its peak); none: a constant rate.
   */
  schedule?: OwnStepSchedule;
}

/**
 * Twice the rate at first, decaying as 1/√(1 + k/300) after a 32-update warm-up: below the
 * constant rate from update 900 (a wildcard run to 95% is ~1,500 updates).
 * The attention model at a constant 2e-3 swung between rounds (wildcard seed 2: X 70–89% from
 * 150k to 220k examples) and reached 95% late or not at all. With this schedule (`npm run
 * experiment -- --no-supervised --until 0.95 --lr-schedule ...`, examples to 95%): wildcard 173k /
 * 141k / 192k (seeds 1–3) where the constant rate took 237k / not by 270k / not by 270k. Not for
 * shortest path (198k and 211k on seeds 1–2 against 218k and 186k) or union find (218k against
 * 237k, seed 1): no clear gain there.
 */
const DECAYING: OwnStepSchedule = { peakFactor: 2, warmupSteps: 32, decaySteps: 300 };

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
  // Chains of lookups: the relational variant (src/learn/models/relational.ts) follows a pointer from
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
  // One shared step per definition level, applied to every fact's register (models/iterated.ts):
  // on true answers every depth at 100% by 19k examples, where the attention model sat at ~72%.
  // Its few routing weights take a larger learning rate. Which routing a start settles on decides
  // whether it learns (half of seeds 1–6 sat at ~73% alone), so 4 candidates learn side by side
  // and X answers with the one that explains the answers best; once the mixture has settled on
  // it (or after 300 updates) only that one trains (a step then costs one candidate).
  assignments: {
    ...BASE,
    learningRate: 1e-2,
    model: {
      iterated: true,
      heads: 2,
      selfLayers: 3,
      d: 32,
      pointer: false,
      candidates: 4,
      candidateUpdates: 300,
    },
  },

  // The answer is a sum over matching facts: an attention sink lets attention count (measured:
  // X 75% vs 68% after 128k examples, depth 3 70% vs 46%).
  wildcard: { ...BASE, model: { sink: true }, schedule: DECAYING },
  'shortest-path': { ...BASE },
  'union-find': { ...BASE },
};

/**
 * Questions per step at the paper preset off a hardware GPU: its contexts are 8x larger, and a
 * 128-question step took about 4 s on wasm, too long for a page that must pause within a second.
 * On a hardware GPU the paper preset takes the task's GPU steps (see resolveSessionConfig).
 */
export const PAPER_BATCH_SIZE = 16;

/**
 * On a GPU backend a step's cost is mostly per-dispatch overhead, nearly flat in its size, so a
 * step takes `batchFactor` times the questions, a round as many times fewer steps (the teacher is
 * refreshed after as many examples as on a CPU), and the learning rate grows by `learningRateFactor`.
 * Measured on an H200 in Chromium, 128 → 512 questions a step: union find 3,316 → 16,210
 * examples/s, permutation 1,112 → 3,926; on wasm (this machine) permutation needed 178k examples
 * to X ≥ 95% against 134k, so examples per second win by far more than examples lose.
 */
export const GPU_STEPS = { batchFactor: 4, learningRateFactor: 2 } as const;

/** Backends that run on a GPU (where a step's cost is per-dispatch overhead). */
export const GPU_BACKENDS: readonly string[] = ['webgpu', 'webgl'];

/**
 * Questions per step, steps per round and learning rate: what the caller set, else the task's
 * defaults, scaled by GPU_STEPS on a hardware GPU (each scaled only where the caller left it, and
 * steps per round only where the batch was left too, so a round keeps its examples). Not on a
 * software GPU (SwiftShader…): there a step costs its arithmetic, as on a CPU.
 */
export function stepDefaults(
  hardwareGpu: boolean,
  defaults: Pick<TrainingDefaults, 'batchSize' | 'stepsPerRound' | 'learningRate'>,
  set: { batchSize?: number; stepsPerRound?: number; learningRate?: number },
): { batchSize: number; stepsPerRound: number; learningRate: number } {
  const scaleBatch = hardwareGpu && set.batchSize === undefined;
  return {
    batchSize: set.batchSize ?? defaults.batchSize * (scaleBatch ? GPU_STEPS.batchFactor : 1),
    stepsPerRound:
      set.stepsPerRound ??
      (scaleBatch
        ? Math.max(1, Math.round(defaults.stepsPerRound / GPU_STEPS.batchFactor))
        : defaults.stepsPerRound),
    learningRate: set.learningRate ?? defaults.learningRate * (scaleBatch ? GPU_STEPS.learningRateFactor : 1),
  };
}
