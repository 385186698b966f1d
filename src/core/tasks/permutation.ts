import { UNKNOWN, type Answer } from '../answer';
import { letterNames } from '../names';
import type { Rng } from '../rng';
import type { Decomposition, Encoding, Params, Task } from '../task';

/** σ as a table: sigma[i] is the index of σ(names[i]). */
export interface PermutationContext {
  names: string[];
  sigma: number[];
}

/** "What is σ^k(x)?"; k = 1 is the primitive (a lookup). */
export interface PermutationQuestion {
  x: string;
  k: number;
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';
const superscript = (k: number): string => [...String(k)].map((d) => SUPERSCRIPT_DIGITS[Number(d)]).join('');

const bitLength = (k: number): number => (k <= 0 ? 0 : Math.floor(Math.log2(k)) + 1);

function index(ctx: PermutationContext, name: unknown): number {
  return typeof name === 'string' ? ctx.names.indexOf(name) : -1;
}

function* overseer(ctx: PermutationContext, q: PermutationQuestion): Decomposition<PermutationQuestion> {
  const half = Math.floor(q.k / 2);
  const y = yield { x: q.x, k: half };
  if (index(ctx, y) < 0) return UNKNOWN;
  let z = yield { x: y as string, k: half };
  if (index(ctx, z) < 0) return UNKNOWN;
  if (q.k % 2 === 1) z = yield { x: z as string, k: 1 };
  return index(ctx, z) < 0 ? UNKNOWN : z;
}

function encoding(params: Params): Encoding<PermutationContext, PermutationQuestion> {
  const n = params.n!;
  const maxK = 2 ** params.b! - 1;
  // Tokens: 0 padding, 1…n names, n+1…n+maxK the exponent k.
  const names = letterNames(n);
  return {
    vocabSize: 1 + n + maxK,
    maxFacts: n,
    factTokens: 2,
    questionTokens: 2,
    answerClasses: n,
    encodeFacts(ctx) {
      const out = new Int32Array(n * 2);
      ctx.sigma.forEach((y, x) => {
        out[2 * x] = x + 1;
        out[2 * x + 1] = y + 1;
      });
      return out;
    },
    encodeQuestion(q) {
      return Int32Array.of(names.indexOf(q.x) + 1, n + q.k);
    },
    answerToClass(a) {
      const i = typeof a === 'string' ? names.indexOf(a) : -1;
      return i < 0 ? n : i;
    },
    classToAnswer(c) {
      return c >= 0 && c < n ? names[c]! : UNKNOWN;
    },
    factAnswerClass(ctx) {
      return Int32Array.from(ctx.sigma);
    },
  };
}

export const permutation: Task<PermutationContext, PermutationQuestion, string> = {
  id: 'permutation',
  title: 'Permutation powering',
  summary:
    'The facts say where a permutation σ sends each name. The question asks where k applications of σ take a name: σᵏ(x).',
  presets: { workshop: { n: 8, b: 4 }, paper: { n: 64, b: 6 } },
  sizeParam: 'n',
  sizeRange: [2, 64],
  maxDepth: (params) => params.b! - 1,

  generateContext(rng: Rng, params: Params) {
    const n = params.n!;
    return { names: letterNames(n), sigma: rng.shuffle(Array.from({ length: n }, (_, i) => i)) };
  },
  generateQuestion(rng, ctx, params, depth) {
    const d = depth ?? rng.range(1, params.b! - 1);
    // Bit-length d+1: the top bit set, then d random low bits.
    const k = 2 ** d + rng.int(2 ** d);
    return { x: rng.pick(ctx.names), k };
  },
  validateContext(ctx, params) {
    const problems: string[] = [];
    if (ctx.sigma.length !== params.n)
      problems.push(`σ has ${ctx.sigma.length} entries, expected ${params.n}`);
    if (
      new Set(ctx.sigma).size !== ctx.sigma.length ||
      ctx.sigma.some((y) => !(y >= 0 && y < ctx.sigma.length))
    )
      problems.push('σ is not a bijection');
    return problems;
  },

  solve(ctx, q) {
    let i = ctx.names.indexOf(q.x);
    for (let step = 0; step < q.k; step++) i = ctx.sigma[i]!;
    return ctx.names[i]!;
  },
  depth: (_ctx, q) => bitLength(q.k) - 1,

  isPrimitive: (q) => q.k === 1,
  lookup(ctx, q) {
    if (q.k !== 1) throw new Error(`σ^${q.k}(${q.x}) is not a lookup`);
    return ctx.names[ctx.sigma[ctx.names.indexOf(q.x)]!]!;
  },
  overseer,

  questionText: (q) => (q.k === 1 ? `What is σ(${q.x})?` : `What is σ${superscript(q.k)}(${q.x})?`),
  answerText: (a: Answer) => (a === UNKNOWN ? "? (don't know)" : String(a)),
  factTexts: (ctx) => ctx.sigma.map((y, x) => `σ(${ctx.names[x]}) = ${ctx.names[y]}`),
  questionKey: (q) => `${q.x}^${q.k}`,

  factsJson: (ctx) => ctx.sigma.map((y, x) => [ctx.names[x], ctx.names[y]]),
  questionJson: (q) => ({ x: q.x, k: q.k }),
  answerJson: (a) => a,

  encoding,
};
