import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { amplifiedTrace, amplify, fullRecursion, hch } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { PRESET_NAMES, resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleQuestions } from './sample-questions';

const QUESTIONS = 1000;

for (const task of Object.values(TASKS)) {
  describe(task.id, () => {
    for (const preset of PRESET_NAMES) {
      const params = resolveParams(task, preset);
      const count = QUESTIONS;

      it(`${preset}: HCH (full recursion) equals the ground truth on ${count} questions`, () => {
        for (const { ctx, q } of sampleQuestions(task, params, 11, count)) {
          expect(task.isPrimitive(q)).toBe(false);
          expect(hch(task, ctx, q)).toEqual(task.solve(ctx, q));
        }
      });

      it(`${preset}: Amp(oracle) equals the ground truth; Amp(?) answers ? `, () => {
        const oracle = (ctx: unknown, sub: unknown): Answer => task.solve(ctx, sub);
        const dunno = (): Answer => UNKNOWN;
        for (const { ctx, q } of sampleQuestions(task, params, 12, count)) {
          const truth = task.solve(ctx, q);
          expect(amplify(task, ctx, q, oracle)).toEqual(truth);
          // Depth 1 means every subquestion is a lookup: no model involved, H alone is right.
          const needsModel = task.depth(ctx, q) > 1;
          expect(amplify(task, ctx, q, dunno)).toEqual(needsModel ? UNKNOWN : truth);
        }
      });

      it(`${preset}: questions cover every depth class 1…maxDepth and contexts are valid`, () => {
        const seen = new Set<number>();
        for (const { ctx, q } of sampleQuestions(task, params, 13, 400)) {
          expect(task.validateContext(ctx, params)).toEqual([]);
          seen.add(task.depth(ctx, q));
        }
        const maxDepth = task.maxDepth(params);
        expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: maxDepth }, (_, i) => i + 1));
      });

      it(`${preset}: asking for a depth gives that depth`, () => {
        const rng = createRng(14);
        const ctx = task.generateContext(rng, params);
        for (let d = 1; d <= task.maxDepth(params); d++)
          for (let i = 0; i < 5; i++)
            expect(task.depth(ctx, task.generateQuestion(rng, ctx, params, d))).toBe(d);
      });
    }

    it('an independent solver on the JSON export agrees with solve, both presets, every depth', async () => {
      const { solveFromJson } = (await import(`../independent/${task.id}.ts`)) as {
        solveFromJson: (facts: unknown, question: unknown) => unknown;
      };
      for (const preset of PRESET_NAMES) {
        const params = resolveParams(task, preset);
        const rng = createRng(41);
        let ctx: unknown;
        for (let i = 0; i < 500; i++) {
          if (i % 5 === 0) ctx = task.generateContext(rng, params);
          const depth = i % 3 === 0 ? undefined : (i % task.maxDepth(params)) + 1;
          const q = task.generateQuestion(rng, ctx, params, depth);
          // Through JSON text, as a dataset file carries it.
          const facts: unknown = JSON.parse(JSON.stringify(task.factsJson(ctx)));
          const question: unknown = JSON.parse(JSON.stringify(task.questionJson(q)));
          expect(solveFromJson(facts, question)).toEqual(task.answerJson(task.solve(ctx, q)));
        }
      }
    });

    it('same seed → same contexts and questions; different seeds differ', () => {
      const params = resolveParams(task, 'workshop');
      const a = sampleQuestions(task, params, 7, 20).map(({ ctx, q }) => [
        task.factsJson(ctx),
        task.questionJson(q),
      ]);
      const b = sampleQuestions(task, params, 7, 20).map(({ ctx, q }) => [
        task.factsJson(ctx),
        task.questionJson(q),
      ]);
      const c = sampleQuestions(task, params, 8, 20).map(({ ctx, q }) => [
        task.factsJson(ctx),
        task.questionJson(q),
      ]);
      expect(b).toEqual(a);
      expect(c).not.toEqual(a);
    });

    it('the full recursion trace: overseer nodes over lookups, answers agree with the truth, depth shrinks', () => {
      const params = resolveParams(task, 'workshop');
      const rng = createRng(21);
      const ctx = task.generateContext(rng, params);
      const q = task.generateQuestion(rng, ctx, params, task.maxDepth(params));
      const root = fullRecursion(task, ctx, q, 5000);
      expect(root.by).toBe('overseer');
      expect(root.answer).toEqual(task.solve(ctx, q));
      expect(root.children.length).toBeGreaterThan(0);
      const visit = (node: typeof root): void => {
        if (node.by === 'lookup') expect(node.children).toEqual([]);
        for (const child of node.children) {
          expect(child.depth).toBeLessThan(node.depth);
          visit(child);
        }
      };
      visit(root);
      expect(root.text).toMatch(/\?$/);
    });

    it('the Amp(X) trace: H on top, lookups and model answers one level below, same answer as amplify', async () => {
      const params = resolveParams(task, 'workshop');
      const rng = createRng(22);
      const ctx = task.generateContext(rng, params);
      const q = task.generateQuestion(rng, ctx, params, task.maxDepth(params));
      const asked: unknown[] = [];
      const oracle = async (c: unknown, sub: unknown): Promise<Answer> => {
        asked.push(sub);
        return task.solve(c, sub);
      };
      const root = await amplifiedTrace(task, ctx, q, oracle);
      expect(root.by).toBe('overseer');
      expect(root.answer).toEqual(task.solve(ctx, q));
      expect(root.children.filter((c) => c.by === 'model').map((c) => c.key)).toEqual(
        asked.map((sub) => task.questionKey(sub)),
      );
      for (const child of root.children) {
        expect(child.children).toEqual([]);
        // Lookups are primitive (depth 0); only non-primitive subquestions reach the model.
        expect(child.depth === 0).toBe(child.by === 'lookup');
      }
      expect(asked.length).toBeGreaterThan(0);
    });

    it('the encoding is in range and round-trips answers', () => {
      for (const preset of PRESET_NAMES) {
        const params = resolveParams(task, preset);
        const enc = task.encoding(params);
        for (const { ctx, q } of sampleQuestions(task, params, 31, 50)) {
          const facts = enc.encodeFacts(ctx);
          expect(facts.length).toBe(enc.maxFacts * enc.factTokens);
          expect(Math.min(...facts)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...facts)).toBeLessThan(enc.vocabSize);
          const question = enc.encodeQuestion(q);
          expect(question.length).toBe(enc.questionTokens);
          expect(Math.max(...question)).toBeLessThan(enc.vocabSize);
          const truth = task.solve(ctx, q);
          const c = enc.answerToClass(truth);
          expect(c).toBeLessThan(enc.answerClasses);
          expect(enc.classToAnswer(c)).toEqual(truth);
          const pointers = enc.factAnswerClass(ctx);
          expect(pointers.length).toBe(enc.maxFacts);
          for (const p of pointers) {
            expect(p).toBeGreaterThanOrEqual(-1);
            expect(p).toBeLessThan(enc.answerClasses);
          }
        }
        expect(enc.answerToClass(UNKNOWN)).toBe(enc.answerClasses);
        expect(enc.classToAnswer(enc.answerClasses)).toBe(UNKNOWN);
      }
    });
  });
}
