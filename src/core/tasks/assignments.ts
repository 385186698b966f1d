import { UNKNOWN, type Answer } from '../answer';
import { numberedNames } from '../names';
import type { Rng } from '../rng';
import type { Decomposition, Encoding, Params, Task } from '../task';

/** How one variable is defined: a constant value, or f applied to two earlier variables (indices). */
export type AssignmentDef = { value: number } | { args: [number, number] };

/**
 * Variables v1…vn defined in order; the first ⌊√n⌋ are constants over the values 0…values−1,
 * every later one is f(y, z) of two earlier ones.
 */
export interface AssignmentsContext {
  names: string[];
  /** How many values there are (⌊√n⌋): the values are 0 … values−1. */
  values: number;
  defs: AssignmentDef[];
  /** f(a, b) at index a·values + b, or −1 where that entry is not among the facts. */
  f: number[];
}

/**
 * "What is the value of v?" is the only non-primitive question. The primitives read one fact:
 * v's first or second operand (a name; for a constant, its value) and one entry of f.
 */
export type AssignmentsQuestion =
  | { kind: 'value'; v: string }
  | { kind: 'first'; v: string }
  | { kind: 'second'; v: string }
  | { kind: 'f'; a: number; b: number };

/** The number of constants, which is also the number of values. */
const constantCount = (n: number): number => Math.max(1, Math.floor(Math.sqrt(n)));

/**
 * Depth classes 1 … maxDepth. A chain of d − 1 defined variables above a constant has depth d, so
 * at most n − ⌊√n⌋ + 1 classes fit. The presets ask for fewer: each class is one more f-lookup
 * the model must chain inside itself, and amplification climbs one class per round, so the
 * workshop's 4 (of 10 that would fit in 12 variables) keeps more than three classes while a run
 * still converges in about a minute; the paper preset's 8 matches its 64 variables and 8 values.
 */
const maxDepth = (params: Params): number => {
  const n = params.n!;
  // At least 2 whenever there is a defined variable: it is always one class above a constant.
  return Math.min(Math.max(2, params.d!), n - constantCount(n) + 1);
};

const isConstant = (def: AssignmentDef): def is { value: number } => 'value' in def;

function indexOf(ctx: AssignmentsContext, name: unknown): number {
  return typeof name === 'string' ? ctx.names.indexOf(name) : -1;
}

const isValue = (ctx: AssignmentsContext, a: unknown): a is number =>
  typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < ctx.values;

/** Every variable's value, in order of definition (ground truth: no overseer involved). */
function evaluate(ctx: AssignmentsContext): number[] {
  const values: number[] = [];
  for (const def of ctx.defs) {
    if (isConstant(def)) values.push(def.value);
    else values.push(ctx.f[values[def.args[0]]! * ctx.values + values[def.args[1]]!]!);
  }
  return values;
}

/** Every variable's depth: 1 for a constant, else 1 + the larger depth of its operands. */
function depths(ctx: AssignmentsContext): number[] {
  const out: number[] = [];
  for (const def of ctx.defs)
    out.push(isConstant(def) ? 1 : 1 + Math.max(out[def.args[0]]!, out[def.args[1]]!));
  return out;
}

function lookup(ctx: AssignmentsContext, q: AssignmentsQuestion): number | string {
  if (q.kind === 'f') {
    // H may ask for an entry no fact gives (after a wrong subanswer): then it does not know.
    const c = isValue(ctx, q.a) && isValue(ctx, q.b) ? ctx.f[q.a * ctx.values + q.b]! : -1;
    return c < 0 ? UNKNOWN : c;
  }
  if (q.kind === 'value') throw new Error(`the value of ${q.v} is not a lookup`);
  const def = ctx.defs[indexOf(ctx, q.v)];
  if (!def) throw new Error(`no variable ${q.v}`);
  if (isConstant(def)) return def.value;
  return ctx.names[def.args[q.kind === 'first' ? 0 : 1]]!;
}

function* overseer(ctx: AssignmentsContext, q: AssignmentsQuestion): Decomposition<AssignmentsQuestion> {
  if (q.kind !== 'value') throw new Error(`${q.kind} is a lookup, not a question for H`);
  const y = yield { kind: 'first', v: q.v };
  if (isValue(ctx, y)) return y;
  if (indexOf(ctx, y) < 0) return UNKNOWN;
  const z = yield { kind: 'second', v: q.v };
  if (indexOf(ctx, z) < 0) return UNKNOWN;
  const a = yield { kind: 'value', v: y as string };
  if (!isValue(ctx, a)) return UNKNOWN;
  const b = yield { kind: 'value', v: z as string };
  if (!isValue(ctx, b)) return UNKNOWN;
  const c = yield { kind: 'f', a, b };
  return isValue(ctx, c) ? c : UNKNOWN;
}

