import { UNKNOWN, type Answer } from '../answer';
import { numberedNames } from '../names';
import type { Rng } from '../rng';
import type { Decomposition, Encoding, Params, Task } from '../task';

/** Equalities e_1 … e_T: equalities[t − 1] = [u, v] are the indices in names of e_t's two sides. */
export interface UnionFindContext {
  names: string[];
  equalities: [number, number][];
}

/**
 * "Are a and b connected by the first t equalities?" (t = 0 is the primitive that compares two
 * names), or the primitive "what is e_t?".
 */
export type UnionFindQuestion =
  { kind: 'connected'; a: string; b: string; t: number } | { kind: 'equality'; t: number };

/** A yes/no answer; the string "x2=x5" only as the answer to "what is e_t?". */
export type UnionFindValue = boolean | string;

function index(ctx: UnionFindContext, name: unknown): number {
  return typeof name === 'string' ? ctx.names.indexOf(name) : -1;
}

/** The answer to "what is e_t?": its two sides joined by "=". */
const equalityValue = (ctx: UnionFindContext, t: number): string => {
  const [u, v] = ctx.equalities[t - 1]!;
  return `${ctx.names[u]}=${ctx.names[v]}`;
};

/** The two sides of an answer to "what is e_t?", or null when it is not one. */
function sides(ctx: UnionFindContext, a: Answer): [string, string] | null {
  if (typeof a !== 'string') return null;
  const parts = a.split('=');
  return parts.length === 2 && index(ctx, parts[0]) >= 0 && index(ctx, parts[1]) >= 0
    ? [parts[0]!, parts[1]!]
    : null;
}

function* overseer(ctx: UnionFindContext, q: UnionFindQuestion): Decomposition<UnionFindQuestion> {
  if (q.kind !== 'connected' || q.t < 1) throw new Error(`${questionText(q)} is a lookup`);
  const e = sides(ctx, yield { kind: 'equality', t: q.t });
  if (!e) return UNKNOWN;
  const [u, v] = e;
  const t = q.t - 1;
  // Connected already, or through e_t one way round, or the other; stop at the first yes.
  const routes: [string, string][][] = [
    [[q.a, q.b]],
    [
      [q.a, u],
      [v, q.b],
    ],
    [
      [q.a, v],
      [u, q.b],
    ],
  ];
  for (const route of routes) {
    let connected = true;
    for (const [a, b] of route) {
      const answer = yield { kind: 'connected', a, b, t };
      if (typeof answer !== 'boolean') return UNKNOWN;
      if (!answer) {
        connected = false;
        break;
      }
    }
    if (connected) return true;
  }
  return false;
}

/** The five connections H may ask after reading e_t (it stops at the first route found). */
function subquestionsAhead(ctx: UnionFindContext, q: UnionFindQuestion): UnionFindQuestion[] {
  if (q.kind !== 'connected' || q.t < 1) return [];
  const e = sides(ctx, equalityValue(ctx, q.t));
  if (!e) return [];
  const [u, v] = e;
  const t = q.t - 1;
  return (
    [
      [q.a, q.b],
      [q.a, u],
      [v, q.b],
      [q.a, v],
      [u, q.b],
    ] as const
  ).map(([a, b]) => ({ kind: 'connected', a, b, t }));
}

/** components[i]: a representative of names[i]'s class after the first t equalities. */
function components(ctx: UnionFindContext, t: number): number[] {
  const parent = ctx.names.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const [u, v] of ctx.equalities.slice(0, t)) parent[find(u)] = find(v);
  return parent.map((_, i) => find(i));
}

function questionText(q: UnionFindQuestion): string {
  if (q.kind === 'equality') return `What is e${q.t}?`;
  if (q.t === 0) return `Are ${q.a} and ${q.b} the same variable?`;
  return `Are ${q.a} and ${q.b} connected by the first ${q.t === 1 ? 'equality' : `${q.t} equalities`}?`;
}

function encoding(params: Params): Encoding<UnionFindContext, UnionFindQuestion> {
  const n = params.n!;
  const T = params.T!;
  // Tokens: 0 padding, 1…n variables, n+1…n+1+T the count t = 0…T. Classes: 0 no, 1 yes.
  const names = numberedNames('x', n);
  return {
    vocabSize: n + T + 2,
    maxFacts: T,
    factTokens: 3,
    questionTokens: 3,
    answerClasses: 2,
    encodeFacts(ctx) {
      const out = new Int32Array(T * 3);
      ctx.equalities.forEach(([u, v], i) => {
        out[3 * i] = n + 2 + i;
        out[3 * i + 1] = u + 1;
        out[3 * i + 2] = v + 1;
      });
      return out;
    },
    encodeQuestion(q) {
      if (q.kind !== 'connected') throw new Error(`${questionText(q)} is a lookup, never encoded`);
      return Int32Array.of(names.indexOf(q.a) + 1, names.indexOf(q.b) + 1, n + 1 + q.t);
    },
    answerToClass(a) {
      return a === true ? 1 : a === false ? 0 : 2;
    },
    classToAnswer(c) {
      return c === 1 ? true : c === 0 ? false : UNKNOWN;
    },
    factAnswerClass() {
      return new Int32Array(T).fill(-1);
    },
  };
}

