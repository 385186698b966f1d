/** What one training step costs in tfjs kernels: the figure that bounds a small model's speed on wasm. */
import * as tf from '@tensorflow/tfjs';
import type { Answer } from '../core/answer';
import type { WaveItem } from '../core/recursion';
import type { Learner } from './learner';

export interface StepKernels {
  total: number;
  /** Calls per kernel name, most frequent first. */
  byName: Record<string, number>;
}

/** Kernels run by one trainStep (and its loss read-back), counted by tf.profile, not timed. */
export async function stepKernels(
  learner: Learner,
  items: readonly WaveItem[],
  targets: readonly Answer[],
): Promise<StepKernels> {
  const profile = await tf.profile(async () => {
    learner.trainStep(items, targets, false);
    await learner.readLoss();
  });
  const byName: Record<string, number> = {};
  for (const k of profile.kernels) byName[k.name] = (byName[k.name] ?? 0) + 1;
  const sorted = Object.entries(byName).sort((a, b) => b[1] - a[1]);
  return { total: profile.kernels.length, byName: Object.fromEntries(sorted) };
}
