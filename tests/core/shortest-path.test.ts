import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { letterNames } from '../../src/core/names';
import { fullRecursion, hch, type TraceNode } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { PRESET_NAMES, resolveParams } from '../../src/core/task';
import {
  shortestPath,
  type ShortestPathContext,
  type ShortestPathQuestion,
} from '../../src/core/tasks/shortest-path';
import { driveWith } from './drive-overseer';

const task = shortestPath;
const path = (from: string, to: string, steps: number): ShortestPathQuestion => ({
  kind: 'path',
  from,
  to,
  steps,
});
const neighbour = (of: string, i: number): ShortestPathQuestion => ({ kind: 'neighbour', of, i });

/** a → b, a → c, b → d, c → d, c → e, d → f; e and f have no way out. */
const small: ShortestPathContext = { names: letterNames(6), out: [[1, 2], [3], [3, 4], [5], [], []] };

/** Levels of non-primitive questions in a full recursion tree, counting the root. */
const levels = (node: TraceNode): number =>
  node.by === 'lookup' ? 0 : 1 + Math.max(0, ...node.children.map(levels));

const drive = (
  ctx: ShortestPathContext,
  q: ShortestPathQuestion,
  answer: (sub: ShortestPathQuestion) => Answer,
) => driveWith(task, ctx, q, answer);

