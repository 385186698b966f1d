import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/answer';
import { amplifyInWaves, hch, type WaveItem } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { agreementOn } from '../../src/core/transcript';
import { overseerView, sampleItems } from '../../src/learn/amplify';
import { LearnedOverseer } from '../../src/learn/learned-overseer';
import { useWasm } from './helpers';

beforeAll(useWasm);

// Depths H' must be trusted at after this small budget: all of permutation's 3; wildcard's deepest
// class (sums of up to 8 values) may still be left to H.
for (const [id, minDepths] of [
  ['permutation', 3],
  ['wildcard', 3],
] as const) {
  describe(`H' on ${id}`, () => {
    const task = TASKS[id];
    const params = resolveParams(task, 'workshop');
    const view = overseerView(task);
    const answer = (batch: WaveItem[]): Answer[] => batch.map((b) => hch(task, b.ctx, b.question));
    let h: LearnedOverseer;
    let before = 0;

    beforeAll(() => {
      before = tf.memory().numTensors;
      h = new LearnedOverseer({ seed: 2 });
    });
    afterAll(() => h.dispose());

    it("learns to imitate H from H's own steps (small budget), then stands in for it", async () => {
      await amplifyInWaves(h.router.view(view), sampleItems(task, createRng(1), params, 500, 4), answer);
      expect(h.trusted).toBe(false);
      const calls = h.router.realCalls;
      // Up to three trainings of up to 400 updates each, stopping once H' is trusted at every depth.
      const all = h.router.depthsSeen.size;
      for (let i = 0; i < 3 && h.trustedDepths.size < all; i++) await h.train();
      expect(h.agreement).not.toBeNull();
      expect(h.agreement!).toBeGreaterThanOrEqual(0.95);
      expect(h.trusted).toBe(true);
      expect(h.trustedDepths.size).toBeGreaterThanOrEqual(minDepths);
      // Fresh questions: Amp with H' gives H's answers; H is called for the audits, the depths not
      // yet trusted, and the steps H' is unsure of.
      const fresh = sampleItems(task, createRng(2), params, 50, 4);
      const notMine = fresh.filter((it) => !h.trustedDepths.has(task.depth(it.ctx, it.question))).length;
      const byH = await amplifyInWaves(view, fresh, answer);
      const byLearned = await amplifyInWaves(h.router.view(view), fresh, answer);
      const same = byLearned.answers.filter((a, i) => a === byH.answers[i]).length;
      expect(same / fresh.length).toBeGreaterThanOrEqual(0.97);
      expect(h.router.realCalls - calls).toBeLessThan(notMine + fresh.length / 10);
      expect(h.router.learnedCalls).toBeGreaterThan(0.5 * fresh.length);
    }, 120_000);

    it("an untrained H' agrees with nothing; training leaves no tensors behind but its own", async () => {
      const untrained = new LearnedOverseer();
      expect(agreementOn(h.router.heldOutSteps, (input) => untrained.predict(input))).toBe(0);
      untrained.dispose();
      h.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