export const unionFind: Task<UnionFindContext, UnionFindQuestion, UnionFindValue> = {
  id: 'union-find',
  title: 'Union find',
  summary:
    'The facts are numbered equalities between variables, e1: x2 = x5, … The question asks whether two variables are linked by a chain of the first t equalities.',
  // Workshop T 6 → 3 (depths 1…3): at T=6 X ended at 76% after 100 s (depths 4–6 at 57–73%), at T=4 at 87% after 490k examples; T=3 reaches 95% after ~200–310k.
  presets: { workshop: { n: 8, T: 3 }, paper: { n: 64, T: 10 } },
  sizeParam: 'n',
  sizeRange: [2, 64],
  maxDepth: (params) => params.T!,

  generateContext(rng: Rng, params: Params) {
    const n = params.n!;
    const equalities = Array.from({ length: params.T! }, (): [number, number] => {
      const u = rng.int(n);
      const v = (u + 1 + rng.int(n - 1)) % n;
      return [u, v];
    });
    return { names: numberedNames('x', n), equalities };
  },
  generateQuestion(rng, ctx, params, depth) {
    const t = depth ?? rng.range(1, params.T!);
    const parts = components(ctx, t);
    const pairs: [number, number][][] = [[], []];
    for (let a = 0; a < parts.length; a++)
      for (let b = 0; b < parts.length; b++) if (a !== b) pairs[parts[a] === parts[b] ? 1 : 0]!.push([a, b]);
    // Yes or no with even odds where both exist (t ≥ 1 always links e_1's two sides).
    const want = rng.int(2);
    const [a, b] = rng.pick(pairs[want]!.length > 0 ? pairs[want]! : pairs[1 - want]!);
    return { kind: 'connected', a: ctx.names[a]!, b: ctx.names[b]!, t };
  },
  validateContext(ctx, params) {
    const problems: string[] = [];
    const n = params.n!;
    if (ctx.names.length !== n) problems.push(`there are ${ctx.names.length} variables, expected ${n}`);
    if (ctx.equalities.length !== params.T)
      problems.push(`there are ${ctx.equalities.length} equalities, expected ${params.T}`);
    ctx.equalities.forEach(([u, v], i) => {
      if (![u, v].every((x) => Number.isInteger(x) && x >= 0 && x < ctx.names.length))
        problems.push(`e${i + 1} names no variable`);
      else if (u === v) problems.push(`e${i + 1} equates ${ctx.names[u]} with itself`);
    });
    return problems;
  },

  solve(ctx, q) {
    if (q.kind === 'equality') return equalityValue(ctx, q.t);
    const parts = components(ctx, q.t);
    return parts[ctx.names.indexOf(q.a)] === parts[ctx.names.indexOf(q.b)];
  },
  depth: (_ctx, q) => (q.kind === 'connected' ? q.t : 0),

  isPrimitive: (q) => q.kind === 'equality' || q.t === 0,
  lookup(ctx, q) {
    if (q.kind === 'equality') return equalityValue(ctx, q.t);
    if (q.t !== 0) throw new Error(`${questionText(q)} is not a lookup`);
    return q.a === q.b;
  },
  overseer,
  subquestionsAhead,

  questionText,
  answerText: (a: Answer) =>
    a === UNKNOWN
      ? "? (don't know)"
      : typeof a === 'boolean'
        ? a
          ? 'yes'
          : 'no'
        : String(a).replace('=', ' = '),
  factTexts: (ctx) => ctx.equalities.map(([u, v], i) => `e${i + 1}: ${ctx.names[u]} = ${ctx.names[v]}`),
  questionKey: (q) => (q.kind === 'equality' ? `e${q.t}` : `${q.a}~${q.b}@${q.t}`),

  factsJson: (ctx) => ctx.equalities.map(([u, v], i) => ({ t: i + 1, a: ctx.names[u], b: ctx.names[v] })),
  questionJson: (q) => (q.kind === 'equality' ? { equality: q.t } : { a: q.a, b: q.b, t: q.t }),
  answerJson: (a) => a,

  encoding,
};
