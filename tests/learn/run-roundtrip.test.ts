/**
 * A run trained with H' (overseer 'learned'), batch 64 and a noisy H comes back whole through
 * snapshot → run file → validateRun → restore: its settings, its rounds' extras (H''s agreement),
 * and H' itself (weights, vocabulary, trust per depth), which then answers as before.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { RUN_FORMAT, runFits, validateRunFile, type RunFile } from '../../src/core/run-format';
import type { RunSettings } from '../../src/core/settings';
import { TrainingSession } from '../../src/learn/session';
import { useWasm } from './helpers';

const settings: RunSettings = {
  task: 'wildcard',
  preset: 'workshop',
  seed: 4,
  modelSize: 'small',
  stepsPerRound: 10,
  batchSize: 64,
  overseerNoise: 0.05,
  overseer: 'learned',
};

describe('a run with the learned overseer, a batch of 64 and a noisy H', () => {
  it("comes back whole after export and import, H''s trust and agreement included", async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const s = await TrainingSession.create({ ...settings, heldOutQuestions: 60, supervised: false });
    // Until H' has trained and measured its agreement with H (it trusts itself at some depth).
    for (let r = 0; r < 10; r++) {
      const m = await s.trainRound();
      if (typeof m.learnedOverseerAgreement === 'number' && m.learnedOverseerAgreement >= 0.98) break;
    }
    const snapshot = await s.snapshot();
    const h = snapshot.learnedOverseer;
    expect(h, "H' is in the snapshot").toBeDefined();
    expect(h!.trustedDepths.length).toBeGreaterThan(0);
    expect(h!.agreement).toBeGreaterThanOrEqual(0.98);

    const file: RunFile = {
      format: RUN_FORMAT,
      version: 1,
      exportedAt: new Date().toISOString(),
      settings,
      questionIndex: 0,
      trees: [],
      snapshot,
    };
    const back = validateRunFile(JSON.stringify(file));
    expect(back.settings).toEqual(settings);
    expect(runFits(settings, back)).toBe(true);
    expect(back.snapshot.config.batchSize).toBe(64);
    expect(back.snapshot.config.overseerNoise).toBe(0.05);
    expect(back.snapshot.learnedOverseer).toEqual(h);
    // Every round's extras travel (the page's panel of calls to H reads learnedOverseerAgreement).
    expect(back.snapshot.history).toEqual(JSON.parse(JSON.stringify(s.history)));
    expect(back.snapshot.history.at(-1)!.learnedOverseerAgreement).toBe(h!.agreement);

    const r = await TrainingSession.restore(back.snapshot);
    expect(r.config.overseer).toBe('learned');
    expect(r.config.batchSize).toBe(64);
    const again = await r.snapshot();
    expect(again.learnedOverseer).toEqual(h);
    expect(again.history).toEqual(back.snapshot.history);
    // X answers as before, and training goes on with H' still trusted: few calls reach H.
    const items = s.heldOut.slice(0, 20);
    for (const it of items)
      expect(await r.answer(it.ctx, [it.question])).toEqual(await s.answer(it.ctx, [it.question]));
    const m = await r.trainRound();
    const last = back.snapshot.history.at(-1)!;
    expect(m.overseerCalls - last.overseerCalls).toBeLessThan(0.2 * (m.examples - last.examples));

    // A hand run refuses a snapshot carrying H'.
    await expect(
      TrainingSession.restore({ ...back.snapshot, config: { ...back.snapshot.config, overseer: 'hand' } }),
    ).rejects.toThrow(/keeps H'/);
    r.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
});
