import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { amplifyInWaves, hch, type WaveItem } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { amplifiedAnswers, overseerView, sampleItems } from '../../src/learn/amplify';
import { MODEL_CONFIGS } from '../../src/learn/defaults';
import { Learner, disposeWeights } from '../../src/learn/learner';
import { useWasm } from './helpers';

for (const task of Object.values(TASKS)) {
  describe(`amplification in waves: ${task.id}`, () => {
    const params = resolveParams(task, 'workshop');
    const items = sampleItems(task, createRng(5), params, 40, 5);
    const view = overseerView(task);

    it('with X = oracle (HCH), Amp(X) equals the ground truth, in few batched calls', async () => {
      let calls = 0;
      const oracle = (batch: WaveItem[]): Answer[] => {
        calls++;
        return batch.map((b) => hch(task, b.ctx, b.question));
      };
      const r = await amplifyInWaves(view as typeof task, items, oracle);
      expect(r.answers).toEqual(items.map((it) => task.solve(it.ctx, it.question)));
      expect(r.overseerCalls).toBe(items.length);
      expect(r.waves).toBe(calls);
      // Waves, not one call per subquestion.
      expect(calls).toBeLessThan(r.modelQueries);
    });

    it('with X = ?, Amp(X) answers ? wherever it needed X', async () => {
      const r = await amplifyInWaves(view as typeof task, items, (batch) => batch.map(() => UNKNOWN));
      items.forEach((it, i) => {
        // A question whose every subquestion is a lookup needs no model and keeps its true answer.
        let usedModel = false;
        const steps = task.overseer(it.ctx, it.question);
        let s = steps.next(UNKNOWN);
        while (!s.done) {
          if (!task.isPrimitive(s.value)) usedModel = true;
          s = steps.next(task.isPrimitive(s.value) ? task.lookup(it.ctx, s.value) : UNKNOWN);
        }
        if (usedModel) expect(r.answers[i]).toBe(s.value);
      });
    });
  });
}

describe('the model as a batched answerer', () => {
  it('encodes each context once and answers every wave with one call', async () => {
    await useWasm();
    const task = TASKS.permutation;
    const params = resolveParams(task, 'workshop');
    const rng = createRng(2);
    const learner = new Learner(task.encoding(params), MODEL_CONFIGS.small, () => rng.next(), 1e-3);
    const teacher = learner.snapshot();
    const items = sampleItems(task, createRng(9), params, 8, 4);
    const r = await amplifiedAnswers(overseerView(task), learner, teacher, items);
    expect(r.answers).toHaveLength(items.length);
    expect(r.waves).toBeLessThanOrEqual(3);
    const direct = await learner.answer(items);
    expect(direct).toHaveLength(items.length);
    disposeWeights(teacher);
    learner.dispose();
  });
});
