import { UNKNOWN, type Answer } from '../answer';
import { letterNames } from '../names';
import type { Rng } from '../rng';
import type { Decomposition, Encoding, Params, Task } from '../task';

/** A directed graph: out[i] lists the indices of names[i]'s out-neighbours, ascending. */
export interface ShortestPathContext {
  names: string[];
  out: number[][];
}

/**
 * "How many steps from `from` to `to`, using at most `steps` edges?" (steps = 0 is the primitive
 * that compares two names), or the primitive "what is `of`'s i-th out-neighbour?" (i from 1).
 */
export type ShortestPathQuestion =
  { kind: 'path'; from: string; to: string; steps: number } | { kind: 'neighbour'; of: string; i: number };

/** A length or a vertex name (a neighbour lookup), or null: "none" for a path, "no more" for a neighbour. */
export type ShortestPathValue = number | string | null;

const MAX_OUT_DEGREE = 3;

const ORDINALS = ['1st', '2nd', '3rd'];
const ordinal = (i: number): string => ORDINALS[i - 1] ?? `${i}th`;

function index(ctx: ShortestPathContext, name: unknown): number {
  return typeof name === 'string' ? ctx.names.indexOf(name) : -1;
}

/** The i-th (from 1) out-neighbour of `of`, or null when it has fewer. */
function neighbour(ctx: ShortestPathContext, of: string, i: number): string | null {
  const c = ctx.out[index(ctx, of)]?.[i - 1];
  return c === undefined ? null : ctx.names[c]!;
}

/** A legal answer to a path question with `steps` edges: 0 … steps, or null (none). */
const isLength = (a: Answer, steps: number): a is number | null =>
  a === null || (typeof a === 'number' && Number.isInteger(a) && a >= 0 && a <= steps);

function* overseer(ctx: ShortestPathContext, q: ShortestPathQuestion): Decomposition<ShortestPathQuestion> {
  if (q.kind !== 'path' || q.steps < 1) throw new Error(`${questionText(q)} is a lookup`);
  if (q.from === q.to) return 0;
  // List the out-neighbours (at most n − 1 of them), then ask each for the rest of the way.
  const neighbours: string[] = [];
  for (let i = 1; ; i++) {
    const c = yield { kind: 'neighbour', of: q.from, i };
    if (c === null) break;
    if (index(ctx, c) < 0 || neighbours.length >= ctx.names.length - 1) return UNKNOWN;
    neighbours.push(c as string);
  }
  let best: number | null = null;
  for (const c of neighbours) {
    const rest = yield { kind: 'path', from: c, to: q.to, steps: q.steps - 1 };
    if (!isLength(rest, q.steps - 1)) return UNKNOWN;
    if (rest !== null && (best === null || rest + 1 < best)) best = rest + 1;
  }
  return best;
}

/** The rest of the way from each out-neighbour, as H asks it after listing them. */
function subquestionsAhead(ctx: ShortestPathContext, q: ShortestPathQuestion): ShortestPathQuestion[] {
  if (q.kind !== 'path' || q.steps < 1 || q.from === q.to) return [];
  const out: ShortestPathQuestion[] = [];
  for (let i = 1; i < ctx.names.length; i++) {
    const c = neighbour(ctx, q.from, i);
    if (c === null) break;
    out.push({ kind: 'path', from: c, to: q.to, steps: q.steps - 1 });
  }
  return out;
}

/** depth[k][a]: the depth class of (a, b, k) for k = 0 … steps (0: the name comparison). */
function depthTable(ctx: ShortestPathContext, b: number, steps: number): Int32Array[] {
  const n = ctx.names.length;
  const table = [new Int32Array(n)];
  for (let k = 1; k <= steps; k++) {
    const below = table[k - 1]!;
    const row = new Int32Array(n);
    for (let a = 0; a < n; a++) {
      let deepest = 0;
      for (const c of ctx.out[a]!) deepest = Math.max(deepest, below[c]!);
      row[a] = a === b ? 1 : 1 + deepest;
    }
    table.push(row);
  }
  return table;
}

/** dist[a]: the fewest edges from a to b (Infinity when b cannot be reached), by BFS backwards. */
function distancesTo(into: readonly number[][], b: number): number[] {
  const dist = new Array<number>(into.length).fill(Infinity);
  dist[b] = 0;
  const queue = [b];
  for (let head = 0; head < queue.length; head++) {
    const c = queue[head]!;
    for (const a of into[c]!)
      if (dist[a] === Infinity) {
        dist[a] = dist[c]! + 1;
        queue.push(a);
      }
  }
  return dist;
}

