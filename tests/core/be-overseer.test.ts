import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import {
  answerChoices,
  candidates,
  MAX_ASKED,
  overseerAlong,
  review,
  type AskedStep,
} from '../../src/core/be-overseer';
import { amplifiedTrace } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams, type AnyTask } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { driveWith } from './drive-overseer';

const SEED = 7;

function contexts(task: AnyTask, count: number, seed: number) {
  const params = resolveParams(task, 'workshop');
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const ctx = task.generateContext(rng, params);
    return { params, ctx, q: task.generateQuestion(rng, ctx, params) };
  });
}

/** The step a visitor gets for `sub`: a lookup, or `x`'s answer. */
function ask(task: AnyTask, ctx: unknown, sub: unknown, x: (sub: unknown) => Answer): AskedStep {
  return task.isPrimitive(sub)
    ? { question: sub, by: 'lookup', answer: task.lookup(ctx, sub) as Answer }
    : { question: sub, by: 'model', answer: x(sub) };
}

/** Plays H's own candidate at every step; returns the steps and the candidate lists seen. */
function playH(task: AnyTask, ctx: unknown, q: unknown, x: (sub: unknown) => Answer) {
  const steps: AskedStep[] = [];
  const offered: ReturnType<typeof candidates>[] = [];
  for (;;) {
    const list = candidates(task, ctx, q, steps, SEED);
    offered.push(list);
    const own = list.find((c) => c.fromH);
    if (!own) return { steps, offered };
    steps.push(ask(task, ctx, own.question, x));
  }
}

/** H's Amp(X) trace with X = `x`. */
const ampTrace = (task: AnyTask, ctx: unknown, q: unknown, x: (sub: unknown) => Answer) =>
  amplifiedTrace(task, ctx, q, (_ctx, sub) => x(sub));

/** A wrong answer of the same type as the truth: another symbol of the task, never `?`. */
function wrongAnswer(choices: Answer[], truth: Answer): Answer {
  return choices.find((a) => a !== truth && a !== UNKNOWN)!;
}