describe('shortest-path', () => {
  for (const preset of PRESET_NAMES) {
    const params = resolveParams(task, preset);
    const n = params.n!;

    it(`${preset}: generated graphs have ${n} vertices, out-degree 0–3, no repeated edges or loops`, () => {
      const rng = createRng(101);
      const degrees = new Set<number>();
      for (let i = 0; i < 100; i++) {
        const ctx = task.generateContext(rng, params);
        expect(task.validateContext(ctx, params)).toEqual([]);
        const facts = task.factsJson(ctx) as { from: string; to: string }[];
        const names = letterNames(n);
        expect(ctx.names).toEqual(names);
        const keys = facts.map((f) => `${f.from}>${f.to}`);
        expect(new Set(keys).size).toBe(keys.length);
        for (const f of facts) {
          expect(names).toContain(f.from);
          expect(names).toContain(f.to);
          expect(f.to).not.toBe(f.from);
        }
        for (const name of names) {
          const degree = facts.filter((f) => f.from === name).length;
          expect(degree).toBeLessThanOrEqual(3);
          degrees.add(degree);
        }
        expect(task.factTexts(ctx)).toHaveLength(facts.length);
        // Every context allows a question of every depth.
        for (let d = 1; d <= task.maxDepth(params); d++) {
          const q = task.generateQuestion(rng, ctx, params, d);
          expect(q.kind === 'path' && q.steps === d).toBe(true);
          expect(task.depth(ctx, q)).toBe(d);
        }
      }
      expect([...degrees].sort()).toEqual([0, 1, 2, 3]);
    });
  }

  it('validateContext catches bad graphs', () => {
    const params = resolveParams(task, 'workshop');
    const bad = (out: number[][]) => task.validateContext({ names: letterNames(6), out }, params);
    expect(bad([[1, 2, 3, 4], [], [], [], [], []]).join()).toMatch(/out-neighbours/);
    expect(bad([[1, 1], [], [], [], [], []]).join()).toMatch(/repeated/);
    expect(bad([[0], [], [], [], [], []]).join()).toMatch(/itself/);
    expect(bad([[9], [], [], [], [], []]).join()).toMatch(/no vertex/);
    expect(bad([[1], [], [], [], []]).join()).toMatch(/expected 6/);
    // No walk long enough for depth 3 (the workshop preset's deepest).
    expect(bad([[1], [], [], [], [], []])).toEqual(['no question of depth 3']);
    expect(task.validateContext(small, params)).toEqual([]);
  });

  it('lookups: out-neighbours in name order, then none; zero steps compares names', () => {
    expect([1, 2, 3].map((i) => task.lookup(small, neighbour('a', i)))).toEqual(['b', 'c', null]);
    expect(task.lookup(small, neighbour('e', 1))).toBeNull();
    expect(task.lookup(small, path('d', 'd', 0))).toBe(0);
    expect(task.lookup(small, path('c', 'd', 0))).toBeNull();
    expect(task.isPrimitive(path('c', 'd', 0))).toBe(true);
    expect(task.isPrimitive(neighbour('c', 1))).toBe(true);
    expect(task.isPrimitive(path('c', 'd', 1))).toBe(false);
    expect(() => task.lookup(small, path('c', 'd', 1))).toThrow();
  });

  it('ground truth on a small graph', () => {
    expect(task.solve(small, path('a', 'f', 3))).toBe(3);
    expect(task.solve(small, path('a', 'f', 2))).toBeNull();
    expect(task.solve(small, path('a', 'e', 4))).toBe(2);
    expect(task.solve(small, path('e', 'a', 4))).toBeNull();
    expect(task.solve(small, path('c', 'c', 2))).toBe(0);
  });

  it('H lists the out-neighbours, asks each for one step fewer, answers 1 + the least', () => {
    const { result, asked } = drive(small, path('a', 'f', 3), (sub) => task.solve(small, sub));
    expect(result).toBe(3);
    expect(asked).toEqual([
      neighbour('a', 1),
      neighbour('a', 2),
      neighbour('a', 3),
      path('b', 'f', 2),
      path('c', 'f', 2),
    ]);
    expect(
      drive(small, path('a', 'd', 3), (sub) => (sub.kind === 'path' && sub.from === 'b' ? null : 1)).result,
    ).toBe(2);
    expect(drive(small, path('a', 'd', 3), () => null).result).toBeNull();
    // a = b needs nothing; a vertex with no way out answers none from lookups alone.
    expect(drive(small, path('c', 'c', 3), () => UNKNOWN)).toEqual({ result: 0, asked: [] });
    expect(drive(small, path('e', 'a', 3), () => UNKNOWN)).toEqual({
      result: null,
      asked: [neighbour('e', 1)],
    });
  });

  it('the ? rule: a subanswer that is not a length of at most s − 1, nor none, makes H answer ?', () => {
    for (const wrong of [UNKNOWN, true, false, 'd', 3, 7, -1, 1.5]) {
      expect(drive(small, path('a', 'f', 3), () => wrong).result).toBe(UNKNOWN);
      // Even when the other neighbour's answer is fine.
      const one = drive(small, path('a', 'f', 3), (sub) =>
        sub.kind === 'path' && sub.from === 'c' ? wrong : 2,
      );
      expect(one.result).toBe(UNKNOWN);
    }
    // A neighbour "lookup" answered with something that is not a vertex or none.
    for (const wrong of [UNKNOWN, 2, true, 'z']) {
      const run = task.overseer(small, path('a', 'f', 3));
      expect(run.next(UNKNOWN).value).toEqual(neighbour('a', 1));
      expect(run.next(wrong)).toEqual({ done: true, value: UNKNOWN });
    }
    // A neighbour list that never ends stops at n − 1 names.
    const endless = task.overseer(small, path('a', 'f', 3));
    let step = endless.next(UNKNOWN);
    for (let i = 0; i < 10 && !step.done; i++) step = endless.next('b');
    expect(step).toEqual({ done: true, value: UNKNOWN });
  });

  it('depth is the height of the full recursion, and at most s', () => {
    for (const preset of PRESET_NAMES) {
      const params = resolveParams(task, preset);
      const rng = createRng(102);
      for (let i = 0; i < 60; i++) {
        const ctx = task.generateContext(rng, params);
        const names = ctx.names;
        // Any question, not only generated ones: random (a, b, s).
        const q = path(rng.pick(names), rng.pick(names), rng.range(1, params.s!));
        const d = task.depth(ctx, q);
        expect(levels(fullRecursion(task, ctx, q))).toBe(d);
        expect(d).toBeLessThanOrEqual(q.kind === 'path' ? q.steps : 0);
        expect(hch(task, ctx, q)).toEqual(task.solve(ctx, q));
      }
    }
    expect(task.depth(small, path('a', 'f', 4))).toBe(4);
    expect(task.depth(small, path('e', 'f', 4))).toBe(1);
    expect(task.depth(small, path('a', 'a', 4))).toBe(1);
    expect(task.depth(small, path('a', 'd', 4))).toBe(3); // every walk from a meets d or a dead end by step 2
  });

  it('answers are spread: every depth has some none and some lengths', () => {
    const params = resolveParams(task, 'workshop');
    const rng = createRng(103);
    for (let d = 1; d <= task.maxDepth(params); d++) {
      const answers = new Map<unknown, number>();
      for (let i = 0; i < 200; i++) {
        const ctx = task.generateContext(rng, params);
        const a = task.solve(ctx, task.generateQuestion(rng, ctx, params, d));
        answers.set(a, (answers.get(a) ?? 0) + 1);
      }
      expect(answers.get(null) ?? 0).toBeGreaterThan(20);
      expect(answers.get(d) ?? 0).toBeGreaterThan(5);
      expect(answers.get(1) ?? 0).toBeGreaterThan(20);
    }
  });

  it('text forms', () => {
    expect(task.questionText(path('a', 'd', 3))).toBe('How many steps from a to d, using at most 3 edges?');
    expect(task.questionText(path('a', 'd', 1))).toBe('How many steps from a to d, using at most 1 edge?');
    expect(task.questionText(path('a', 'd', 0))).toBe('How many steps from a to d, using no edges?');
    expect(task.questionText(neighbour('a', 2))).toBe("What is a's 2nd out-neighbour?");
    expect(task.questionText(neighbour('a', 4))).toBe("What is a's 4th out-neighbour?");
    expect(task.answerText(2)).toBe('2');
    expect(task.answerText(null)).toBe('none');
    expect(task.answerText('c')).toBe('c');
    expect(task.answerText(UNKNOWN)).toBe("? (don't know)");
    expect(task.factTexts(small).slice(0, 2)).toEqual(['a → b', 'a → c']);
    expect(task.questionKey(path('a', 'd', 3))).not.toBe(task.questionKey(path('d', 'a', 3)));
    expect(task.questionKey(neighbour('a', 1))).not.toBe(task.questionKey(neighbour('a', 2)));
  });

  it('export form matches DESIGN.md', () => {
    expect(task.factsJson(small)).toContainEqual({ from: 'a', to: 'c' });
    expect(task.factsJson(small)).toHaveLength(6);
    expect(task.questionJson(path('a', 'd', 3))).toEqual({ from: 'a', to: 'd', steps: 3 });
    expect(task.answerJson(null)).toBeNull();
    expect(task.answerJson(2)).toBe(2);
  });

  it('the encoding: one row per edge, the question as from, to, steps', () => {
    const params = resolveParams(task, 'workshop');
    const enc = task.encoding(params);
    expect(enc.maxFacts).toBe(18);
    const facts = enc.encodeFacts(small);
    expect([...facts.slice(0, 4)]).toEqual([1, 2, 1, 3]);
    expect([...facts.slice(12)].every((t) => t === 0)).toBe(true);
    expect([...enc.encodeQuestion(path('a', 'd', 3))]).toEqual([1, 4, 6 + 1 + 3]);
    expect([...enc.factAnswerClass(small)].every((c) => c === -1)).toBe(true);
    expect(enc.answerToClass(null)).toBe(4);
    expect(enc.classToAnswer(4)).toBeNull();
    expect(enc.answerToClass(4)).toBe(5); // longer than s: not an answer symbol
    expect(enc.answerToClass('a')).toBe(5);
  });
});