/**
 * Per depth class d = 1 … maxSteps, the pairs (a, b), as a·n + b, whose question (a, b, d) has
 * depth d, grouped by answer (in a fixed order), so a question can be drawn with its answer spread.
 */
type Candidates = number[][][];

const candidateCache = new WeakMap<ShortestPathContext, { maxSteps: number; byDepth: Candidates }>();

function candidates(ctx: ShortestPathContext, maxSteps: number): Candidates {
  const cached = candidateCache.get(ctx);
  if (cached && cached.maxSteps === maxSteps) return cached.byDepth;
  const n = ctx.names.length;
  // byDepth[d][answer slot]: slots 0 … d are lengths, slot d + 1 is "none".
  const byDepth: Candidates = Array.from({ length: maxSteps + 1 }, (_, d) =>
    Array.from({ length: d + 2 }, () => []),
  );
  const into: number[][] = Array.from({ length: n }, () => []);
  ctx.out.forEach((out, a) => out.forEach((c) => into[c]!.push(a)));
  for (let b = 0; b < n; b++) {
    const table = depthTable(ctx, b, maxSteps);
    const dist = distancesTo(into, b);
    for (let d = 1; d <= maxSteps; d++)
      for (let a = 0; a < n; a++)
        if (table[d]![a] === d) byDepth[d]![dist[a]! <= d ? dist[a]! : d + 1]!.push(a * n + b);
  }
  for (let d = 0; d <= maxSteps; d++) byDepth[d] = byDepth[d]!.filter((group) => group.length > 0);
  candidateCache.set(ctx, { maxSteps, byDepth });
  return byDepth;
}

function questionText(q: ShortestPathQuestion): string {
  if (q.kind === 'neighbour') return `What is ${q.of}'s ${ordinal(q.i)} out-neighbour?`;
  if (q.steps === 0) return `How many steps from ${q.from} to ${q.to}, using no edges?`;
  return `How many steps from ${q.from} to ${q.to}, using at most ${q.steps} edge${q.steps === 1 ? '' : 's'}?`;
}

function encoding(params: Params): Encoding<ShortestPathContext, ShortestPathQuestion> {
  const n = params.n!;
  const maxSteps = params.s!;
  const maxFacts = n * Math.min(MAX_OUT_DEGREE, n - 1);
  // Tokens: 0 padding, 1…n vertices, n+1…n+1+maxSteps the step bound 0…maxSteps.
  // Answer classes: lengths 0…maxSteps, then maxSteps+1 for none.
  const names = letterNames(n);
  return {
    vocabSize: n + maxSteps + 2,
    maxFacts,
    factTokens: 2,
    questionTokens: 3,
    answerClasses: maxSteps + 2,
    encodeFacts(ctx) {
      const out = new Int32Array(maxFacts * 2);
      let row = 0;
      ctx.out.forEach((targets, a) =>
        targets.forEach((c) => {
          out[2 * row] = a + 1;
          out[2 * row + 1] = c + 1;
          row++;
        }),
      );
      return out;
    },
    encodeQuestion(q) {
      if (q.kind !== 'path') throw new Error(`${questionText(q)} is a lookup, never encoded`);
      return Int32Array.of(names.indexOf(q.from) + 1, names.indexOf(q.to) + 1, n + 1 + q.steps);
    },
    answerToClass(a) {
      if (a === null) return maxSteps + 1;
      return typeof a === 'number' && Number.isInteger(a) && a >= 0 && a <= maxSteps ? a : maxSteps + 2;
    },
    classToAnswer(c) {
      if (c === maxSteps + 1) return null;
      return Number.isInteger(c) && c >= 0 && c <= maxSteps ? c : UNKNOWN;
    },
    factAnswerClass() {
      return new Int32Array(maxFacts).fill(-1);
    },
  };
}

