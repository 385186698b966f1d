/** The fixed held-out set and accuracy arithmetic (ground truth is used here, and only here and in supervision). */
import type { Answer } from '../core/answer';
import type { Accuracies } from '../core/metrics';
import { createRng } from '../core/rng';
import type { AnyTask, Params } from '../core/task';

export interface HeldOutItem {
  ctx: unknown;
  question: unknown;
  depth: number;
  truth: Answer;
}

export const HELD_OUT_MIN = 500;

/**
 * A seeded held-out set: each context gets one question of every depth 1…maxDepth, with enough
 * contexts for at least HELD_OUT_MIN questions (and at least 100 per depth).
 */
export function makeHeldOut(
  task: AnyTask,
  params: Params,
  seed: number,
  minQuestions = HELD_OUT_MIN,
): HeldOutItem[] {
  const rng = createRng(seed).fork('held-out');
  const maxDepth = task.maxDepth(params);
  const contexts = Math.max(Math.ceil(minQuestions / maxDepth), Math.min(100, minQuestions));
  const out: HeldOutItem[] = [];
  for (let c = 0; c < contexts; c++) {
    const ctx = task.generateContext(rng, params);
    for (let d = 1; d <= maxDepth; d++) {
      const question = task.generateQuestion(rng, ctx, params, d);
      out.push({ ctx, question, depth: task.depth(ctx, question), truth: task.solve(ctx, question) });
    }
  }
  return out;
}

export const sameAnswer = (a: Answer, b: Answer): boolean => Object.is(a, b) || a === b;

export interface Score {
  overall: number;
  byDepth: Record<string, number>;
}

/** Fraction of answers equal to the truth, overall and per depth class. */
export function score(
  heldOut: readonly Pick<HeldOutItem, 'depth' | 'truth'>[],
  answers: readonly Answer[],
): Score {
  if (answers.length !== heldOut.length)
    throw new Error(`${answers.length} answers for ${heldOut.length} questions`);
  const right = new Map<number, number>();
  const total = new Map<number, number>();
  let correct = 0;
  heldOut.forEach((item, i) => {
    const ok = sameAnswer(answers[i]!, item.truth);
    if (ok) correct++;
    total.set(item.depth, (total.get(item.depth) ?? 0) + 1);
    right.set(item.depth, (right.get(item.depth) ?? 0) + (ok ? 1 : 0));
  });
  const byDepth: Record<string, number> = {};
  for (const d of [...total.keys()].sort((a, b) => a - b)) byDepth[String(d)] = right.get(d)! / total.get(d)!;
  return { overall: heldOut.length ? correct / heldOut.length : 0, byDepth };
}

/** Combines the three answerers' scores into RoundMetrics' per-depth shape. */
export function combineByDepth(
  model: Score,
  amplified: Score,
  supervised: Score | null,
): Record<string, Accuracies> {
  const out: Record<string, Accuracies> = {};
  for (const d of Object.keys(model.byDepth))
    out[d] = {
      model: model.byDepth[d]!,
      amplified: amplified.byDepth[d] ?? 0,
      supervised: supervised ? (supervised.byDepth[d] ?? 0) : null,
    };
  return out;
}
