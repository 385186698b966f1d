import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { fullRecursion, hch } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams, type Params } from '../../src/core/task';
import { wildcard as task, type WildcardContext } from '../../src/core/tasks/wildcard';
import { solveFromJson } from '../independent/wildcard';
import { driveWithReplies } from './drive-overseer';

const workshop = resolveParams(task, 'workshop');
const paper = resolveParams(task, 'paper');

function contexts(params: Params, seed: number, count: number): WildcardContext[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => task.generateContext(rng, params));
}

describe('wildcard: presets and depth classes', () => {
  it('workshop: 8 strings of 4 bits, depths 1…4; paper: 64 strings of 8 bits, depths 1…8', () => {
    expect(workshop).toMatchObject({ m: 8, L: 4 });
    expect(paper).toMatchObject({ m: 64, L: 8 });
    expect(task.maxDepth(workshop)).toBe(4);
    expect(task.maxDepth(paper)).toBe(8);
  });

  it('longer strings when the size asks for more than 2^L of them', () => {
    expect(task.maxDepth(resolveParams(task, 'workshop', 16))).toBe(4);
    expect(task.maxDepth(resolveParams(task, 'workshop', 17))).toBe(5);
    expect(task.maxDepth(resolveParams(task, 'workshop', 64))).toBe(6);
    expect(task.maxDepth(resolveParams(task, 'paper', 2))).toBe(8);
  });
});

describe('wildcard: generated facts and questions', () => {
  const cases: [string, Params][] = [
    ['workshop', workshop],
    ['paper', paper],
    ...[2, 16, 17, 64].map((m): [string, Params] => [`m=${m}`, resolveParams(task, 'workshop', m)]),
    ['paper m=2', resolveParams(task, 'paper', 2)],
  ];
  for (const [label, params] of cases) {
    it(`${label}: m distinct strings of the right length, values ±1`, () => {
      const L = task.maxDepth(params);
      for (const ctx of contexts(params, 40 + params.m!, 50)) {
        expect(task.validateContext(ctx, params)).toEqual([]);
        const facts = task.factsJson(ctx) as { pattern: string; value: number }[];
        expect(facts).toHaveLength(params.m!);
        expect(new Set(facts.map((f) => f.pattern)).size).toBe(params.m!);
        for (const f of facts) {
          expect(f.pattern).toMatch(new RegExp(`^[01]{${L}}$`));
          expect([1, -1]).toContain(f.value);
        }
      }
    });
  }

  it('the values are not all alike, and the strings vary between contexts', () => {
    const all = contexts(workshop, 9, 20);
    const values = all.flatMap((c) => c.facts.map((f) => f.value));
    expect(values.filter((v) => v === 1).length).toBeGreaterThan(values.length / 4);
    expect(values.filter((v) => v === -1).length).toBeGreaterThan(values.length / 4);
    expect(new Set(all.map((c) => c.facts.map((f) => f.bits).join())).size).toBeGreaterThan(15);
  });

  it('a question of depth d has d wildcards and the strings’ length', () => {
    const rng = createRng(2);
    for (const params of [workshop, paper]) {
      const [ctx] = contexts(params, 2, 1);
      const L = task.maxDepth(params);
      for (let d = 1; d <= L; d++)
        for (let i = 0; i < 10; i++) {
          const q = task.generateQuestion(rng, ctx!, params, d);
          expect(q.pattern).toMatch(new RegExp(`^[01*]{${L}}$`));
          expect([...q.pattern].filter((c) => c === '*')).toHaveLength(d);
          expect(task.depth(ctx!, q)).toBe(d);
          expect(task.isPrimitive(q)).toBe(false);
        }
      expect(() => task.generateQuestion(rng, ctx!, params, L + 1)).toThrow();
    }
  });
});