for (const task of Object.values(TASKS)) {
  describe(task.id, () => {
    const cases = contexts(task, 40, 21);
    const oracle = (ctx: unknown) => (sub: unknown) => task.solve(ctx, sub) as Answer;

    it("offers H's own next subquestion (the one H asks with the answers received) once among up to 3 distinct well-formed wrong ones", () => {
      for (const { params, ctx, q } of cases) {
        const { asked } = driveWith(task, ctx, q, oracle(ctx));
        const { steps, offered } = playH(task, ctx, q, oracle(ctx));
        // A subquestion H asks twice (σ(x) = x, a route through the same pair) is asked once.
        const distinct = [...new Set(asked.map((a) => task.questionKey(a)))];
        expect(steps.map((s) => task.questionKey(s.question))).toEqual(distinct);
        const enc = task.encoding(params);
        offered.forEach((list, i) => {
          expect(list.filter((c) => c.fromH).length).toBe(i < distinct.length ? 1 : 0);
          const wrong = list.filter((c) => !c.fromH);
          expect(wrong.length).toBeGreaterThanOrEqual(1);
          expect(wrong.length).toBeLessThanOrEqual(3);
          const keys = list.map((c) => c.key);
          expect(new Set(keys).size).toBe(keys.length);
          expect(keys).not.toContain(task.questionKey(q));
          for (const s of steps.slice(0, i)) expect(keys).not.toContain(task.questionKey(s.question));
          for (const c of list) {
            expect(c.key).toBe(task.questionKey(c.question));
            expect(c.primitive).toBe(task.isPrimitive(c.question));
            // Well-formed: a lookup reads the facts; any other question X can be asked.
            if (c.primitive) task.lookup(ctx, c.question);
            else expect(enc.encodeQuestion(c.question).length).toBe(enc.questionTokens);
            expect(task.answerText(task.solve(ctx, c.question) as Answer)).toBeTypeOf('string');
          }
        });
      }
    });

    it('orders the candidates by the seed: the same seed gives the same list, other seeds shuffle it', () => {
      let reordered = 0;
      for (const { ctx, q } of cases) {
        const a = candidates(task, ctx, q, [], SEED).map((c) => c.key);
        expect(candidates(task, ctx, q, [], SEED).map((c) => c.key)).toEqual(a);
        const b = candidates(task, ctx, q, [], SEED + 1).map((c) => c.key);
        if (a.join() !== b.join()) reordered++;
      }
      expect(reordered).toBeGreaterThan(cases.length / 2);
    });

    it("following H with true subanswers and H's combination is right, with no reason against X", async () => {
      for (const { ctx, q } of cases) {
        const { steps } = playH(task, ctx, q, oracle(ctx));
        const along = overseerAlong(task, ctx, q, steps);
        expect(along.done).toBe(true);
        const answer = along.done ? along.answer : UNKNOWN;
        expect(answer).toEqual(task.solve(ctx, q));
        const r = review(task, ctx, q, steps, answer, await ampTrace(task, ctx, q, oracle(ctx)));
        expect(r.right).toBe(true);
        expect(r.verdict).toMatch(/^Right: your Amp\(X\) answers /);
        expect(r.reasons.join(' ')).not.toMatch(/X answered|where H asks|did not ask/);
        expect(r.reasons).toContain('You asked what H asks and combined the answers as H does.');
        expect(r.visitor.answer).toEqual(answer);
        expect(r.visitor.children.map((c) => c.key)).toEqual(steps.map((s) => task.questionKey(s.question)));
        expect(r.visitor.children.map((c) => c.by)).toEqual(steps.map((s) => s.by));
      }
    });

    it('a wrong subquestion first: the review names it and the question H asks there', async () => {
      let checked = 0;
      for (const { params, ctx, q } of cases) {
        const first = candidates(task, ctx, q, [], SEED);
        const own = first.find((c) => c.fromH);
        const wrong = first.find((c) => !c.fromH)!;
        if (!own) continue; // H answers outright (a path from a vertex to itself)
        const steps = [ask(task, ctx, wrong.question, oracle(ctx))];
        const truth = task.solve(ctx, q) as Answer;
        const answer = wrongAnswer(answerChoices(task, params), truth);
        const h = await amplifiedTrace(task, ctx, q, (c, sub) => task.solve(c, sub) as Answer);
        const r = review(task, ctx, q, steps, answer, h);
        expect(r.right).toBe(false);
        expect(r.verdict).toBe(
          `Wrong: your Amp(X) answers ${task.answerText(answer)}; the true answer is ${task.answerText(truth)}.`,
        );
        expect(r.reasons).toContain(
          `You asked “${wrong.text}” where H asks “${own.text}”: they are different questions (true answers ${task.answerText(task.solve(ctx, wrong.question) as Answer)} and ${task.answerText(task.solve(ctx, own.question) as Answer)}), so its answer cannot stand in for the one H needs.`,
        );
        expect(r.reasons).toContain(`You did not ask “${own.text}”, which H asks next on your path.`);
        // H's tree is Amp(oracle): right, and its subquestions' truths are known.
        expect(r.reasons[r.reasons.length - 1]).toMatch(
          /^H's Amp\(X\), with the same X, answers .*: right\.$/,
        );
        for (const c of h.children) expect(r.truths[c.key]).toBe(c.answerText);
        checked++;
      }
      expect(checked).toBeGreaterThan(cases.length / 2);
    });

    it("X's wrong subanswers: the review blames X when the visitor followed H and combined as H does", async () => {
      let blamed = 0;
      for (const { params, ctx, q } of cases) {
        const choices = answerChoices(task, params);
        // An X that answers every question wrongly (with some other symbol of the task).
        const liar = (sub: unknown): Answer => wrongAnswer(choices, task.solve(ctx, sub) as Answer);
        const { steps } = playH(task, ctx, q, liar);
        const along = overseerAlong(task, ctx, q, steps);
        if (!along.done) throw new Error('H must finish along its own path');
        const h = await ampTrace(task, ctx, q, liar);
        expect(h.answer).toEqual(along.answer);
        const r = review(task, ctx, q, steps, along.answer, h);
        const lies = steps.filter((s) => s.by === 'model');
        for (const s of lies)
          expect(r.reasons).toContain(
            `X answered “${task.questionText(s.question)}” with ${task.answerText(s.answer)}, but the true answer is ${task.answerText(task.solve(ctx, s.question) as Answer)}.`,
          );
        if (!r.right) {
          expect(lies.length).toBeGreaterThan(0);
          expect(r.reasons).toContain(
            'You asked what H asks and combined the answers as H does: the error came from X, whom H trusts.',
          );
          blamed++;
        }
      }
      // Depth-1 questions need no X; the rest go wrong with a lying X.
      expect(blamed).toBeGreaterThan(0);
    });

    it('a right combination answered wrongly: the review says what H would have answered', async () => {
      for (const { params, ctx, q } of cases.slice(0, 10)) {
        const { steps } = playH(task, ctx, q, oracle(ctx));
        const truth = task.solve(ctx, q) as Answer;
        const answer = wrongAnswer(answerChoices(task, params), truth);
        const r = review(task, ctx, q, steps, answer, await ampTrace(task, ctx, q, oracle(ctx)));
        expect(r.right).toBe(false);
        expect(r.reasons).toContain(
          `From the answers you received, H would answer ${task.answerText(truth)}; you answered ${task.answerText(answer)}.`,
        );
      }
    });

    it('the final-answer choices hold every true answer, then ?, each once', () => {
      for (const { params, ctx, q } of cases) {
        const choices = answerChoices(task, params);
        expect(choices[choices.length - 1]).toBe(UNKNOWN);
        expect(new Set(choices).size).toBe(choices.length);
        expect(choices).toContain(task.solve(ctx, q));
      }
    });

    it(`stops offering subquestions after ${MAX_ASKED}`, () => {
      let reached = 0;
      for (const { ctx, q } of cases.slice(0, 10)) {
        const steps: AskedStep[] = [];
        for (;;) {
          const list = candidates(task, ctx, q, steps, SEED);
          if (steps.length >= MAX_ASKED) {
            expect(list).toEqual([]);
            reached++;
          }
          // Wrong ones first, H's when none are left.
          const pick = list.find((c) => !c.fromH) ?? list[0];
          if (!pick) break;
          steps.push(ask(task, ctx, pick.question, () => UNKNOWN));
        }
        expect(steps.length).toBeLessThanOrEqual(MAX_ASKED);
      }
      expect(reached).toBeGreaterThan(0);
    });
  });
}
