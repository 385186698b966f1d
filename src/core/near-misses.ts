/**
 * Plausible wrong subquestions for "Be the overseer": well-formed questions of the same task
 * about the same context, each one change away from a subquestion H asks (a wrong name, a wrong
 * count, a lookup of the wrong fact). Every one can be looked up or encoded for model X.
 */
import type { AnyTask } from './task';
import type { AssignmentsContext, AssignmentsQuestion } from './tasks/assignments';
import type { PermutationContext, PermutationQuestion } from './tasks/permutation';
import type { ShortestPathContext, ShortestPathQuestion } from './tasks/shortest-path';
import type { UnionFindContext, UnionFindQuestion } from './tasks/union-find';
import type { WildcardContext, WildcardQuestion } from './tasks/wildcard';

const others = <T>(items: readonly T[], not: T): T[] => items.filter((x) => x !== not);
const range = (lo: number, hi: number): number[] =>
  hi < lo ? [] : Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);

/** σ^k(x) → another name, or another power below the question's. */
function permutation(ctx: PermutationContext, q: PermutationQuestion, near: PermutationQuestion) {
  return [
    ...others(ctx.names, near.x).map((x) => ({ x, k: near.k })),
    ...others(range(1, q.k - 1), near.k).map((k) => ({ x: near.x, k })),
  ];
}

/** Another variable's operand or value, the other operand, or another entry of f. */
function assignments(ctx: AssignmentsContext, q: AssignmentsQuestion, near: AssignmentsQuestion) {
  const out: AssignmentsQuestion[] = [];
  if (near.kind === 'f') {
    ctx.f.forEach((c, i) => {
      const a = Math.floor(i / ctx.values);
      const b = i % ctx.values;
      if (c >= 0 && !(a === near.a && b === near.b)) out.push({ kind: 'f', a, b });
    });
    // Few entries of f are given: the value of another variable is a wrong turn too.
    for (const v of ctx.names) if (!(q.kind === 'value' && v === q.v)) out.push({ kind: 'value', v });
    return out;
  }
  for (const v of others(ctx.names, near.v)) out.push({ kind: near.kind, v });
  for (const kind of ['first', 'second', 'value'] as const)
    if (kind !== near.kind && !(kind === 'value' && q.kind === 'value' && near.v === q.v))
      out.push({ kind, v: near.v });
  return out;
}

/**
 * The pattern with other bits where the question fixes them (strings it does not cover), or
 * split on another `*` than the first one, which H splits on.
 */
function wildcard(_ctx: WildcardContext, q: WildcardQuestion, near: WildcardQuestion) {
  const out: WildcardQuestion[] = [];
  const set = (p: string, i: number, c: string): string => `${p.slice(0, i)}${c}${p.slice(i + 1)}`;
  const fixed = [...q.pattern].flatMap((c, i) => (c === '*' || near.pattern[i] === '*' ? [] : [i]));
  for (let bits = 1; bits < 2 ** fixed.length; bits++)
    out.push({
      pattern: fixed.reduce(
        (p, i, j) => ((bits >> j) & 1 ? set(p, i, p[i] === '0' ? '1' : '0') : p),
        near.pattern,
      ),
    });
  const first = q.pattern.indexOf('*');
  [...q.pattern].forEach((c, i) => {
    if (c === '*' && i !== first && near.pattern[i] === '*')
      for (const bit of ['0', '1']) out.push({ pattern: set(set(near.pattern, first, '*'), i, bit) });
  });
  return out.filter((x) => x.pattern !== q.pattern);
}

/** Another vertex's neighbour or route, another step bound, or the route reversed. */
function shortestPath(ctx: ShortestPathContext, q: ShortestPathQuestion, near: ShortestPathQuestion) {
  if (q.kind !== 'path') return [];
  const out: ShortestPathQuestion[] = [];
  if (near.kind === 'neighbour') {
    for (const of of others(ctx.names, near.of)) out.push({ kind: 'neighbour', of, i: near.i });
    for (const i of others([1, 2, 3], near.i)) out.push({ kind: 'neighbour', of: near.of, i });
    return out;
  }
  for (const from of others(ctx.names, near.from)) out.push({ ...near, from });
  for (const to of others(ctx.names, near.to)) out.push({ ...near, to });
  for (const steps of others(range(0, q.steps - 1), near.steps)) out.push({ ...near, steps });
  if (near.from !== near.to) out.push({ ...near, from: near.to, to: near.from });
  return out;
}

/** Another equality, another variable, or another count of equalities below the question's. */
function unionFind(ctx: UnionFindContext, q: UnionFindQuestion, near: UnionFindQuestion) {
  if (q.kind !== 'connected') return [];
  const out: UnionFindQuestion[] = [];
  if (near.kind === 'equality') {
    for (const t of others(range(1, ctx.equalities.length), near.t)) out.push({ kind: 'equality', t });
    return out;
  }
  for (const a of others(ctx.names, near.a)) if (a !== near.b) out.push({ ...near, a });
  for (const b of others(ctx.names, near.b)) if (b !== near.a) out.push({ ...near, b });
  for (const t of others(range(0, q.t - 1), near.t)) out.push({ ...near, t });
  return out;
}

/**
 * Subquestions one change away from `near` (a subquestion of `q`), in a fixed order; some may
 * repeat each other or H's own (the caller removes those by key).
 */
export function nearMisses(task: AnyTask, ctx: unknown, q: unknown, near: unknown): unknown[] {
  switch (task.id) {
    case 'permutation':
      return permutation(ctx as PermutationContext, q as PermutationQuestion, near as PermutationQuestion);
    case 'assignments':
      return assignments(ctx as AssignmentsContext, q as AssignmentsQuestion, near as AssignmentsQuestion);
    case 'wildcard':
      return wildcard(ctx as WildcardContext, q as WildcardQuestion, near as WildcardQuestion);
    case 'shortest-path':
      return shortestPath(
        ctx as ShortestPathContext,
        q as ShortestPathQuestion,
        near as ShortestPathQuestion,
      );
    case 'union-find':
      return unionFind(ctx as UnionFindContext, q as UnionFindQuestion, near as UnionFindQuestion);
  }
}
