import { describe, expect, test } from 'vitest';
import { lessonSteps, progressText, stepIndex, type LessonContext } from '../../src/ui/lesson/steps';
import { recordingFigures } from '../../src/core/recording-figures';
import { TASK_IDS } from '../../src/core/task';
import { recordedRun } from '../core/recorded-run';

function context(task: (typeof TASK_IDS)[number], extra: Partial<LessonContext> = {}): LessonContext {
  const { rec, sample } = recordedRun(task);
  return {
    taskTitle: sample.task.title,
    taskSummary: sample.task.summary,
    questionText: sample.questionText,
    truthText: sample.truthText,
    depth: sample.depth,
    subquestions: sample.tree.children.map((c) => c.text),
    recorded: true,
    noise: 0,
    figures: recordingFigures(rec),
    ...extra,
  };
}

describe('the guided lesson', () => {
  test.each(TASK_IDS)(
    '%s: 6–10 steps, each with a target and one thing to do, text from the task',
    (task) => {
      const c = context(task);
      const steps = lessonSteps(c);
      expect(steps.length).toBeGreaterThanOrEqual(6);
      expect(steps.length).toBeLessThanOrEqual(10);
      expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
      for (const s of steps) {
        expect(s.targets.length).toBeGreaterThan(0);
        expect(s.todo).toMatch(/\.$/);
      }
      const all = steps.map((s) => s.text).join(' ');
      expect(all).toContain(c.questionText);
      expect(all).toContain(c.taskSummary);
      expect(all).toContain(c.subquestions[0]!);
      // The recording's own figure for the wave: the round X first got depth 1 right.
      const d1 = c.figures!.depthWave[0]!;
      if (d1.round !== undefined) expect(all).toContain(`depth 1 in round ${d1.round}`);
    },
  );

  test('the texts differ between tasks', () => {
    const a = lessonSteps(context('permutation'))[0]!.text;
    const b = lessonSteps(context('wildcard'))[0]!.text;
    expect(a).not.toBe(b);
  });

  test('a recorded run asks for the slider, a live run for Step round', () => {
    const rec = lessonSteps(context('union-find')).find((s) => s.id === 'round')!;
    const live = lessonSteps(context('union-find', { recorded: false, figures: undefined })).find(
      (s) => s.id === 'round',
    )!;
    expect(rec.action).toEqual({ kind: 'input', within: 'timeline' });
    expect(live.action).toEqual({ kind: 'click', name: 'Step round' });
    expect(live.targets).toContain('controls');
  });

  test('the noise step sets noise on a clean H, and reads the comparison once H is noisy', () => {
    const clean = lessonSteps(context('wildcard')).at(-1)!;
    const noisy = lessonSteps(context('wildcard', { noise: 0.1 })).at(-1)!;
    expect(clean.action).toEqual({ kind: 'noise' });
    expect(noisy.targets).toEqual(['noise']);
    expect(noisy.text).toContain('10%');
  });

  test('lesson=K maps to a step, clamped, and progress reads "3 of 9"', () => {
    expect(stepIndex(3, 9)).toBe(2);
    expect(stepIndex(1, 9)).toBe(0);
    expect(stepIndex(20, 9)).toBe(8);
    expect(stepIndex(0, 9)).toBe(0);
    expect(progressText(2, 9)).toBe('3 of 9');
  });
});
