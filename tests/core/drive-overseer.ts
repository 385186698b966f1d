import { UNKNOWN, type Answer } from '../../src/core/answer';
import { runOverseer } from '../../src/core/recursion';
import type { Task } from '../../src/core/task';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTaskOf<C, Q> = Task<C, Q, any>;

/** Runs H on `q`: lookups answered from `ctx`, every other subquestion by `answer`; records all it asked. */
export function driveWith<C, Q>(
  task: AnyTaskOf<C, Q>,
  ctx: C,
  q: Q,
  answer: (sub: Q) => Answer,
): { result: Answer; asked: Q[] } {
  const asked: Q[] = [];
  const result = runOverseer(task, ctx, q, (sub) => {
    asked.push(sub as Q);
    return task.isPrimitive(sub as Q) ? task.lookup(ctx, sub as Q) : answer(sub as Q);
  });
  return { result, asked };
}

/**
 * Drives H by hand with scripted replies, one per subquestion in turn (lookups included); returns
 * what it asked and, if it finished within the script, its answer.
 */
export function driveWithReplies<C, Q>(
  task: AnyTaskOf<C, Q>,
  ctx: C,
  q: Q,
  replies: readonly Answer[],
): { asked: Q[]; answer: Answer | undefined } {
  const run = task.overseer(ctx, q);
  const asked: Q[] = [];
  let step = run.next(UNKNOWN);
  for (const reply of replies) {
    if (step.done) break;
    asked.push(step.value);
    step = run.next(reply);
  }
  if (!step.done) asked.push(step.value);
  return { asked, answer: step.done ? step.value : undefined };
}
