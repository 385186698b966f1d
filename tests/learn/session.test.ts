import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TASKS } from '../../src/core/tasks';
import type { AnyTask } from '../../src/core/task';
import { TrainingSession } from '../../src/learn/session';
import { useWasm } from './helpers';

const tiny = {
  preset: 'workshop',
  seed: 3,
  modelSize: 'small',
  stepsPerRound: 2,
  batchSize: 16,
  heldOutQuestions: 60,
} as const;

describe('TrainingSession', () => {
  it('keeps the tensor count flat across rounds and disposes everything', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const s = await TrainingSession.create({ task: 'permutation', ...tiny });
    const counts: number[] = [];
    // A leak of one tensor a round shows within a dozen rounds (round 1 may allocate for good).
    for (let r = 0; r < 12; r++) counts.push((await s.trainRound()).tensors);
    const [, ...later] = counts;
    expect(new Set(later).size).toBe(1);
    expect(s.round).toBe(12);
    await s.answer(s.heldOut[0]!.ctx, [s.heldOut[0]!.question]);
    expect(tf.memory().numTensors).toBe(later[0]);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('dispose() during train() stops after the current step and frees everything', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const s = await TrainingSession.create({ task: 'union-find', ...tiny, stepsPerRound: 50 });
    const pending = s.train(50);
    s.dispose();
    const p = await pending;
    expect(p.finished).toBeUndefined();
    expect(p.stepInRound).toBeLessThan(50);
    expect(tf.memory().numTensors).toBe(before);
    await expect(s.train(1)).rejects.toThrow(/disposed/);
  });

  it('train(maxSteps) is resumable mid-round and reports metrics when the round ends', async () => {
    await useWasm();
    const s = await TrainingSession.create({ task: 'permutation', ...tiny, stepsPerRound: 3 });
    expect(await s.train(2)).toEqual({ stepInRound: 2, stepsPerRound: 3 });
    const p = await s.train(5);
    expect(p.stepInRound).toBe(3);
    const m = p.finished!;
    expect(m.round).toBe(1);
    expect(m.examples).toBeGreaterThanOrEqual(3 * 8);
    expect(m.overseerCalls).toBeGreaterThanOrEqual(m.examples);
    expect(m.labels).toBe(m.examples);
    expect(Object.keys(m.byDepth)).toEqual(['1', '2', '3']);
    for (const k of [
      'modelAccuracy',
      'amplifiedAccuracy',
      'supervisedAccuracy',
      'examplesPerSecond',
      'seconds',
    ] as const)
      expect(m[k]).toBeGreaterThanOrEqual(0);
    const answers = await s.answer(s.heldOut[0]!.ctx, [s.heldOut[0]!.question, s.heldOut[1]!.question]);
    expect(answers).toHaveLength(2);
    s.dispose();
  }, 60_000);

  it('amplification trains without the ground truth: the solver throws after the held-out set is made', async () => {
    await useWasm();
    let armed = false;
    const base = TASKS.permutation;
    const task: AnyTask = {
      ...base,
      solve: (ctx: unknown, q: unknown) => {
        if (armed) throw new Error('ground truth used');
        return base.solve(ctx, q);
      },
    };
    const s = await TrainingSession.createWithTask(task, {
      task: 'permutation',
      preset: 'workshop',
      seed: 1,
      supervised: false,
      stepsPerRound: 5,
      heldOutQuestions: 100,
      curriculum: false,
    });
    armed = true;
    let m = await s.trainRound();
    const first = m.byDepth['1']!.amplified;
    m = await s.trainRound(); // a round taught by the distilled X, not the first one's
    expect(first).toBe(1); // depth 1's subquestions are all lookups: Amp(X) is exact there
    expect(m.labels).toBe(0);
    expect(m.examples).toBeGreaterThan(0);
    expect(m.overseerCalls).toBeGreaterThanOrEqual(m.examples);
    expect(m.supervisedAccuracy).toBeNull();
    expect(Number.isFinite(s.lastLoss)).toBe(true);
    s.dispose();
  }, 60_000);
});
