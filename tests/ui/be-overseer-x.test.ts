// Which X answers in "Be the overseer" (src/ui/be-overseer-x.ts): a recording's kept answers, and
// the live model's through the trainer's sample request.
import { describe, expect, test } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { amplifiedTrace } from '../../src/core/recursion';
import { recordingTrees } from '../../src/core/run-format';
import { makeSample } from '../../src/core/sample';
import { TASK_IDS } from '../../src/core/task';
import { liveX, NOT_RECORDED, recordedX } from '../../src/ui/be-overseer-x';
import type { AnswerSource } from '../../src/ui/tree-answers.svelte';
import { recordedRun } from '../core/recorded-run';

describe("a recording's X", () => {
  for (const task of TASK_IDS)
    test(`${task}: H's tree at every round follows the kept answers, and stops at one not kept under the recorded Amp(X)`, async () => {
      const { rec, sample: s } = recordedRun(task);
      let whole = 0;
      for (const snap of recordingTrees(rec)) {
        const h = await recordedX(s, snap, snap.round).amplified();
        const at = `round ${snap.round}`;
        // H's decomposition, each subquestion answered as the recording kept it.
        const replay = s.task.overseer(s.ctx, s.question);
        let step = replay.next(UNKNOWN);
        for (const c of h.children) {
          expect(step.done, at).toBe(false);
          expect(c.key, at).toBe(s.task.questionKey(step.value));
          if (c.by === 'model') expect(c.answer, at).toEqual(snap.answers[c.key] ?? UNKNOWN);
          step = replay.next(c.answer);
        }
        expect(step.done, at).toBe(true);
        const last = h.children[h.children.length - 1];
        if (last && last.by === 'model' && snap.answers[last.key] === undefined) {
          expect(last.answerText, at).toBe('? (not recorded)');
          expect(h.answer, at).toEqual(snap.amplified);
        } else {
          // Every answer H needed was kept: the root is H's combination of them.
          expect(h.answer, at).toEqual(step.done ? step.value : undefined);
          whole++;
        }
      }
      expect(whole).toBeGreaterThan(0);
    });

  test('answers a kept question as recorded and says why another one has no answer', async () => {
    const s = makeSample('permutation', 'workshop', undefined, 1, 0)!;
    const own = s.task.overseer(s.ctx, s.question).next(UNKNOWN).value;
    const other = { x: 'a', k: 7 };
    const snap = { round: 2, question: 0, answers: { [s.task.questionKey(own)]: 'e' }, amplified: UNKNOWN };
    const x = recordedX(s, snap, 2);
    expect(await x.answer([own, other])).toEqual(['e', { missing: NOT_RECORDED }]);
    expect(x.label).toContain("recorded run's model at round 2");
    // No snapshot for this question (say, after "New question"): nothing is available.
    expect(await recordedX(s, undefined, 2).answer([own])).toEqual([{ missing: NOT_RECORDED }]);
  });
});

describe('the live X', () => {
  const s = makeSample('wildcard', 'workshop', undefined, 1, 0)!;
  // H's first subquestion, which X answers (the question has more than one wildcard).
  const sub = s.task.overseer(s.ctx, s.question).next(UNKNOWN).value;

  test('the sample needs X', () => {
    expect(s.depth).toBeGreaterThan(1);
    expect(s.task.isPrimitive(sub)).toBe(false);
  });

  test("asks the trainer about the sample's context and returns its answers and Amp(X)", async () => {
    const calls: unknown[][] = [];
    const truth = (q: unknown): Answer => s.task.solve(s.ctx, q) as Answer;
    const source: AnswerSource = {
      sample: async (ctx, question, questions) => {
        expect(ctx).toBe(s.ctx);
        expect(question).toBe(s.question);
        calls.push(questions);
        return {
          answers: questions.map(truth),
          amplified: await amplifiedTrace(s.task, ctx, question, (_c, q) => truth(q)),
        };
      },
    };
    const x = liveX(source, s, 5);
    expect(x.label).toBe('X is the model trained in this tab, as it is now (round 5).');
    expect(await x.answer([sub])).toEqual([truth(sub)]);
    expect((await x.amplified()).answer).toEqual(s.truth);
    expect(calls).toEqual([[sub], []]);
  });

  test('a model that is not ready: its answers are missing and Amp(X) answers ?', async () => {
    const x = liveX({ sample: () => Promise.resolve(undefined) }, s, 0);
    expect(await x.answer([sub])).toEqual([{ missing: 'the model is not ready' }]);
    expect((await x.amplified()).answer).toBe(UNKNOWN);
  });
});
