import { describe, expect, it } from 'vitest';
import { UNKNOWN, type Answer } from '../../src/core/answer';
import { amplify, fullRecursion, hch } from '../../src/core/recursion';
import { createRng } from '../../src/core/rng';
import { resolveParams, type Params } from '../../src/core/task';
import {
  assignments as task,
  type AssignmentsContext,
  type AssignmentsQuestion,
} from '../../src/core/tasks/assignments';
import { solveFromJson } from '../independent/assignments';
import { driveWithReplies } from './drive-overseer';

type VarFact = { var: string; value?: number; args?: [string, string] };
type FFact = { f: [number, number]; value: number };

const workshop = resolveParams(task, 'workshop');
const paper = resolveParams(task, 'paper');

function contexts(params: Params, seed: number, count: number): AssignmentsContext[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => task.generateContext(rng, params));
}

/** A context's facts split by kind, from the export form. */
function exported(ctx: AssignmentsContext): { vars: VarFact[]; fs: FFact[] } {
  const facts = task.factsJson(ctx) as (VarFact | FFact)[];
  return {
    vars: facts.filter((f): f is VarFact => 'var' in f),
    fs: facts.filter((f): f is FFact => 'f' in f),
  };
}

/** A variable defined by f, and one that is a constant. */
function someVars(ctx: AssignmentsContext): { defined: string; constant: string } {
  const { vars } = exported(ctx);
  return { defined: vars.find((v) => v.args)!.var, constant: vars.find((v) => v.value !== undefined)!.var };
}

describe('assignments: presets and depth classes', () => {
  it('has at least three depth classes at the workshop preset, more at the paper preset', () => {
    expect(task.maxDepth(workshop)).toBe(4);
    expect(task.maxDepth(paper)).toBe(8);
    expect(workshop.n).toBe(12);
    expect(paper.n).toBe(64);
  });

  it('caps the depth classes at what n variables can hold', () => {
    // n = 4: two constants and two defined variables, so depths 1…3 at most.
    expect(task.maxDepth(resolveParams(task, 'workshop', 4))).toBe(3);
    expect(task.maxDepth(resolveParams(task, 'paper', 5))).toBe(4);
  });
});

describe('assignments: generated facts', () => {
  const cases: [string, Params][] = [
    ['workshop', workshop],
    ['paper', paper],
    ...[4, 5, 9, 16, 30].map((n): [string, Params] => [`n=${n}`, resolveParams(task, 'workshop', n)]),
    ...[4, 20, 50].map((n): [string, Params] => [`paper n=${n}`, resolveParams(task, 'paper', n)]),
  ];
  for (const [label, params] of cases) {
    it(`${label}: constants first, operands defined earlier, f covers exactly the entries used, every depth present`, () => {
      const n = params.n!;
      const k = Math.floor(Math.sqrt(n));
      const maxDepth = task.maxDepth(params);
      for (const ctx of contexts(params, 101 + n, 60)) {
        expect(task.validateContext(ctx, params)).toEqual([]);
        const { vars, fs } = exported(ctx);
        expect(vars.map((v) => v.var)).toEqual(Array.from({ length: n }, (_, i) => `v${i + 1}`));
        const value = new Map<string, number>();
        const depth = new Map<string, number>();
        const used = new Set<string>();
        const table = new Map(fs.map((f) => [`${f.f[0]},${f.f[1]}`, f.value]));
        expect(table.size).toBe(fs.length); // no entry twice
        for (const f of fs)
          for (const x of [...f.f, f.value]) expect(x >= 0 && x < k && Number.isInteger(x)).toBe(true);
        vars.forEach((v, i) => {
          if (i < k) {
            expect(v.args).toBeUndefined();
            expect(Number.isInteger(v.value) && v.value! >= 0 && v.value! < k).toBe(true);
            value.set(v.var, v.value!);
            depth.set(v.var, 1);
          } else {
            expect(v.value).toBeUndefined();
            expect(v.args).toHaveLength(2);
            // Only earlier variables: each operand already has a value.
            for (const a of v.args!) expect(value.has(a)).toBe(true);
            const key = `${value.get(v.args![0])},${value.get(v.args![1])}`;
            expect(table.has(key)).toBe(true);
            used.add(key);
            value.set(v.var, table.get(key)!);
            depth.set(v.var, 1 + Math.max(depth.get(v.args![0])!, depth.get(v.args![1])!));
          }
          expect(task.depth(ctx, { kind: 'value', v: v.var })).toBe(depth.get(v.var));
        });
        // Only the entries the instance needs.
        expect([...table.keys()].sort()).toEqual([...used].sort());
        // Every class 1…maxDepth, none deeper.
        expect([...new Set(depth.values())].sort((a, b) => a - b)).toEqual(
          Array.from({ length: maxDepth }, (_, i) => i + 1),
        );
      }
    });
  }

  it('validateContext reports broken contexts', () => {
    const [ctx] = contexts(workshop, 5, 1);
    const forward = structuredClone(ctx!);
    forward.defs[5] = { args: [0, 7] };
    expect(task.validateContext(forward, workshop).join()).toMatch(/not defined before/);
    const missing = structuredClone(ctx!);
    missing.f = missing.f.map(() => -1);
    expect(task.validateContext(missing, workshop).join()).toMatch(/needed but not given/);
    const constant = structuredClone(ctx!);
    constant.defs[0] = { args: [0, 0] };
    expect(task.validateContext(constant, workshop).length).toBeGreaterThan(0);
  });

  it('generates questions of the asked depth, uniform over depths otherwise', () => {
    const rng = createRng(3);
    const counts = new Map<number, number>();
    for (const ctx of contexts(workshop, 3, 50))
      for (let i = 0; i < 20; i++) {
        const q = task.generateQuestion(rng, ctx, workshop);
        expect(q.kind).toBe('value');
        const d = task.depth(ctx, q);
        counts.set(d, (counts.get(d) ?? 0) + 1);
      }
    expect([...counts.keys()].sort()).toEqual([1, 2, 3, 4]);
    for (const c of counts.values()) expect(c).toBeGreaterThan(180);
    const [ctx] = contexts(workshop, 4, 1);
    expect(() => task.generateQuestion(rng, ctx!, workshop, 9)).toThrow(/depth 9/);
  });
});

