import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { MODEL_CONFIGS } from '../../src/learn/defaults';
import { Learner } from '../../src/learn/learner';
import type { ModelConfig } from '../../src/learn/model';
import { useWasm } from './helpers';
import { accuracyAfterTrueAnswers } from './true-answers';

/** Depth-1 accuracy (σ², σ³) after `steps` supervised steps of 64 depth-1 questions. */
const depthOneAfter = (cfg: ModelConfig, steps: number, seed: number): Promise<number> =>
  accuracyAfterTrueAnswers({
    task: 'permutation',
    cfg,
    learningRate: 2e-3,
    steps,
    seed,
    trainDepth: () => 1,
    scoreDepth: 1,
    heldOut: 150,
    stream: 'train',
    contexts: 16,
  });

describe('relational model X', () => {
  it('learns σ² and σ³ in a budget where the attention model is still on its plateau', async () => {
    await useWasm();
    // 80 steps of 64 questions (it was 250 of 128): seed 1's relational model is at 94% after 70 and
    // 100% from 80, the attention model at 15–28% from 20 to 120.
    const steps = 80;
    const relational = await depthOneAfter(
      { ...MODEL_CONFIGS.medium, relational: true, selfLayers: 3, hops: 4, heads: 2 },
      steps,
      1,
    );
    const attention = await depthOneAfter(MODEL_CONFIGS.medium, steps, 1);
    expect(relational, `relational ${relational}, attention ${attention}`).toBeGreaterThanOrEqual(0.8);
    expect(relational - attention).toBeGreaterThanOrEqual(0.25);
  }, 420_000);

  it('answers, trains and disposes with several registers and a repeated fact step, leaving no tensor behind', async () => {
    await useWasm();
    const asg = TASKS.assignments;
    const p = resolveParams(asg, 'workshop');
    const cfg: ModelConfig = {
      ...MODEL_CONFIGS.small,
      relational: true,
      selfLayers: 4,
      selfPeriod: 2,
      hops: 2,
      registers: 2,
    };
    const before = tf.memory().numTensors;
    const rng = createRng(2);
    const learner = new Learner(asg.encoding(p), cfg, () => rng.next(), 2e-3);
    // Two weight sets for four fact layers (stacked over the heads): the step is shared.
    expect(learner.weightShapes.r_aq!.shape[0]).toBe(2 * cfg.heads);
    const items = sampleItems(asg, rng, p, 4, 3);
    const afterInit = tf.memory().numTensors;
    learner.trainStep(
      items,
      items.map((it) => asg.solve(it.ctx, it.question)),
      false,
    );
    expect(Number.isFinite(await learner.readLoss())).toBe(true);
    for (let i = 0; i < 3; i++)
      learner.trainStep(
        items,
        items.map((it) => asg.solve(it.ctx, it.question)),
        false,
      );
    const answers = await learner.answer(items);
    expect(answers).toHaveLength(items.length);
    // Adam's slots appear on the first step; after that nothing accumulates.
    const settled = tf.memory().numTensors;
    learner.trainStep(
      items,
      items.map((it) => asg.solve(it.ctx, it.question)),
      false,
    );
    await learner.answer(items);
    expect(tf.memory().numTensors).toBe(settled);
    expect(afterInit).toBeGreaterThan(before);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);
});
