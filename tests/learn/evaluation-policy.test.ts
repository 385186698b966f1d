import { describe, expect, it } from 'vitest';
import { EVAL_RATIO, EvaluationPolicy } from '../../src/learn/evaluation-policy';

describe('EvaluationPolicy', () => {
  it("'every-round' evaluates every round", () => {
    const p = new EvaluationPolicy('every-round');
    expect(p.due(0.001, { forced: false, first: false })).toBe(true);
    expect(new EvaluationPolicy(undefined).due(0.001, { forced: false, first: false })).toBe(true);
  });

  it("'auto' evaluates the first round, then after EVAL_RATIO times the last evaluation's cost", () => {
    const p = new EvaluationPolicy('auto');
    expect(p.due(1, { forced: false, first: true })).toBe(true);
    expect(p.evaluated(1, 2)).toBe(0);
    // Due again at 1 + EVAL_RATIO * 2 seconds of amplification.
    expect(p.due(1 + EVAL_RATIO * 2 - 0.01, { forced: false, first: false })).toBe(false);
    expect(p.due(1 + EVAL_RATIO * 2 - 0.01, { forced: true, first: false })).toBe(true);
    p.skip();
    p.skip();
    const t = 1 + EVAL_RATIO * 2;
    expect(p.due(t, { forced: false, first: false })).toBe(true);
    expect(p.evaluated(t, 0.5)).toBe(2);
    expect(p.due(t + EVAL_RATIO * 0.5 - 0.01, { forced: false, first: false })).toBe(false);
    expect(p.due(t + EVAL_RATIO * 0.5, { forced: false, first: false })).toBe(true);
  });

  it('a late evaluation of the last round does not count that round as skipped, nor move the cost', () => {
    const p = new EvaluationPolicy('auto');
    p.evaluated(0, 3);
    p.skip();
    p.skip();
    p.skip();
    // The last of the three skipped rounds is the one evaluated late.
    expect(p.evaluatedLate(5)).toBe(2);
    expect(p.due(5 + EVAL_RATIO * 3 - 0.01, { forced: false, first: false })).toBe(false);
    expect(p.due(5 + EVAL_RATIO * 3, { forced: false, first: false })).toBe(true);
    expect(p.evaluatedLate(6)).toBe(0);
  });
});