describe('assignments: the overseer', () => {
  const [ctx] = contexts(workshop, 17, 1) as [AssignmentsContext];
  const { defined, constant } = someVars(ctx);
  const [y, z] = exported(ctx).vars.find((v) => v.var === defined)!.args!;
  const valueOf = (v: string): number => task.solve(ctx, { kind: 'value', v }) as number;

  const drive = (v: string, replies: Answer[]) => driveWithReplies(task, ctx, { kind: 'value', v }, replies);

  it('asks first, second, the two values, then f; answers f', () => {
    const a = valueOf(y);
    const b = valueOf(z);
    const c = task.lookup(ctx, { kind: 'f', a, b });
    const { asked, answer } = drive(defined, [y, z, a, b, c]);
    expect(asked).toEqual([
      { kind: 'first', v: defined },
      { kind: 'second', v: defined },
      { kind: 'value', v: y },
      { kind: 'value', v: z },
      { kind: 'f', a, b },
    ]);
    expect(answer).toBe(valueOf(defined));
  });

  it('answers a constant from its first operand alone', () => {
    const c = valueOf(constant);
    expect(task.lookup(ctx, { kind: 'first', v: constant })).toBe(c);
    expect(task.lookup(ctx, { kind: 'second', v: constant })).toBe(c);
    expect(drive(constant, [c])).toEqual({ asked: [{ kind: 'first', v: constant }], answer: c });
  });

  it('answers ? when a subanswer has the wrong type', () => {
    const a = valueOf(y);
    const b = valueOf(z);
    const k = ctx.values;
    // The first operand is ? or not a variable.
    expect(drive(defined, [UNKNOWN]).answer).toBe(UNKNOWN);
    expect(drive(defined, ['v99']).answer).toBe(UNKNOWN);
    expect(drive(defined, [k]).answer).toBe(UNKNOWN); // a number that is not a value
    // The second operand is a value (where a name was needed) or ?.
    expect(drive(defined, [y, 0]).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, UNKNOWN]).answer).toBe(UNKNOWN);
    // A variable's value is a name, ?, out of range, or not an integer.
    expect(drive(defined, [y, z, 'v1']).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, z, UNKNOWN]).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, z, k]).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, z, a, 0.5]).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, z, a, 'v2']).answer).toBe(UNKNOWN);
    expect(drive(defined, [y, z, a, true]).answer).toBe(UNKNOWN);
    // The f entry is missing (?).
    expect(drive(defined, [y, z, a, b, UNKNOWN]).answer).toBe(UNKNOWN);
    // A constant whose lookup came back ?.
    expect(drive(constant, [UNKNOWN]).answer).toBe(UNKNOWN);
  });

  it('stops asking once a subanswer is wrong', () => {
    expect(drive(defined, [y, z, UNKNOWN, 0, 0]).asked).toHaveLength(3);
  });

  it('a lookup of an f entry that no fact gives is ?', () => {
    const missing = ctx.f.findIndex((c) => c < 0);
    expect(missing).toBeGreaterThanOrEqual(0); // 12 variables need at most 9 of the 9 entries; usually fewer
    const a = Math.floor(missing / ctx.values);
    const b = missing % ctx.values;
    expect(task.lookup(ctx, { kind: 'f', a, b })).toBe(UNKNOWN);
  });

  it('Amp(X) with a model that is wrong by one gives a value or ?, never crashes', () => {
    const wrong = (c: unknown, q: unknown): Answer =>
      ((task.solve(c as AssignmentsContext, q as AssignmentsQuestion) as number) + 1) % ctx.values;
    for (const v of ctx.names) {
      const answer = amplify(task, ctx, { kind: 'value', v }, wrong);
      expect(answer === UNKNOWN || (typeof answer === 'number' && answer >= 0 && answer < ctx.values)).toBe(
        true,
      );
    }
  });

  it('the full recursion of the deepest variable reaches the truth, with lookups as leaves', () => {
    const q = task.generateQuestion(createRng(1), ctx, workshop, 4);
    const root = fullRecursion(task, ctx, q);
    expect(root.answer).toBe(valueOf((q as { v: string }).v));
    expect(root.depth).toBe(4);
    expect(root.children.map((c) => c.by)).toEqual(['lookup', 'lookup', 'overseer', 'overseer', 'lookup']);
    expect(hch(task, ctx, q)).toBe(root.answer);
  });
});

