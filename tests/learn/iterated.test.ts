import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import { Learner } from '../../src/learn/learner';
import type { ModelConfig } from '../../src/learn/model';
import { useWasm } from './helpers';
import { accuracyAfterTrueAnswers } from './true-answers';

const task = TASKS.assignments;
const params = resolveParams(task, 'workshop');
const iterated: ModelConfig = { ...MODEL_CONFIGS.medium, ...TASK_DEFAULTS.assignments.model };

/**
 * Depth-2 accuracy (f of two constants) after `steps` supervised steps of 64 questions on depths 1
 * and 2 (as `npm run probe`, its depths and steps narrowed): depth 2 is what the attention model
 * never learns, and the deeper questions only slow both models down here.
 */
const depthTwoAfter = (
  cfg: ModelConfig,
  learningRate: number,
  steps: number,
  seed: number,
): Promise<number> =>
  accuracyAfterTrueAnswers({
    task: 'assignments',
    cfg,
    learningRate,
    steps,
    seed,
    trainDepth: (rng) => 1 + rng.int(2),
    scoreDepth: 2,
    heldOut: 200,
    stream: 'probe',
    contexts: 16,
  });

describe('iterated model X (assignments)', () => {
  it('learns depth 2 on true answers in a budget where the attention model is still on its plateau', async () => {
    await useWasm();
    // Seed 3, depths 1–2, loss read every 10 steps (wasm): the four candidates reach 100% at depth 2
    // by 90 steps (91% at 80); attention stays at 44–65% through 120. At 128 questions a step one
    // routing alone was at 63% after 90 (100% from 120); on depths 1–4 it stayed near 66% (the
    // reason for candidates).
    const steps = 100;
    const mine = await depthTwoAfter(iterated, TASK_DEFAULTS.assignments.learningRate, steps, 3);
    const attention = await depthTwoAfter(MODEL_CONFIGS.medium, 2e-3, steps, 3);
    expect(mine, `iterated ${mine}, attention ${attention}`).toBeGreaterThanOrEqual(0.9);
    expect(mine - attention).toBeGreaterThanOrEqual(0.2);
  }, 300_000);

  it('trains and answers leaving no tensor behind, and refuses a pointer head with a clear message', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const rng = createRng(2);
    const learner = new Learner(task.encoding(params), iterated, () => rng.next(), 1e-2);
    const afterInit = tf.memory().numTensors;
    const items = sampleItems(task, rng, params, 4, 3);
    for (let i = 0; i < 3; i++)
      learner.trainStep(
        items,
        items.map((it) => task.solve(it.ctx, it.question)),
        false,
      );
    expect(Number.isFinite(await learner.readLoss())).toBe(true);
    const answers = await learner.answer(items);
    expect(answers).toHaveLength(items.length);
    // Adam's moments appear with the first step; nothing more after that.
    const afterSteps = tf.memory().numTensors;
    learner.trainStep(
      items,
      items.map((it) => task.solve(it.ctx, it.question)),
      false,
    );
    await learner.readLoss();
    await learner.answer(items);
    expect(tf.memory().numTensors).toBe(afterSteps);
    expect(afterInit).toBeGreaterThan(before);
    learner.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(
      () => new Learner(task.encoding(params), { ...iterated, pointer: true }, () => rng.next(), 1e-2),
    ).toThrow(/no pointer head/);
  }, 60_000);
});
