/**
 * A model trained on true answers (as `npm run probe`), scored at one depth: what the model tests
 * compare with the attention model in a small fixed budget.
 */
import { createRng } from '../../src/core/rng';
import { resolveParams, type TaskId } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { makeHeldOut, score } from '../../src/learn/evaluate';
import { Learner } from '../../src/learn/learner';
import type { ModelConfig } from '../../src/learn/model';

export interface TrueAnswerRun {
  task: TaskId;
  cfg: ModelConfig;
  learningRate: number;
  steps: number;
  seed: number;
  /** The depth of each training question (drawn from the training stream). */
  trainDepth: (rng: { int(n: number): number }) => number;
  /** The held-out depth scored, and the held-out set's size before that filter. */
  scoreDepth: number;
  heldOut: number;
  /** The training stream's name (forked from the seed's). */
  stream: string;
  /** Contexts a step, 4 questions each (default 32). */
  contexts?: number;
}

/** Accuracy at `scoreDepth` after `steps` steps of `contexts` (32) contexts × 4 questions on true answers. */
export async function accuracyAfterTrueAnswers(r: TrueAnswerRun): Promise<number> {
  const task = TASKS[r.task];
  const params = resolveParams(task, 'workshop');
  const root = createRng(r.seed);
  const init = root.fork('init');
  const learner = new Learner(task.encoding(params), r.cfg, () => init.next(), r.learningRate);
  const rng = root.fork(r.stream);
  const heldOut = makeHeldOut(task, params, r.seed, r.heldOut).filter((h) => h.depth === r.scoreDepth);
  try {
    for (let s = 0; s < r.steps; s++) {
      const items = sampleItems(task, rng, params, r.contexts ?? 32, 4, () => r.trainDepth(rng));
      learner.trainStep(
        items,
        items.map((it) => task.solve(it.ctx, it.question)),
        false,
      );
      // The loss read once per 10 steps, as a session reads it once per chunk: a model with
      // candidate routings learns with it whether one has settled, and then trains that one alone.
      if ((s + 1) % 10 === 0) await learner.readLoss();
    }
    const answers = await learner.answer(heldOut.map((h) => ({ ctx: h.ctx, question: h.question })));
    return score(heldOut, answers).overall;
  } finally {
    learner.dispose();
  }
}