describe('assignments: text and export forms', () => {
  const ctx: AssignmentsContext = {
    names: ['v1', 'v2', 'v3', 'v4'],
    values: 2,
    defs: [{ value: 1 }, { value: 0 }, { args: [0, 1] }, { args: [1, 2] }],
    f: [-1, 0, 1, -1], // f(0,1) = 0, f(1,0) = 1
  };
  const params = resolveParams(task, 'workshop', 4);

  it('hand-made context: valid, solved, depths', () => {
    expect(task.validateContext(ctx, params)).toEqual([]);
    expect(task.solve(ctx, { kind: 'value', v: 'v3' })).toBe(1);
    expect(task.solve(ctx, { kind: 'value', v: 'v4' })).toBe(0);
    expect([1, 2, 3, 4].map((i) => task.depth(ctx, { kind: 'value', v: `v${i}` }))).toEqual([1, 1, 2, 3]);
    expect(hch(task, ctx, { kind: 'value', v: 'v4' })).toBe(0);
  });

  it('text forms', () => {
    expect(task.questionText({ kind: 'value', v: 'v7' })).toBe('What is the value of v7?');
    expect(task.questionText({ kind: 'first', v: 'v7' })).toBe('What is the first operand of v7?');
    expect(task.questionText({ kind: 'second', v: 'v7' })).toBe('What is the second operand of v7?');
    expect(task.questionText({ kind: 'f', a: 2, b: 0 })).toBe('What is f(2, 0)?');
    expect(task.factTexts(ctx)).toEqual([
      'v1 := 1',
      'v2 := 0',
      'v3 := f(v1, v2)',
      'v4 := f(v2, v3)',
      'f(0, 1) = 0',
      'f(1, 0) = 1',
    ]);
    expect(task.answerText(2)).toBe('2');
    expect(task.answerText(UNKNOWN)).toMatch(/^\?/);
    const keys = new Set(
      [
        { kind: 'value', v: 'v1' },
        { kind: 'first', v: 'v1' },
        { kind: 'second', v: 'v1' },
        { kind: 'f', a: 1, b: 1 },
      ].map((q) => task.questionKey(q as AssignmentsQuestion)),
    );
    expect(keys.size).toBe(4);
  });

  it('export form', () => {
    expect(task.factsJson(ctx)).toEqual([
      { var: 'v1', value: 1 },
      { var: 'v2', value: 0 },
      { var: 'v3', args: ['v1', 'v2'] },
      { var: 'v4', args: ['v2', 'v3'] },
      { f: [0, 1], value: 0 },
      { f: [1, 0], value: 1 },
    ]);
    expect(task.questionJson({ kind: 'value', v: 'v7' })).toEqual({ var: 'v7' });
    expect(task.answerJson(2)).toBe(2);
    expect(solveFromJson(task.factsJson(ctx), { var: 'v4' })).toBe(0);
  });

  it('encoding: rows by kind, pointer classes for constants and f entries', () => {
    const enc = task.encoding(params);
    // n = 4: tokens 1…4 variables, 5…6 values.
    expect(enc.answerClasses).toBe(2);
    expect(enc.maxFacts).toBe(4 + 2);
    expect([...enc.encodeFacts(ctx)]).toEqual([1, 6, 0, 2, 5, 0, 3, 1, 2, 4, 2, 3, 5, 6, 5, 6, 5, 6]);
    expect([...enc.factAnswerClass(ctx)]).toEqual([1, 0, -1, -1, 0, 1]);
    const q = enc.encodeQuestion({ kind: 'value', v: 'v3' });
    expect(q).toHaveLength(enc.questionTokens);
    expect(q[1]).toBe(3);
    expect(enc.answerToClass('v1')).toBe(2);
    expect(enc.answerToClass(1)).toBe(1);
    expect(enc.classToAnswer(0)).toBe(0);
  });
});
