import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/answer';
import { amplifyInWaves, hch, type WaveItem } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { RUN_FORMAT, runFits, validateRunFile, type RunFile } from '../../src/core/run-format';
import type { RunSettings } from '../../src/core/settings';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { agreementOn } from '../../src/core/transcript';
import { overseerView, sampleItems } from '../../src/learn/amplify';
import { LearnedOverseer } from '../../src/learn/learned-overseer';
import { TrainingSession } from '../../src/learn/session';
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
      // Up to three trainings of up to 400 updates each, stopping once H' is trusted at the depths
      // asked for (wildcard: 3 of 4 after 4 chunks of 100 updates, all 4 after 6; seed 2).
      for (let i = 0; i < 3 && h.trustedDepths.size < minDepths; i++) await h.train();
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
    }, 300_000);

    // Wildcard's trained H' (its shape is a session's H''s) also serves the saved-run tests below,
    // so that no second H' is trained for them.
    if (id === 'wildcard') savedRunTests(() => h);

    it("an untrained H' agrees with nothing; training leaves no tensors behind but its own", async () => {
      const untrained = new LearnedOverseer();
      expect(agreementOn(h.router.heldOutSteps, (input) => untrained.predict(input))).toBe(0);
      untrained.dispose();
      h.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}

/**
 * A run trained with H' (overseer 'learned'), batch 64 and a noisy H comes back whole through
 * snapshot → run file → validateRun → restore: its settings, its rounds' extras (H''s agreement),
 * and H' itself (weights, vocabulary, trust per depth), which then answers as before. `trained` is
 * an H' trained on wildcard's steps of H until it stands in for H at some depth.
 */
function savedRunTests(trained: () => LearnedOverseer): void {
  const settings: RunSettings = {
    task: 'wildcard',
    preset: 'workshop',
    seed: 4,
    modelSize: 'small',
    stepsPerRound: 4,
    batchSize: 64,
    overseerNoise: 0.05,
    overseer: 'learned',
    heldOutQuestions: 60,
  };

  it('comes back from its saved state answering as before, with its trust and agreement', async () => {
    const h = trained();
    const before = tf.memory().numTensors;
    expect(h.trustedDepths.size).toBeGreaterThan(0);
    const state = (await h.exportState())!;
    const copy = new LearnedOverseer({ seed: 9 });
    await copy.importState(JSON.parse(JSON.stringify(state)) as typeof state);
    expect(copy.agreement).toBe(h.agreement);
    expect([...copy.trustedDepths].sort()).toEqual([...h.trustedDepths].sort());
    expect(copy.trusted).toBe(true);
    const held = h.router.heldOutSteps.slice(0, 300);
    expect(held.length).toBeGreaterThan(50);
    for (const step of held) expect(copy.predict(step.input)).toEqual(h.predict(step.input));
    expect(await copy.exportState()).toEqual(state);
    // A saved state goes only into a fresh H', and only when its weights fit.
    await expect(h.importState(state)).rejects.toThrow(/fresh/);
    const bad = { ...state, vocab: state.vocab + 1 };
    const other = new LearnedOverseer();
    await expect(other.importState(bad)).rejects.toThrow();
    expect(other.trusted).toBe(false);
    other.dispose();
    copy.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it("a run with it, a batch of 64 and a noisy H comes back whole after export and import, H' and every round's extras included", async () => {
    const state = (await trained().exportState())!;
    const before = tf.memory().numTensors;
    // A short run, then H' (trained on H's steps above) put into it through a restore.
    const first = await TrainingSession.create({ ...settings, supervised: false });
    await first.trainRound();
    const start = await first.snapshot();
    first.dispose();
    expect(start.learnedOverseer, "H' has not trained yet in so short a run").toBeUndefined();
    const s = await TrainingSession.restore({ ...start, learnedOverseer: state });
    await s.trainRound();
    const snapshot = await s.snapshot();
    const last = snapshot.history.at(-1)!;
    expect(snapshot.learnedOverseer!.trustedDepths.length).toBeGreaterThan(0);
    expect(first.overseerCalls).toBeGreaterThanOrEqual(first.examples);
    expect(typeof last.learnedOverseerAgreement).toBe('number');

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
    expect(back.snapshot.learnedOverseer).toEqual(snapshot.learnedOverseer);
    // Every round's extras travel (the page's panel of calls to H reads learnedOverseerAgreement).
    expect(back.snapshot.history).toEqual(JSON.parse(JSON.stringify(snapshot.history)));
    expect(back.snapshot.history.at(-1)!.learnedOverseerAgreement).toBe(last.learnedOverseerAgreement);

    const r = await TrainingSession.restore(back.snapshot);
    expect(r.config.batchSize).toBe(64);
    expect(r.config.overseerNoise).toBe(0.05);
    const again = await r.snapshot();
    expect(again.learnedOverseer).toEqual(back.snapshot.learnedOverseer);
    expect(again.history).toEqual(back.snapshot.history);
    for (const it of s.heldOut.slice(0, 20))
      expect(await r.answer(it.ctx, [it.question])).toEqual(await s.answer(it.ctx, [it.question]));
    // Training goes on with H' trusted: some of H's calls go to H' (with H alone, every one reaches H).
    const m = await r.trainRound();
    expect(m.overseerCalls - last.overseerCalls).toBeLessThan(m.examples - last.examples);

    // A run whose overseer is H refuses a snapshot carrying H'.
    await expect(
      TrainingSession.restore({ ...back.snapshot, config: { ...back.snapshot.config, overseer: 'hand' } }),
    ).rejects.toThrow(/keeps H'/);
    r.dispose();
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);
}