export const shortestPath: Task<ShortestPathContext, ShortestPathQuestion, ShortestPathValue> = {
  id: 'shortest-path',
  title: 'Shortest path',
  summary:
    'The facts are the arrows of a small directed graph. The question asks how many steps the shortest route from one vertex to another takes, using at most s arrows — or "none".',
  // Workshop s 4 → 3 (depths 1…3): at s=4 X ended at 84% after 100 s (depth 4 at 66%); s=3 reaches 95% after ~220k examples.
  presets: { workshop: { n: 6, s: 3 }, paper: { n: 64, s: 6 } },
  sizeParam: 'n',
  sizeRange: [3, 64],
  maxDepth: (params) => params.s!,

  generateContext(rng: Rng, params: Params) {
    const n = params.n!;
    const names = letterNames(n);
    // Redraw until every depth class 1 … s has a question (almost always the first graph).
    for (let attempt = 0; attempt < 1000; attempt++) {
      const out = names.map((_, a) => {
        const degree = rng.int(Math.min(MAX_OUT_DEGREE, n - 1) + 1);
        const targets = new Set<number>();
        while (targets.size < degree) targets.add((a + 1 + rng.int(n - 1)) % n); // never a itself
        return [...targets].sort((x, y) => x - y);
      });
      const ctx = { names, out };
      if (candidates(ctx, params.s!).every((groups, d) => d === 0 || groups.length > 0)) return ctx;
    }
    throw new Error(`no graph on ${n} vertices allows path questions of every depth up to ${params.s}`);
  },
  generateQuestion(rng, ctx, params, depth) {
    const d = depth ?? rng.range(1, params.s!);
    const groups = candidates(ctx, params.s!)[d];
    if (!groups || groups.length === 0) throw new Error(`this graph has no question of depth ${d}`);
    // Spread answers: pick an answer (a length or none) first, then a pair with that answer.
    const pair = rng.pick(rng.pick(groups));
    const n = ctx.names.length;
    return { kind: 'path', from: ctx.names[Math.floor(pair / n)]!, to: ctx.names[pair % n]!, steps: d };
  },
  validateContext(ctx, params) {
    const problems: string[] = [];
    const n = params.n!;
    if (ctx.names.length !== n || ctx.out.length !== n)
      problems.push(`the graph has ${ctx.out.length} vertices, expected ${n}`);
    ctx.out.forEach((out, a) => {
      const name = ctx.names[a];
      if (out.length > MAX_OUT_DEGREE) problems.push(`${name} has ${out.length} out-neighbours (at most 3)`);
      if (new Set(out).size !== out.length) problems.push(`${name} has a repeated edge`);
      if (out.some((c) => !Number.isInteger(c) || c < 0 || c >= ctx.out.length))
        problems.push(`${name} has an edge to no vertex`);
      if (out.includes(a)) problems.push(`${name} has an edge to itself`);
    });
    if (problems.length === 0)
      candidates(ctx, params.s!).forEach((groups, d) => {
        if (d > 0 && groups.length === 0) problems.push(`no question of depth ${d}`);
      });
    return problems;
  },

  solve(ctx, q) {
    if (q.kind === 'neighbour') return neighbour(ctx, q.of, q.i);
    // Breadth-first from `from`, at most `steps` edges.
    const target = ctx.names.indexOf(q.to);
    let frontier = [ctx.names.indexOf(q.from)];
    const seen = new Set(frontier);
    for (let length = 0; length <= q.steps; length++) {
      if (frontier.includes(target)) return length;
      const next: number[] = [];
      for (const a of frontier)
        for (const c of ctx.out[a]!)
          if (!seen.has(c)) {
            seen.add(c);
            next.push(c);
          }
      frontier = next;
    }
    return null;
  },
  depth(ctx, q) {
    if (q.kind !== 'path') return 0;
    return depthTable(ctx, ctx.names.indexOf(q.to), q.steps)[q.steps]![ctx.names.indexOf(q.from)]!;
  },

  isPrimitive: (q) => q.kind === 'neighbour' || q.steps === 0,
  lookup(ctx, q) {
    if (q.kind === 'neighbour') return neighbour(ctx, q.of, q.i);
    if (q.steps !== 0) throw new Error(`${questionText(q)} is not a lookup`);
    return q.from === q.to ? 0 : null;
  },
  overseer,
  subquestionsAhead,

  questionText,
  answerText: (a: Answer) => (a === UNKNOWN ? "? (don't know)" : a === null ? 'none' : String(a)),
  factTexts: (ctx) => ctx.out.flatMap((out, a) => out.map((c) => `${ctx.names[a]} → ${ctx.names[c]}`)),
  questionKey: (q) => (q.kind === 'neighbour' ? `${q.of}#${q.i}` : `${q.from}>${q.to}@${q.steps}`),

  factsJson: (ctx) => ctx.out.flatMap((out, a) => out.map((c) => ({ from: ctx.names[a], to: ctx.names[c] }))),
  questionJson: (q) =>
    q.kind === 'neighbour' ? { of: q.of, i: q.i } : { from: q.from, to: q.to, steps: q.steps },
  answerJson: (a) => a,

  encoding,
};
