import { UNKNOWN, type Answer } from '../answer';
import type { Rng } from '../rng';
import type { Decomposition, Encoding, Params, Task } from '../task';

/** m distinct bit strings of one length, each with a value +1 or −1. */
export interface WildcardContext {
  length: number;
  facts: { bits: string; value: number }[];
}

/**
 * "What is the sum of the values of the strings matching the pattern?", a pattern over {0, 1, *};
 * a pattern without `*` is the primitive (a lookup: its value, or 0 when no fact has it).
 */
export interface WildcardQuestion {
  pattern: string;
}

/**
 * The strings' length: the preset's L, or longer when the size asks for more strings than there
 * are of length L (m ≤ 2^L), so a size control over 2…64 works from either preset.
 */
function stringLength(params: Params): number {
  let L = params.L!;
  while (2 ** L < params.m!) L++;
  return L;
}

const wildcards = (pattern: string): number => [...pattern].filter((c) => c === '*').length;

const matches = (pattern: string, bits: string): boolean =>
  pattern.length === bits.length && [...pattern].every((c, i) => c === '*' || c === bits[i]);

function lookup(ctx: WildcardContext, q: WildcardQuestion): number {
  if (q.pattern.includes('*')) throw new Error(`${q.pattern} has a wildcard: not a lookup`);
  return ctx.facts.find((fact) => fact.bits === q.pattern)?.value ?? 0;
}

function* overseer(_ctx: WildcardContext, q: WildcardQuestion): Decomposition<WildcardQuestion> {
  const i = q.pattern.indexOf('*');
  if (i < 0) throw new Error(`${q.pattern} has no wildcard: a lookup, not a question for H`);
  const a = yield { pattern: `${q.pattern.slice(0, i)}0${q.pattern.slice(i + 1)}` };
  if (typeof a !== 'number' || !Number.isInteger(a)) return UNKNOWN;
  const b = yield { pattern: `${q.pattern.slice(0, i)}1${q.pattern.slice(i + 1)}` };
  if (typeof b !== 'number' || !Number.isInteger(b)) return UNKNOWN;
  return a + b;
}

/** Both halves H asks, whatever their answers. */
function subquestionsAhead(_ctx: WildcardContext, q: WildcardQuestion): WildcardQuestion[] {
  const i = q.pattern.indexOf('*');
  if (i < 0) return [];
  return ['0', '1'].map((c) => ({ pattern: `${q.pattern.slice(0, i)}${c}${q.pattern.slice(i + 1)}` }));
}

const signed = (v: number): string => (v > 0 ? `+${v}` : String(v));

function encoding(params: Params): Encoding<WildcardContext, WildcardQuestion> {
  const m = params.m!;
  const L = stringLength(params);
  // Tokens: 0 padding; 1 + 3i + s for symbol s (0, 1, *) at position i, so a row reads the same
  // with or without position embeddings; then the values −1 and +1.
  const symbol = (c: string, i: number): number => 1 + 3 * i + (c === '0' ? 0 : c === '1' ? 1 : 2);
  const valueToken = (v: number): number => (v < 0 ? 1 + 3 * L : 2 + 3 * L);
  return {
    vocabSize: 3 + 3 * L,
    maxFacts: m,
    factTokens: L + 1,
    questionTokens: L,
    // The sums −m … m.
    answerClasses: 2 * m + 1,
    encodeFacts(ctx) {
      const out = new Int32Array(m * (L + 1));
      ctx.facts.forEach((fact, f) => {
        [...fact.bits].forEach((c, i) => (out[f * (L + 1) + i] = symbol(c, i)));
        out[f * (L + 1) + L] = valueToken(fact.value);
      });
      return out;
    },
    encodeQuestion(q) {
      return Int32Array.from([...q.pattern], (c, i) => symbol(c, i));
    },
    answerToClass(a) {
      return typeof a === 'number' && Number.isInteger(a) && a >= -m && a <= m ? a + m : 2 * m + 1;
    },
    classToAnswer(c) {
      return c >= 0 && c <= 2 * m ? c - m : UNKNOWN;
    },
    factAnswerClass(ctx) {
      const out = new Int32Array(m).fill(-1);
      ctx.facts.forEach((fact, f) => (out[f] = fact.value + m));
      return out;
    },
  };
}

export const wildcard: Task<WildcardContext, WildcardQuestion, number> = {
  id: 'wildcard',
  title: 'Wildcard search',
  summary:
    'The facts give some bit strings, each with a value +1 or −1. The question gives a pattern where * matches 0 or 1, and asks the sum of the values of the strings that match it.',
  presets: { workshop: { m: 8, L: 4 }, paper: { m: 64, L: 8 } },
  sizeParam: 'm',
  sizeRange: [2, 64],
  maxDepth: stringLength,

  generateContext(rng: Rng, params: Params) {
    const L = stringLength(params);
    const strings = rng.shuffle(Array.from({ length: 2 ** L }, (_, i) => i)).slice(0, params.m!);
    strings.sort((a, b) => a - b);
    return {
      length: L,
      facts: strings.map((s) => ({ bits: s.toString(2).padStart(L, '0'), value: rng.int(2) === 0 ? -1 : 1 })),
    };
  },
  generateQuestion(rng, ctx, params, depth) {
    const L = stringLength(params);
    const w = depth ?? rng.range(1, L);
    if (!(w >= 1 && w <= L)) throw new RangeError(`depth ${w} is outside 1…${L}`);
    const stars = new Set(rng.shuffle(Array.from({ length: L }, (_, i) => i)).slice(0, w));
    const pattern = Array.from({ length: L }, (_, i) => (stars.has(i) ? '*' : String(rng.int(2)))).join('');
    return { pattern };
  },
  validateContext(ctx, params) {
    const problems: string[] = [];
    const L = stringLength(params);
    if (ctx.length !== L) problems.push(`strings of length ${ctx.length}, expected ${L}`);
    if (ctx.facts.length !== params.m) problems.push(`${ctx.facts.length} strings, expected ${params.m}`);
    if (ctx.facts.some((fact) => !new RegExp(`^[01]{${L}}$`).test(fact.bits)))
      problems.push(`a string is not ${L} bits`);
    if (new Set(ctx.facts.map((fact) => fact.bits)).size !== ctx.facts.length)
      problems.push('the strings are not distinct');
    if (ctx.facts.some((fact) => fact.value !== 1 && fact.value !== -1))
      problems.push('a value is not +1 or −1');
    return problems;
  },

  solve(ctx, q) {
    let sum = 0;
    for (const fact of ctx.facts) if (matches(q.pattern, fact.bits)) sum += fact.value;
    return sum;
  },
  depth: (_ctx, q) => wildcards(q.pattern),

  isPrimitive: (q) => !q.pattern.includes('*'),
  lookup,
  overseer,
  subquestionsAhead,

  questionText: (q) =>
    q.pattern.includes('*')
      ? `Sum of the values matching ${q.pattern}?` // short: it is a tree label
      : `What is the value of ${q.pattern}?`,
  answerText: (a: Answer) => (a === UNKNOWN ? "? (don't know)" : String(a)),
  factTexts: (ctx) => ctx.facts.map((fact) => `${fact.bits} has value ${signed(fact.value)}`),
  questionKey: (q) => q.pattern,

  factsJson: (ctx) => ctx.facts.map((fact) => ({ pattern: fact.bits, value: fact.value })),
  questionJson: (q) => ({ pattern: q.pattern }),
  answerJson: (a) => a,

  encoding,
};