/** The f entries given as facts, as [a, b, f(a, b)], in table order. */
function fEntries(ctx: AssignmentsContext): [number, number, number][] {
  const out: [number, number, number][] = [];
  ctx.f.forEach((c, i) => {
    if (c >= 0) out.push([Math.floor(i / ctx.values), i % ctx.values, c]);
  });
  return out;
}

function encoding(params: Params): Encoding<AssignmentsContext, AssignmentsQuestion> {
  const n = params.n!;
  const k = constantCount(n);
  // Tokens: 0 padding, 1…n variables, n+1…n+k values, then four question kinds.
  const variable = (i: number): number => 1 + i;
  const value = (c: number): number => 1 + n + c;
  const KIND = { value: 1 + n + k, first: 2 + n + k, second: 3 + n + k, f: 4 + n + k } as const;
  const names = numberedNames('v', n);
  // Rows of 3 tokens: a constant [v, c, 0], a definition [v, y, z], an f entry [a, b, f(a, b)].
  // Variables and values have distinct tokens, so the three kinds need no marker.
  const maxFacts = n + Math.min(k * k, n - k);
  return {
    vocabSize: 5 + n + k,
    maxFacts,
    factTokens: 3,
    questionTokens: 3,
    answerClasses: k,
    encodeFacts(ctx) {
      const out = new Int32Array(maxFacts * 3);
      ctx.defs.forEach((def, i) => {
        out[3 * i] = variable(i);
        if (isConstant(def)) out[3 * i + 1] = value(def.value);
        else {
          out[3 * i + 1] = variable(def.args[0]);
          out[3 * i + 2] = variable(def.args[1]);
        }
      });
      fEntries(ctx).forEach(([a, b, c], j) => {
        const row = 3 * (ctx.defs.length + j);
        out[row] = value(a);
        out[row + 1] = value(b);
        out[row + 2] = value(c);
      });
      return out;
    },
    encodeQuestion(q) {
      // [kind, v, 0] for a variable's value or operand, [kind, a, b] for an entry of f.
      if (q.kind === 'f') return Int32Array.of(KIND.f, value(q.a), value(q.b));
      return Int32Array.of(KIND[q.kind], names.indexOf(q.v) + 1, 0);
    },
    answerToClass(a) {
      return typeof a === 'number' && Number.isInteger(a) && a >= 0 && a < k ? a : k;
    },
    classToAnswer(c) {
      return c >= 0 && c < k ? c : UNKNOWN;
    },
    factAnswerClass(ctx) {
      const out = new Int32Array(maxFacts).fill(-1);
      ctx.defs.forEach((def, i) => {
        if (isConstant(def)) out[i] = def.value;
      });
      fEntries(ctx).forEach(([, , c], j) => {
        out[ctx.defs.length + j] = c;
      });
      return out;
    },
  };
}

