import { createRng } from '../../src/core/rng';
import type { AnyTask, Params } from '../../src/core/task';

/** `count` seeded (context, question) pairs, a fresh context every 5 questions. */
export function sampleQuestions(task: AnyTask, params: Params, seed: number, count: number) {
  const rng = createRng(seed);
  const out: { ctx: unknown; q: unknown }[] = [];
  let ctx: unknown;
  for (let i = 0; i < count; i++) {
    if (i % 5 === 0) ctx = task.generateContext(rng, params);
    out.push({ ctx, q: task.generateQuestion(rng, ctx, params) });
  }
  return out;
}
