import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import {
  answerDomain,
  MAX_OVERSEER_NOISE,
  noisyOverseer,
  overseerNoiseProblem,
} from '../../src/core/noisy-overseer';
import { amplify, hch } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleQuestions } from './sample-questions';

const N = 3000;

for (const task of Object.values(TASKS)) {
  describe(`noisy H on ${task.id}`, () => {
    const params = resolveParams(task, 'workshop');
    const items = sampleQuestions(task, resolveParams(task, 'workshop'), 21, N);
    const oracle = (ctx: unknown, sub: unknown): Answer => task.solve(ctx, sub);

    for (const p of [0.01, 0.05, 0.1, 0.3]) {
      it(`p = ${p}: Amp(oracle) is wrong on about ${p} of ${N} questions, always with a well-typed answer`, () => {
        const noisy = noisyOverseer(task, params, p, createRng(5).fork('overseer-noise'));
        const enc = task.encoding(params);
        let wrong = 0;
        for (const { ctx, q } of items) {
          const a = amplify(noisy, ctx, q, oracle);
          if (a === task.solve(ctx, q)) continue;
          wrong++;
          expect(a).not.toBe(UNKNOWN);
          expect(enc.answerToClass(a)).toBeLessThan(enc.answerClasses);
        }
        // With a perfect X every wrong answer is a corrupted combination, and the reverse.
        expect(noisy.noise).toEqual({ combinations: N, corrupted: wrong });
        const sd = Math.sqrt((p * (1 - p)) / N);
        expect(Math.abs(wrong / N - p)).toBeLessThan(4 * sd + 0.002);
      });
    }

    it('is reproducible from its rng, and clean where it is not used', () => {
      const run = (seed: number) => {
        const noisy = noisyOverseer(task, params, 0.2, createRng(seed));
        return items.slice(0, 300).map(({ ctx, q }) => amplify(noisy, ctx, q, oracle));
      };
      expect(run(3)).toEqual(run(3));
      expect(run(3)).not.toEqual(run(4));
      // HCH on the task itself stays the ground truth.
      for (const { ctx, q } of items.slice(0, 300)) expect(hch(task, ctx, q)).toEqual(task.solve(ctx, q));
    });

    it('p = 0 changes nothing; a `?` combination stays `?` and is not counted', () => {
      const clean = noisyOverseer(task, params, 0, createRng(1));
      for (const { ctx, q } of items.slice(0, 200))
        expect(amplify(clean, ctx, q, oracle)).toEqual(task.solve(ctx, q));
      const noisy = noisyOverseer(task, params, MAX_OVERSEER_NOISE, createRng(1));
      let known = 0;
      let unknown = 0;
      for (const { ctx, q } of items.slice(0, 200)) {
        const honest = amplify(task, ctx, q, () => UNKNOWN);
        if (honest === UNKNOWN) {
          unknown++;
          expect(amplify(noisy, ctx, q, () => UNKNOWN)).toBe(UNKNOWN);
        } else {
          known++;
          amplify(noisy, ctx, q, () => UNKNOWN);
        }
      }
      expect(unknown).toBeGreaterThan(0);
      expect(noisy.noise.combinations).toBe(known);
    });

    it("answers come from the model's answer classes", () => {
      const domain = answerDomain(task, params);
      expect(domain.length).toBe(task.encoding(params).answerClasses);
      expect(new Set(domain.map((a) => JSON.stringify(a))).size).toBe(domain.length);
    });
  });
}

describe('noise rate checks', () => {
  it.each([[-0.01], [0.51], [1], [NaN], [Infinity], ['0.1'], [undefined]])('refuses %s', (p) => {
    expect(overseerNoiseProblem(p)).toMatch(/overseer noise must be a number from 0 to 0.5/);
    expect(() =>
      noisyOverseer(TASKS.wildcard, resolveParams(TASKS.wildcard, 'workshop'), p as number, createRng(1)),
    ).toThrow(/from 0 to 0.5/);
  });
  it.each([[0], [0.05], [0.5]])('accepts %s', (p) => expect(overseerNoiseProblem(p)).toBeUndefined());
});