export const assignments: Task<AssignmentsContext, AssignmentsQuestion, number | string> = {
  id: 'assignments',
  title: 'Sequential assignments',
  summary:
    'The facts define variables in order: the first few are constants, each later one is f of two earlier variables, with a table of f. The question asks the value of a variable.',
  presets: { workshop: { n: 12, d: 4 }, paper: { n: 64, d: 8 } },
  sizeParam: 'n',
  sizeRange: [4, 64],
  maxDepth,

  generateContext(rng: Rng, params: Params) {
    const n = params.n!;
    const k = constantCount(n);
    const top = maxDepth(params);
    const defs: AssignmentDef[] = [];
    const depth: number[] = [];
    for (let i = 0; i < k; i++) {
      defs.push({ value: rng.int(k) });
      depth.push(1);
    }
    // Each later variable gets a depth from 2 to one past the deepest so far (capped at the top
    // class), forced upward when just enough variables remain to reach the top: so every context
    // holds every class 1…top and none deeper. One operand comes from the class just below.
    let deepest = 1;
    for (let i = k; i < n; i++) {
      const d = n - i <= top - deepest ? deepest + 1 : rng.range(2, Math.min(deepest + 1, top));
      const below: number[] = [];
      const upTo: number[] = [];
      depth.forEach((e, j) => {
        if (e === d - 1) below.push(j);
        if (e <= d - 1) upTo.push(j);
      });
      const y = rng.pick(below);
      const z = rng.pick(upTo);
      defs.push({ args: rng.int(2) === 0 ? [y, z] : [z, y] });
      depth.push(d);
      deepest = Math.max(deepest, d);
    }
    // f is a random table over the values; the facts give the entries the variables use.
    const table = Array.from({ length: k * k }, () => rng.int(k));
    const ctx: AssignmentsContext = {
      names: numberedNames('v', n),
      values: k,
      defs,
      f: new Array<number>(k * k).fill(-1),
    };
    const values: number[] = [];
    for (const def of defs) {
      if (isConstant(def)) values.push(def.value);
      else {
        const entry = values[def.args[0]]! * k + values[def.args[1]]!;
        ctx.f[entry] = table[entry]!;
        values.push(table[entry]!);
      }
    }
    return ctx;
  },
  generateQuestion(rng, ctx, params, depth) {
    const d = depth ?? rng.range(1, maxDepth(params));
    const varDepths = depths(ctx);
    const candidates = ctx.names.filter((_, i) => varDepths[i] === d);
    if (candidates.length === 0) throw new RangeError(`no variable of depth ${d} in this context`);
    return { kind: 'value', v: rng.pick(candidates) };
  },
  validateContext(ctx, params) {
    const problems: string[] = [];
    const n = params.n!;
    const k = constantCount(n);
    if (ctx.defs.length !== n || ctx.names.length !== n)
      return [`${ctx.defs.length} definitions and ${ctx.names.length} names, expected ${n}`];
    if (ctx.names.join() !== numberedNames('v', n).join()) problems.push('the variables are not v1…vn');
    if (ctx.values !== k) problems.push(`${ctx.values} values, expected ${k}`);
    if (ctx.f.length !== k * k) return [...problems, `f has ${ctx.f.length} slots, expected ${k * k}`];
    if (ctx.f.some((c) => !(c === -1 || isValue(ctx, c)))) problems.push('f has an entry outside the values');
    ctx.defs.forEach((def, i) => {
      if (i < k !== isConstant(def))
        problems.push(`${ctx.names[i]} should ${i < k ? '' : 'not '}be a constant`);
      if (isConstant(def) && !isValue(ctx, def.value))
        problems.push(`${ctx.names[i]} := ${def.value} is not a value`);
      if (!isConstant(def) && def.args.some((j) => !(Number.isInteger(j) && j >= 0 && j < i)))
        problems.push(`${ctx.names[i]} uses a variable not defined before it`);
    });
    if (problems.length > 0) return problems;
    const values: number[] = [];
    for (const def of ctx.defs) {
      if (isConstant(def)) values.push(def.value);
      else {
        const c = ctx.f[values[def.args[0]]! * k + values[def.args[1]]!]!;
        if (c < 0) return [`f(${values[def.args[0]]}, ${values[def.args[1]]}) is needed but not given`];
        values.push(c);
      }
    }
    const present = new Set(depths(ctx));
    const top = maxDepth(params);
    for (let d = 1; d <= top; d++) if (!present.has(d)) problems.push(`no variable of depth ${d}`);
    if (Math.max(...present) > top) problems.push(`a variable is deeper than ${top}`);
    return problems;
  },

  solve(ctx, q) {
    if (q.kind !== 'value') return lookup(ctx, q);
    const i = indexOf(ctx, q.v);
    if (i < 0) throw new Error(`no variable ${q.v}`);
    return evaluate(ctx)[i]!;
  },
  depth: (ctx, q) => (q.kind === 'value' ? depths(ctx)[indexOf(ctx, q.v)]! : 0),

  isPrimitive: (q) => q.kind !== 'value',
  lookup,
  overseer,

  questionText(q) {
    switch (q.kind) {
      case 'value':
        return `What is the value of ${q.v}?`;
      case 'first':
        return `What is the first operand of ${q.v}?`;
      case 'second':
        return `What is the second operand of ${q.v}?`;
      case 'f':
        return `What is f(${q.a}, ${q.b})?`;
    }
  },
  answerText: (a: Answer) => (a === UNKNOWN ? "? (don't know)" : String(a)),
  factTexts: (ctx) => [
    ...ctx.defs.map((def, i) =>
      isConstant(def)
        ? `${ctx.names[i]} := ${def.value}`
        : `${ctx.names[i]} := f(${ctx.names[def.args[0]]}, ${ctx.names[def.args[1]]})`,
    ),
    ...fEntries(ctx).map(([a, b, c]) => `f(${a}, ${b}) = ${c}`),
  ],
  questionKey: (q) => (q.kind === 'f' ? `f(${q.a},${q.b})` : q.kind === 'value' ? q.v : `${q.kind} ${q.v}`),

  factsJson: (ctx) => [
    ...ctx.defs.map((def, i) =>
      isConstant(def)
        ? { var: ctx.names[i], value: def.value }
        : { var: ctx.names[i], args: [ctx.names[def.args[0]], ctx.names[def.args[1]]] },
    ),
    ...fEntries(ctx).map(([a, b, c]) => ({ f: [a, b], value: c })),
  ],
  questionJson: (q) => {
    switch (q.kind) {
      case 'value':
        return { var: q.v };
      case 'first':
        return { first: q.v };
      case 'second':
        return { second: q.v };
      case 'f':
        return { f: [q.a, q.b] };
    }
  },
  answerJson: (a) => a,

  encoding,
};
