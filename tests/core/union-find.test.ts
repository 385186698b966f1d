import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { numberedNames } from '../../src/core/names';
import { fullRecursion, hch, type TraceNode } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { PRESET_NAMES, resolveParams } from '../../src/core/task';
import { unionFind, type UnionFindContext, type UnionFindQuestion } from '../../src/core/tasks/union-find';
import { driveWith } from './drive-overseer';

const task = unionFind;
const connected = (a: string, b: string, t: number): UnionFindQuestion => ({ kind: 'connected', a, b, t });
const equality = (t: number): UnionFindQuestion => ({ kind: 'equality', t });

/** e1: x1 = x2, e2: x3 = x4, e3: x2 = x3, e4: x5 = x6 over x1…x6. */
const small: UnionFindContext = {
  names: numberedNames('x', 6),
  equalities: [
    [0, 1],
    [2, 3],
    [1, 2],
    [4, 5],
  ],
};

const levels = (node: TraceNode): number =>
  node.by === 'lookup' ? 0 : 1 + Math.max(0, ...node.children.map(levels));

const drive = (ctx: UnionFindContext, q: UnionFindQuestion, answer: (sub: UnionFindQuestion) => Answer) =>
  driveWith(task, ctx, q, answer);

describe('union-find', () => {
  for (const preset of PRESET_NAMES) {
    const params = resolveParams(task, preset);
    const { n, T } = params as { n: number; T: number };

    it(`${preset}: ${T} equalities e1…e${T} between two different variables of x1…x${n}`, () => {
      const rng = createRng(201);
      const names = numberedNames('x', n);
      const used = new Set<string>();
      for (let i = 0; i < 100; i++) {
        const ctx = task.generateContext(rng, params);
        expect(task.validateContext(ctx, params)).toEqual([]);
        const facts = task.factsJson(ctx) as { t: number; a: string; b: string }[];
        expect(facts.map((f) => f.t)).toEqual(Array.from({ length: T }, (_, j) => j + 1));
        for (const f of facts) {
          expect(names).toContain(f.a);
          expect(names).toContain(f.b);
          expect(f.a).not.toBe(f.b);
          used.add(f.a).add(f.b);
        }
        expect(task.factTexts(ctx)).toHaveLength(T);
        for (let d = 1; d <= T; d++) {
          const q = task.generateQuestion(rng, ctx, params, d);
          expect(q).toMatchObject({ kind: 'connected', t: d });
          if (q.kind === 'connected') {
            expect(names).toContain(q.a);
            expect(names).toContain(q.b);
            expect(q.a).not.toBe(q.b);
          }
        }
      }
      expect(used.size).toBe(n); // every variable turns up somewhere
    });

    it(`${preset}: yes and no are both common at every depth`, () => {
      const rng = createRng(202);
      for (let d = 1; d <= T; d++) {
        let yes = 0;
        const count = 200;
        for (let i = 0; i < count; i++) {
          const ctx = task.generateContext(rng, params);
          if (task.solve(ctx, task.generateQuestion(rng, ctx, params, d)) === true) yes++;
        }
        expect(yes / count).toBeGreaterThan(0.35);
        expect(yes / count).toBeLessThan(0.65);
      }
    });
  }

  it('validateContext catches bad equalities', () => {
    const params = resolveParams(task, 'workshop');
    const ctx = (equalities: [number, number][]) => ({ names: numberedNames('x', 8), equalities });
    const three: [number, number][] = Array.from({ length: 3 }, () => [0, 1]);
    expect(task.validateContext(ctx(three), params)).toEqual([]);
    expect(task.validateContext(ctx(three.slice(1)), params).join()).toMatch(/2 equalities, expected 3/);
    expect(task.validateContext(ctx([...three.slice(1), [3, 3]]), params).join()).toMatch(
      /e3 equates x4 with itself/,
    );
    expect(task.validateContext(ctx([...three.slice(1), [3, 8]]), params).join()).toMatch(
      /e3 names no variable/,
    );
  });

  it('lookups and ground truth on a small context', () => {
    expect(task.lookup(small, equality(3))).toBe('x2=x3');
    expect(task.lookup(small, connected('x4', 'x4', 0))).toBe(true);
    expect(task.lookup(small, connected('x4', 'x1', 0))).toBe(false);
    expect(task.isPrimitive(equality(1))).toBe(true);
    expect(task.isPrimitive(connected('x4', 'x1', 0))).toBe(true);
    expect(task.isPrimitive(connected('x4', 'x1', 1))).toBe(false);
    expect(() => task.lookup(small, connected('x4', 'x1', 1))).toThrow();
    expect(task.solve(small, connected('x1', 'x4', 2))).toBe(false);
    expect(task.solve(small, connected('x1', 'x4', 3))).toBe(true);
    expect(task.solve(small, connected('x4', 'x1', 4))).toBe(true);
    expect(task.solve(small, connected('x1', 'x5', 4))).toBe(false);
    expect(task.solve(small, connected('x6', 'x5', 4))).toBe(true);
  });

  it('H: yes if already connected, else through e_t one way round, else the other', () => {
    const truth = (sub: UnionFindQuestion): Answer => task.solve(small, sub);
    // Already connected: one subquestion after the lookup, then stop.
    expect(drive(small, connected('x1', 'x2', 3), truth)).toEqual({
      result: true,
      asked: [equality(3), connected('x1', 'x2', 2)],
    });
    // x1 ~ x2 (u) and x3 (v) ~ x4 through e3 = x2 = x3.
    expect(drive(small, connected('x1', 'x4', 3), truth)).toEqual({
      result: true,
      asked: [equality(3), connected('x1', 'x4', 2), connected('x1', 'x2', 2), connected('x3', 'x4', 2)],
    });
    // The other way round: x4 ~ x3 (v), x2 (u) ~ x1.
    expect(drive(small, connected('x4', 'x1', 3), truth)).toEqual({
      result: true,
      asked: [
        equality(3),
        connected('x4', 'x1', 2),
        connected('x4', 'x2', 2),
        connected('x4', 'x3', 2),
        connected('x2', 'x1', 2),
      ],
    });
    expect(drive(small, connected('x1', 'x5', 3), truth).result).toBe(false);
  });

  it('the ? rule: a subanswer that is not a boolean makes H answer ?', () => {
    for (const wrong of [UNKNOWN, 0, 1, null, 'x1', 'x2=x3']) {
      expect(drive(small, connected('x1', 'x4', 3), () => wrong).result).toBe(UNKNOWN);
      // Wrong only at the third subquestion, after two good ones.
      let calls = 0;
      const late = drive(small, connected('x1', 'x4', 3), () =>
        ++calls === 3 ? wrong : calls === 1 ? false : true,
      );
      expect(late.result).toBe(UNKNOWN);
    }
    // "What is e_t?" answered with something that is not an equality between two variables.
    for (const wrong of [UNKNOWN, true, 3, null, 'x2', 'x2=x9', 'x1=x2=x3']) {
      const run = task.overseer(small, connected('x1', 'x4', 3));
      expect(run.next(UNKNOWN).value).toEqual(equality(3));
      expect(run.next(wrong)).toEqual({ done: true, value: UNKNOWN });
    }
  });

  it('depth is t, and the height of the full recursion', () => {
    const params = resolveParams(task, 'workshop');
    const rng = createRng(203);
    for (let i = 0; i < 30; i++) {
      const ctx = task.generateContext(rng, params);
      const q = connected(rng.pick(ctx.names), rng.pick(ctx.names), rng.range(1, params.T!));
      const tree = fullRecursion(task, ctx, q);
      expect(levels(tree)).toBe(task.depth(ctx, q));
      expect(task.depth(ctx, q)).toBe(q.kind === 'connected' ? q.t : -1);
      expect(tree.answer).toBe(task.solve(ctx, q));
      expect(hch(task, ctx, q)).toBe(task.solve(ctx, q));
    }
  });

  it('text forms', () => {
    expect(task.questionText(connected('x1', 'x5', 4))).toBe(
      'Are x1 and x5 connected by the first 4 equalities?',
    );
    expect(task.questionText(connected('x1', 'x5', 1))).toBe(
      'Are x1 and x5 connected by the first equality?',
    );
    expect(task.questionText(connected('x1', 'x5', 0))).toBe('Are x1 and x5 the same variable?');
    expect(task.questionText(equality(3))).toBe('What is e3?');
    expect(task.answerText(true)).toBe('yes');
    expect(task.answerText(false)).toBe('no');
    expect(task.answerText('x2=x3')).toBe('x2 = x3');
    expect(task.answerText(UNKNOWN)).toBe("? (don't know)");
    expect(task.factTexts(small)[2]).toBe('e3: x2 = x3');
    expect(task.questionKey(connected('x1', 'x5', 4))).not.toBe(task.questionKey(connected('x5', 'x1', 4)));
    expect(task.questionKey(equality(1))).not.toBe(task.questionKey(equality(2)));
  });

  it('export form matches DESIGN.md', () => {
    expect(task.factsJson(small)).toEqual([
      { t: 1, a: 'x1', b: 'x2' },
      { t: 2, a: 'x3', b: 'x4' },
      { t: 3, a: 'x2', b: 'x3' },
      { t: 4, a: 'x5', b: 'x6' },
    ]);
    expect(task.questionJson(connected('x1', 'x5', 4))).toEqual({ a: 'x1', b: 'x5', t: 4 });
    expect(task.answerJson(true)).toBe(true);
  });

  it('the encoding: one row (t, u, v) per equality, the question as a, b, t', () => {
    const enc = task.encoding({ n: 6, T: 4 });
    expect([...enc.encodeFacts(small)]).toEqual([8, 1, 2, 9, 3, 4, 10, 2, 3, 11, 5, 6]);
    expect([...enc.encodeQuestion(connected('x1', 'x5', 4))]).toEqual([1, 5, 11]);
    expect(enc.vocabSize).toBe(12);
    expect(enc.answerClasses).toBe(2);
    expect([enc.answerToClass(false), enc.answerToClass(true), enc.answerToClass('x1=x2')]).toEqual([
      0, 1, 2,
    ]);
    expect([...enc.factAnswerClass(small)]).toEqual([-1, -1, -1, -1]);
  });
});
