import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrainingSession } from '../../src/learn/session';
import { useWasm } from './helpers';

const tiny = {
  task: 'wildcard',
  preset: 'workshop',
  seed: 3,
  modelSize: 'small',
  stepsPerRound: 2,
  batchSize: 16,
  heldOutQuestions: 60,
  supervised: false,
} as const;

describe('TrainingSession with a noisy overseer', () => {
  it.each([[-0.1], [0.6], [NaN]])(
    'refuses overseerNoise %s with a clear message, allocating nothing',
    async (p) => {
      await useWasm();
      const before = tf.memory().numTensors;
      await expect(TrainingSession.create({ ...tiny, overseerNoise: p })).rejects.toThrow(
        /overseer noise must be a number from 0 to 0.5/,
      );
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('Amp(X) at evaluation uses the noisy H; X and the held-out set do not change', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    // Depth-1 wildcard questions are two lookups and one sum: a clean Amp(X) gets all of them.
    const config = { ...tiny, heldOutQuestions: 800 };
    const clean = await TrainingSession.create(config);
    const noisy = await TrainingSession.create({ ...config, overseerNoise: 0.3 });
    const a = await clean.evaluate();
    const b = await noisy.evaluate();
    expect(b.heldOut.map((h) => h.truth)).toEqual(a.heldOut.map((h) => h.truth));
    expect(b.model).toEqual(a.model);
    expect(a.scores.amplified.byDepth['1']).toBe(1);
    const depth1 = a.heldOut.filter((h) => h.depth === 1).length;
    const sd = Math.sqrt((0.3 * 0.7) / depth1);
    expect(Math.abs(b.scores.amplified.byDepth['1']! - 0.7)).toBeLessThan(4 * sd);
    clean.dispose();
    noisy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('trains on noisy targets reproducibly, and a snapshot keeps the noise', async () => {
    await useWasm();
    const run = async (overseerNoise = 0.1) => {
      const s = await TrainingSession.create({ ...tiny, overseerNoise });
      const m = await s.trainRound();
      const snap = await s.snapshot();
      s.dispose();
      return { m, snap };
    };
    const first = await run();
    const second = await run();
    expect(second.m.modelAccuracy).toBe(first.m.modelAccuracy);
    expect(second.m.loss).toBe(first.m.loss);
    // The noisy targets are not the clean ones.
    expect((await run(0)).m.loss).not.toBe(first.m.loss);
    expect(first.snap.config.overseerNoise).toBe(0.1);
    const restored = await TrainingSession.restore(first.snap);
    expect(restored.config.overseerNoise).toBe(0.1);
    restored.dispose();
  }, 60_000);
});