describe('wildcard: the overseer', () => {
  const ctx: WildcardContext = {
    length: 4,
    facts: [
      { bits: '0000', value: 1 },
      { bits: '0010', value: -1 },
      { bits: '0011', value: 1 },
      { bits: '1010', value: 1 },
    ],
  };

  const drive = (pattern: string, replies: Answer[]) => driveWithReplies(task, ctx, { pattern }, replies);

  it('splits the first * into 0 and 1 and adds', () => {
    expect(drive('*0*0', [2, -3])).toEqual({ asked: [{ pattern: '00*0' }, { pattern: '10*0' }], answer: -1 });
  });

  it('answers ? when a subanswer is not an integer', () => {
    expect(drive('*0*0', [UNKNOWN]).answer).toBe(UNKNOWN);
    expect(drive('*0*0', [UNKNOWN]).asked).toHaveLength(1);
    expect(drive('*0*0', [1, UNKNOWN]).answer).toBe(UNKNOWN);
    expect(drive('*0*0', ['a', 1]).answer).toBe(UNKNOWN);
    expect(drive('*0*0', [1, 'x1']).answer).toBe(UNKNOWN);
    expect(drive('*0*0', [0.5, 1]).answer).toBe(UNKNOWN);
    expect(drive('*0*0', [1, null]).answer).toBe(UNKNOWN);
    expect(drive('*0*0', [true, 1]).answer).toBe(UNKNOWN);
  });

  it('lookups: a string’s value, 0 when absent', () => {
    expect(task.isPrimitive({ pattern: '0010' })).toBe(true);
    expect(task.lookup(ctx, { pattern: '0010' })).toBe(-1);
    expect(task.lookup(ctx, { pattern: '1111' })).toBe(0);
    expect(() => task.lookup(ctx, { pattern: '1*11' })).toThrow();
  });

  it('ground truth, HCH and the full recursion agree on a hand-made context', () => {
    const cases: [string, number][] = [
      ['00**', 1],
      ['**10', 0],
      ['*0*0', 1],
      ['****', 2],
      ['1***', 1],
      ['11**', 0],
    ];
    for (const [pattern, sum] of cases) {
      expect(task.solve(ctx, { pattern })).toBe(sum);
      expect(hch(task, ctx, { pattern })).toBe(sum);
      expect(solveFromJson(task.factsJson(ctx), { pattern })).toBe(sum);
    }
    const root = fullRecursion(task, ctx, { pattern: '****' });
    expect(root.depth).toBe(4);
    expect(root.children.map((c) => c.key)).toEqual(['0***', '1***']);
    let leaves = 0;
    const visit = (node: typeof root): void => {
      if (node.by === 'lookup') leaves++;
      node.children.forEach(visit);
    };
    visit(root);
    expect(leaves).toBe(16);
  });
});

describe('wildcard: text, export and encoding', () => {
  const ctx: WildcardContext = {
    length: 4,
    facts: [
      { bits: '0110', value: 1 },
      { bits: '1001', value: -1 },
    ],
  };

  it('text forms', () => {
    expect(task.questionText({ pattern: '0*1*' })).toBe('Sum of the values matching 0*1*?');
    expect(task.questionText({ pattern: '0110' })).toBe('What is the value of 0110?');
    expect(task.factTexts(ctx)).toEqual(['0110 has value +1', '1001 has value -1']);
    expect(task.answerText(-2)).toBe('-2');
    expect(task.answerText(UNKNOWN)).toMatch(/^\?/);
  });

  it('export form', () => {
    expect(task.factsJson(ctx)).toEqual([
      { pattern: '0110', value: 1 },
      { pattern: '1001', value: -1 },
    ]);
    expect(task.questionJson({ pattern: '0*1*' })).toEqual({ pattern: '0*1*' });
    expect(task.answerJson(-1)).toBe(-1);
  });

  it('encoding: position-specific bit tokens, value classes −m…m', () => {
    const params = resolveParams(task, 'workshop', 2);
    const enc = task.encoding(params);
    expect(enc.answerClasses).toBe(5);
    expect(enc.factTokens).toBe(5);
    // Position i, symbol s → 1 + 3i + s; −1 → 13, +1 → 14.
    expect([...enc.encodeFacts(ctx)]).toEqual([1, 5, 8, 10, 14, 2, 4, 7, 11, 13]);
    expect([...enc.encodeQuestion({ pattern: '0*1*' })]).toEqual([1, 6, 8, 12]);
    expect([...enc.factAnswerClass(ctx)]).toEqual([3, 1]);
    for (let v = -2; v <= 2; v++) expect(enc.classToAnswer(enc.answerToClass(v))).toBe(v);
    expect(enc.answerToClass(3)).toBe(5);
    expect(enc.answerToClass('a')).toBe(5);
  });
});
