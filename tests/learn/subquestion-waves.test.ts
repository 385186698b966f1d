/**
 * A GPU round decomposes the sampled subquestions alongside the generated questions' waves, and
 * asks the teacher ahead the subquestions H may ask (fewer read-backs); a CPU round after them,
 * one subquestion a wave (less arithmetic). The targets must not depend on which: the same
 * questions, the same Amp(teacher) answers, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { amplificationTargets, overseerView, sampleItems, type StepOptions } from '../../src/learn/amplify';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import { Learner, disposeWeights } from '../../src/learn/learner';
import { useWasm } from './helpers';

describe('sampled subquestions decomposed alongside or after the first waves', () => {
  for (const task of Object.values(TASKS)) {
    it(`gives identical targets with fewer waves: ${task.id}`, async () => {
      await useWasm();
      const params = resolveParams(task, 'workshop');
      const view = overseerView(task);
      const init = createRng(3);
      const model = { ...MODEL_CONFIGS.small, ...TASK_DEFAULTS[task.id].model };
      const learner = new Learner(task.encoding(params), model, () => init.next(), 1e-3);
      const teacher = learner.snapshot();
      const draw = createRng(11);
      const batches = Array.from({ length: 3 }, () => sampleItems(task, draw, params, 6, 4));
      const maxDepth = task.maxDepth(params);
      const run = (subquestionWaves: StepOptions['subquestionWaves'], subquestionsAhead = false) =>
        amplificationTargets(view, learner, teacher, batches, {
          subquestionsPerContext: 2,
          rngForStep: (s) => createRng(7).fork(`step ${s}`),
          // Leaves out the deepest subquestions, as the curriculum does.
          keepSubquestion: (it) => view.depth(it.ctx, it.question) < maxDepth,
          subquestionWaves,
          subquestionsAhead,
        });
      try {
        const after = await run('after');
        const alongside = await run('alongside');
        expect(alongside.steps).toEqual(after.steps);
        expect(alongside.overseerCalls).toBe(after.overseerCalls);
        // H's subquestions replaced some generated questions, keeping each step's size.
        expect(after.overseerCalls).toBeGreaterThan(batches.flat().length);
        expect(after.steps.map((s) => s.items.length)).toEqual(batches.map((b) => b.length));
        expect(alongside.waves).toBeLessThan(after.waves);
        // Alongside decomposes every candidate subquestion, kept or not.
        expect(alongside.modelQueries).toBeGreaterThanOrEqual(after.modelQueries);
        // Asked ahead (a GPU's rounds): the same targets again; where the task lists H's
        // subquestions ahead, fewer waves (for more questions to the teacher, mostly).
        const alongsideAhead = await run('alongside', true);
        // Alongside, what H may ask of the subquestions that start decompositions of their own goes
        // in the first wave too: one wave (one read-back) for the whole chunk.
        if (task.subquestionsAhead) expect(alongsideAhead.waves).toBe(1);
        for (const [plain, withAhead] of [
          [after, await run('after', true)],
          [alongside, alongsideAhead],
        ] as const) {
          expect(withAhead.steps).toEqual(plain.steps);
          expect(withAhead.overseerCalls).toBe(plain.overseerCalls);
          if (task.subquestionsAhead) expect(withAhead.waves).toBeLessThan(plain.waves);
          else expect(withAhead).toEqual(plain);
        }
      } finally {
        disposeWeights(teacher);
        learner.dispose();
      }
    }, 60_000);
  }
});
