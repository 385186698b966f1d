/**
 * How steps larger than the task's default are trained (GPU_STEPS' 512 questions against 128):
 * with as many examples between teacher refreshes, a round has 4x fewer optimiser steps, and at
 * the small steps' rate X fell behind (union find needed 1.9x the examples to 95%; at twice the
 * rate, constant, no better). A higher peak that warms up and then decays lets each large step
 * do more early on (1.34x, earlier code). Training each step's questions twice (updatesPerStep 2)
 * needs fewer examples (0.70x, 1.22x and 1.37x on seeds 1-3, 1.10x in all; README, "Larger
 * steps") but costs the student's pass again (kernels per example 2.3x on wasm): where a GPU is
 * bound by kernel launches that loses more time than the examples save, so the default keeps one
 * update and updatesPerStep stays a setting of the schedule (`experiment --lr-schedule`).
 */
import type { LearningRateSchedule } from '../core/learning-rate-schedule';

export type { LearningRateSchedule };
export { learningRateScheduleProblem } from '../core/learning-rate-schedule';

/**
 * Peak rate against the small steps' rate, per doubling of the step's questions: 3x at 4x the
 * questions; WARMUP_STEPS and DECAY_STEPS count updates. Measured at 1 update a step: union
 * find, seed 1, 512 a step (rates of 2e-3 at 128): 4e-3 constant, 94% at 368k;
 * 8e-3 after a 64-step warm-up, 93% at 319k; 4e-3 after a 32-step warm-up, 95% at 293k; this
 * schedule, 266k; with decay over 50 or 100 steps (or 8e-3) 92–94% at 240–290k.
 */
export const PEAK_PER_DOUBLING = Math.sqrt(3);
export const WARMUP_STEPS = 32;
export const DECAY_STEPS = 200;

/**
 * The schedule for `batchSize`-question steps when the task's own are `baseBatch` at rate
 * `baseRate` (`constantRate`: what these steps would have had); null when the steps are no
 * larger (a constant rate, as before).
 */
export function largeStepSchedule(
  baseRate: number,
  batchSize: number,
  baseBatch: number,
  constantRate: number,
): LearningRateSchedule | null {
  if (!(batchSize > baseBatch)) return null;
  const doublings = Math.log2(batchSize / baseBatch);
  return {
    peak: baseRate * PEAK_PER_DOUBLING ** doublings,
    warmupSteps: WARMUP_STEPS,
    decaySteps: DECAY_STEPS,
    constantRate,
  };
}

/** A task's own schedule (TASK_DEFAULTS): its peak as a multiple of the task's constant rate. */
export interface OwnStepSchedule {
  peakFactor: number;
  warmupSteps: number;
  decaySteps: number;
}

/**
 * The task's own schedule (`own`, from TASK_DEFAULTS) for steps of the task's own size at rate
 * `rate`; null for other step sizes (it was measured at that size) or where the task has none.
 */
export function ownStepSchedule(
  own: OwnStepSchedule | undefined,
  batchSize: number,
  ownBatch: number,
  rate: number,
): LearningRateSchedule | null {
  if (!own || batchSize !== ownBatch) return null;
  return {
    peak: rate * own.peakFactor,
    warmupSteps: own.warmupSteps,
    decaySteps: own.decaySteps,
    constantRate: rate,
  };
}

/** Update k's rate (0-based) as a multiple of the peak. */
export function scheduleFactor(s: LearningRateSchedule, update: number): number {
  const k = Math.max(0, update);
  return Math.min(1, (k + 1) / s.warmupSteps) * Math.sqrt(s.decaySteps / (s.decaySteps + k));
}
