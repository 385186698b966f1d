/**
 * Amplification's training path. It works on an OverseerView: the task without its ground-truth
 * solver, so targets (and anything else on this path) cannot come from the answers.
 */
import type { Answer } from '../core/answer';
import { amplifyInWaves, type WaveItem, type WaveResult } from '../core/recursion';
import type { Rng } from '../core/rng';
import type { AnyTask, OverseerTask, Params } from '../core/task';
import type { Learner } from './learner';
import type { Weights } from './model';

/** What amplification may use of a task: everything except `solve`. */
export type OverseerView = OverseerTask;

/** The task with `solve` removed: reading it throws, so a slip shows up at once. */
export function overseerView(task: AnyTask): OverseerView {
  return new Proxy(task, {
    get(target, prop, receiver) {
      if (prop === 'solve') throw new Error('amplification must not use the ground truth (task.solve)');
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as OverseerView;
}

/** Fresh training items: `contexts` random contexts with `perContext` questions each. */
export function sampleItems(
  task: Pick<AnyTask, 'generateContext' | 'generateQuestion'>,
  rng: Rng,
  params: Params,
  contexts: number,
  perContext: number,
  depth?: () => number | undefined,
): WaveItem[] {
  const items: WaveItem[] = [];
  for (let c = 0; c < contexts; c++) {
    const ctx = task.generateContext(rng, params);
    for (let q = 0; q < perContext; q++)
      items.push({ ctx, question: task.generateQuestion(rng, ctx, params, depth?.()) });
  }
  return items;
}

/** Amp(teacher) for a batch, in waves; every context is encoded once for all its subquestions. */
export async function amplifiedAnswers(
  view: OverseerView,
  learner: Learner,
  teacher: Weights,
  items: readonly WaveItem[],
): Promise<WaveResult> {
  const contexts = [...new Set(items.map((it) => it.ctx))];
  const answerer = learner.answerer(teacher, contexts);
  try {
    return await amplifyInWaves(view, items, (batch) => answerer.answerBatch(batch));
  } finally {
    answerer.dispose();
  }
}

export interface StepOptions {
  /** Skip `?` targets. */
  skipUnknown?: boolean;
  /**
   * Also train on up to this many of the subquestions H asked X, per context (with their own
   * Amp(teacher) targets): X is queried on H's subquestions, whose distribution can differ from
   * the generated questions' (union find asks about a = b, for instance), so it must learn them too.
   */
  subquestionsPerContext?: number;
  rng?: Rng;
  /** Keep only subquestions for which this holds (e.g. depth ≤ the admitted depth). */
  keepSubquestion?: (item: WaveItem) => boolean;
}

export interface StepResult {
  loss: number;
  used: number;
  /** Questions trained on (generated + subquestions). */
  examples: number;
  overseerCalls: number;
  modelQueries: number;
  waves: number;
}

/**
 * One amplification training step: Amp(teacher) targets for fresh items (and a sample of the
 * subquestions H asked on them), then one student update. The contexts are encoded once.
 */
export async function amplificationStep(
  view: OverseerView,
  learner: Learner,
  teacher: Weights,
  items: readonly WaveItem[],
  options: StepOptions = {},
): Promise<StepResult> {
  const contexts = [...new Set(items.map((it) => it.ctx))];
  const answerer = learner.answerer(teacher, contexts);
  try {
    const asked: WaveItem[] = [];
    const subPer = options.subquestionsPerContext ?? 0;
    const amp = await amplifyInWaves(view, items, (batch) => {
      if (subPer > 0) asked.push(...batch);
      return answerer.answerBatch(batch);
    });
    let all: WaveItem[] = [...items];
    let targets: Answer[] = amp.answers;
    let overseerCalls = amp.overseerCalls;
    let modelQueries = amp.modelQueries;
    let waves = amp.waves;
    if (subPer > 0) {
      // Per context: up to subPer of H's (non-primitive) subquestions replace as many generated ones,
      // so a step always trains on the same number of questions.
      const byCtx = new Map<unknown, Map<string, WaveItem>>();
      for (const it of asked) {
        if (view.isPrimitive(it.question) || (options.keepSubquestion && !options.keepSubquestion(it)))
          continue;
        let m = byCtx.get(it.ctx);
        if (!m) byCtx.set(it.ctx, (m = new Map()));
        m.set(view.questionKey(it.question), it);
      }
      const subs: WaveItem[] = [];
      const drop = new Map<unknown, number>();
      for (const [ctx, m] of byCtx) {
        const list = [...m.values()];
        if (options.rng) options.rng.shuffle(list);
        const chosen = list.slice(0, subPer);
        subs.push(...chosen);
        drop.set(ctx, chosen.length);
      }
      if (subs.length > 0) {
        const amp2 = await amplifyInWaves(view, subs, (batch) => answerer.answerBatch(batch));
        const keepAll: WaveItem[] = [];
        const keepTargets: Answer[] = [];
        // Drop the last `drop` generated questions of each context.
        const seen = new Map<unknown, number>();
        const perCtx = new Map<unknown, number>();
        for (const it of items) perCtx.set(it.ctx, (perCtx.get(it.ctx) ?? 0) + 1);
        items.forEach((it, i) => {
          const k = (seen.get(it.ctx) ?? 0) + 1;
          seen.set(it.ctx, k);
          if (k <= perCtx.get(it.ctx)! - (drop.get(it.ctx) ?? 0)) {
            keepAll.push(it);
            keepTargets.push(amp.answers[i]!);
          }
        });
        all = keepAll.concat(subs);
        targets = keepTargets.concat(amp2.answers);
        overseerCalls += amp2.overseerCalls;
        modelQueries += amp2.modelQueries;
        waves += amp2.waves;
      }
    }
    const { loss, used } = await learner.trainStep(all, targets, options.skipUnknown ?? true);
    return { loss, used, examples: all.length, overseerCalls, modelQueries, waves };
  } finally {
    answerer.dispose();
  }
}
