import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrainingSession, base64ToFloat32, float32ToBase64 } from '../../src/learn/session';
import { useWasm } from './helpers';

const tiny = {
  preset: 'workshop',
  seed: 5,
  modelSize: 'small',
  stepsPerRound: 2,
  batchSize: 16,
  heldOutQuestions: 60,
} as const;

describe('TrainingSession snapshot / restore', () => {
  it('base64 float32 round-trips exactly', () => {
    const v = new Float32Array([0, -1.5, 3.25e-7, 1e30, -0]);
    expect([...base64ToFloat32(float32ToBase64(v), v.length)]).toEqual([...v]);
    expect(() => base64ToFloat32(float32ToBase64(v), 4)).toThrow();
    expect(() => base64ToFloat32('<img>', 1)).toThrow();
  });

  it('restores identical answers and metrics, with a flat tensor count', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const s = await TrainingSession.create({ task: 'permutation', ...tiny });
    await s.trainRound();
    await s.trainRound();
    const afterTrain = tf.memory().numTensors;
    const snap = await s.snapshot();
    expect(tf.memory().numTensors).toBe(afterTrain);
    // Plain, structured-cloneable data.
    const copy = JSON.parse(JSON.stringify(snap)) as typeof snap;
    const r = await TrainingSession.restore(copy);
    const items = s.heldOut.slice(0, 40);
    for (const it of items)
      expect(await r.answer(it.ctx, [it.question])).toEqual(await s.answer(it.ctx, [it.question]));
    expect(r.round).toBe(2);
    expect(r.history.map((m) => m.modelAccuracy)).toEqual(s.history.map((m) => m.modelAccuracy));
    const ev1 = await s.evaluate();
    const ev2 = await r.evaluate();
    expect(ev2.scores.model.overall).toBe(ev1.scores.model.overall);
    expect(ev2.scores.amplified.overall).toBe(ev1.scores.amplified.overall);
    // Training continues from the restored state.
    const m = await r.trainRound();
    expect(m.round).toBe(3);
    r.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // Repeated restores do not leak.
    for (let i = 0; i < 3; i++) (await TrainingSession.restore(copy)).dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('refuses weights that do not fit the model, leaving no tensors behind', async () => {
    await useWasm();
    const s = await TrainingSession.create({ task: 'permutation', ...tiny });
    const snap = await s.snapshot();
    s.dispose();
    const before = tf.memory().numTensors;
    const name = Object.keys(snap.weights.x)[0]!;
    const bad = {
      ...snap,
      weights: { ...snap.weights, x: { ...snap.weights.x, [name]: { shape: [1, 1], data: 'AAAAAA==' } } },
    };
    await expect(TrainingSession.restore(bad)).rejects.toThrow(/do not fit/);
    const medium = { ...snap, config: { ...snap.config, modelSize: 'medium' as const, model: undefined } };
    await expect(TrainingSession.restore(medium)).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
