import { describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../src/core/answer';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { combineByDepth, makeHeldOut, score } from '../../src/learn/evaluate';

describe('evaluation arithmetic', () => {
  it('scores overall and per depth', () => {
    const held = [
      { depth: 1, truth: 'a' },
      { depth: 1, truth: 'b' },
      { depth: 2, truth: 'c' },
      { depth: 2, truth: null },
      { depth: 3, truth: 4 },
    ];
    const s = score(held, ['a', 'x', 'c', null, UNKNOWN]);
    expect(s.overall).toBeCloseTo(3 / 5);
    expect(s.byDepth).toEqual({ '1': 0.5, '2': 1, '3': 0 });
    expect(() => score(held, ['a'])).toThrow();
    const c = combineByDepth(s, score(held, ['a', 'b', 'c', null, 4]), null);
    expect(c['1']).toEqual({ model: 0.5, amplified: 1, supervised: null });
    expect(c['3']).toEqual({ model: 0, amplified: 1, supervised: null });
  });

  it('`?` is never right and false/0/null are told apart', () => {
    const s = score(
      [
        { depth: 1, truth: false },
        { depth: 1, truth: 0 },
        { depth: 1, truth: null },
      ],
      [0, false, null],
    );
    expect(s.overall).toBeCloseTo(1 / 3);
  });

  for (const task of Object.values(TASKS)) {
    it(`${task.id}: the held-out set is seeded, has ≥500 questions and every depth`, () => {
      const params = resolveParams(task, 'workshop');
      const a = makeHeldOut(task, params, 7);
      const b = makeHeldOut(task, params, 7);
      expect(a.length).toBeGreaterThanOrEqual(500);
      expect(a.map((h) => task.questionKey(h.question))).toEqual(b.map((h) => task.questionKey(h.question)));
      const depths = new Set(a.map((h) => h.depth));
      for (let d = 1; d <= task.maxDepth(params); d++) expect(depths.has(d)).toBe(true);
    });
  }
});
