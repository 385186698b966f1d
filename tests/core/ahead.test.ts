// Asking ahead (a GPU round's amplification): where a task lists the subquestions H may ask, X
// gets them all in a run's first wave, and H's later asks are answered from those answers. Same
// answers and the same asks, in the same order, in fewer waves.
import { describe, expect, it } from 'vitest';
import type { Answer } from '../../src/core/answer';
import { amplifyGrowing, hch, type WaveItem } from '../../src/core/recursion';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleQuestions } from './sample-questions';

for (const task of Object.values(TASKS)) {
  describe(`asking ahead: ${task.id}`, () => {
    it('gives the same answers and asks, and fewer waves where the task lists them', async () => {
      const params = resolveParams(task, 'workshop');
      const items: WaveItem[] = sampleQuestions(task, params, 5, 60).map((s) => ({
        ctx: s.ctx,
        question: s.q,
      }));
      // X stand-in: right three times in four, else '?', by the question (an answer depends on
      // the question only, as the teacher's does within a round).
      const answerOf = (it: WaveItem): Answer => {
        const key = task.questionKey(it.question);
        let h = 0;
        for (const c of key) h = (h * 31 + c.charCodeAt(0)) >>> 0;
        return h % 4 === 0 ? '?' : hch(task, it.ctx, it.question);
      };
      // `grow`: the given questions' subquestions start decompositions of their own, as a GPU
      // round's sampled subquestions do (once each per context), and what H may ask of them is
      // asked ahead too (prefetch).
      const run = async (ahead: boolean, grow = false) => {
        const asked: string[] = [];
        const started = new Map<unknown, Set<string>>();
        const r = await amplifyGrowing(
          task,
          items,
          (batch) => batch.map(answerOf),
          (wave, from) => {
            wave.forEach((it, j) => asked.push(`${from[j]}: ${task.questionKey(it.question)}`));
            return wave.filter((it, j) => {
              const keys = started.get(it.ctx) ?? new Set<string>();
              started.set(it.ctx, keys);
              const key = task.questionKey(it.question);
              if (!grow || from[j]! >= items.length || keys.has(key)) return false;
              keys.add(key);
              return true;
            });
          },
          { ahead, prefetch: grow ? (_it, from) => from < items.length : undefined },
        );
        return { ...r, asked };
      };
      const plain = await run(false);
      const ahead = await run(true);
      expect(ahead.answers).toEqual(plain.answers);
      expect(ahead.asked).toEqual(plain.asked);
      expect(ahead.overseerCalls).toBe(plain.overseerCalls);
      if (task.subquestionsAhead) {
        expect(ahead.waves).toBeLessThan(plain.waves);
        expect(ahead.modelQueries).toBeGreaterThanOrEqual(plain.modelQueries);
      } else expect(ahead).toEqual(plain);

      // Growing: the same answers and asks again; with what H may ask of the started subquestions
      // asked in the first wave as well, the whole batch takes one wave.
      const grown = await run(false, true);
      const grownAhead = await run(true, true);
      expect(grownAhead.answers).toEqual(grown.answers);
      // The given questions' asks in the same order (what a round samples from); the started
      // ones' own asks may come in other calls.
      const given = (asked: string[]) => asked.filter((a) => Number(a.split(':')[0]) < items.length);
      expect(given(grownAhead.asked)).toEqual(given(grown.asked));
      expect(grownAhead.overseerCalls).toBe(grown.overseerCalls);
      expect(grown.overseerCalls).toBeGreaterThan(items.length);
      if (task.subquestionsAhead) expect(grownAhead.waves).toBe(1);
      else expect(grownAhead).toEqual(grown);
    });
  });
}
