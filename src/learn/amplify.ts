/**
 * Amplification's training path. It works on an OverseerView: the task without its ground-truth
 * solver, so targets (and anything else on this path) cannot come from the answers.
 */
import type { Answer } from '../core/answer';
import {
  amplifyGrowing,
  amplifyInWaves,
  type WaveItem,
  type WaveOptions,
  type WaveResult,
} from '../core/recursion';
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
  options: WaveOptions = {},
): Promise<WaveResult> {
  const contexts = [...new Set(items.map((it) => it.ctx))];
  const answerer = learner.answerer(teacher, contexts);
  try {
    return await amplifyInWaves(view, items, (batch) => answerer.answerBatch(batch), options);
  } finally {
    answerer.dispose();
  }
}

export interface StepOptions {
  /**
   * Also train on up to this many of the subquestions H asked X, per context (with their own
   * Amp(teacher) targets): X is queried on H's subquestions, whose distribution can differ from
   * the generated questions' (union find asks about a = b, for instance), so it must learn them too.
   */
  subquestionsPerContext?: number;
  /** Step i's random stream (which subquestions it keeps): one per step, so a chunk's size changes nothing. */
  rngForStep?: (step: number) => Rng;
  /** Keep only subquestions for which this holds (e.g. depth ≤ the admitted depth). */
  keepSubquestion?: (item: WaveItem) => boolean;
  /**
   * When the kept subquestions' own decompositions run (the targets are the same either way):
   * 'after' the generated questions' waves (default), or 'alongside' them: every subquestion H
   * asks starts its decomposition in the wave it is asked, so a chunk needs about half the waves
   * for more arithmetic (the subquestions not kept are decomposed too). For a GPU, where each
   * wave is a read-back that stalls its queue.
   */
  subquestionWaves?: 'after' | 'alongside';
  /**
   * Ask the teacher, in a question's first wave, every subquestion H may ask of it where the task
   * knows them ahead (`subquestionsAhead`: union find, wildcard, shortest path), so H's later
   * asks need no wave of their own. The targets are the same; more arithmetic, fewer read-backs.
   */
  subquestionsAhead?: boolean;
}

/** One training step's questions and their Amp(teacher) targets. */
export interface StepTargets {
  items: WaveItem[];
  targets: Answer[];
}

export interface ChunkTargets {
  steps: StepTargets[];
  /** H's decompositions whose answers are trained on (one per question; the unkept ones of 'alongside' are not counted). */
  overseerCalls: number;
  modelQueries: number;
  /** Model calls (each one read-back of the teacher's answers) for the whole chunk. */
  waves: number;
}

/** A subquestion H asked, and where its own Amp(teacher) answer is (alongside), in the order asked. */
interface Asked {
  item: WaveItem;
  at: number;
}

/**
 * Amp(teacher) targets for a chunk of training steps at once: the teacher is frozen for the
 * round, so every step's questions (and every step's sampled subquestions) go to it in the same
 * waves. A wave's answers are read back once for the whole chunk, not once per step: on a GPU
 * those read-backs, not the arithmetic, set the pace. Per step, up to `subquestionsPerContext`
 * of H's (non-primitive) subquestions per context replace as many of the context's generated
 * questions, so a step always trains on the same number of questions.
 */
export async function amplificationTargets(
  view: OverseerView,
  learner: Learner,
  teacher: Weights,
  batches: readonly (readonly WaveItem[])[],
  options: StepOptions = {},
): Promise<ChunkTargets> {
  const all = batches.flat();
  const contexts = [...new Set(all.map((it) => it.ctx))];
  const answerer = learner.answerer(teacher, contexts);
  try {
    const subPer = options.subquestionsPerContext ?? 0;
    const alongside = subPer > 0 && options.subquestionWaves === 'alongside';
    // H's subquestions per context, in the order H asked them (the same whatever the chunk).
    const asked = new Map<unknown, Map<string, Asked>>();
    let added = all.length;
    const candidate = (it: WaveItem): boolean =>
      !view.isPrimitive(it.question) && (!options.keepSubquestion || options.keepSubquestion(it));
    const amp = await amplifyGrowing(
      view,
      all,
      (batch) => answerer.answerBatch(batch),
      (wave, from) => {
        const start: WaveItem[] = [];
        if (subPer > 0)
          wave.forEach((it, j) => {
            // Only the generated questions' own subquestions are candidates.
            if (from[j]! >= all.length) return;
            if (!candidate(it)) return;
            let m = asked.get(it.ctx);
            if (!m) asked.set(it.ctx, (m = new Map()));
            const key = view.questionKey(it.question);
            if (m.has(key)) return;
            m.set(key, { item: it, at: alongside ? added++ : -1 });
            if (alongside) start.push(it);
          });
        return start;
      },
      {
        ahead: options.subquestionsAhead,
        // Alongside, the generated questions' subquestions start decompositions of their own.
        prefetch: alongside ? (it, run) => run < all.length && candidate(it) : undefined,
      },
    );
    const stepTargets: StepTargets[] = [];
    let offset = 0;
    const chosenPerStep: Asked[][] = [];
    for (const [s, items] of batches.entries()) {
      const targets = amp.answers.slice(offset, offset + items.length);
      offset += items.length;
      if (subPer === 0) {
        stepTargets.push({ items: [...items], targets });
        chosenPerStep.push([]);
        continue;
      }
      const rng = options.rngForStep?.(s);
      const chosen: Asked[] = [];
      const drop = new Map<unknown, number>();
      for (const ctx of new Set(items.map((it) => it.ctx))) {
        const list = [...(asked.get(ctx)?.values() ?? [])];
        if (rng) rng.shuffle(list);
        const pick = list.slice(0, subPer);
        chosen.push(...pick);
        drop.set(ctx, pick.length);
      }
      // Drop the last `drop` generated questions of each context.
      const perCtx = new Map<unknown, number>();
      for (const it of items) perCtx.set(it.ctx, (perCtx.get(it.ctx) ?? 0) + 1);
      const seen = new Map<unknown, number>();
      const keep: StepTargets = { items: [], targets: [] };
      items.forEach((it, i) => {
        const k = (seen.get(it.ctx) ?? 0) + 1;
        seen.set(it.ctx, k);
        if (k <= perCtx.get(it.ctx)! - (drop.get(it.ctx) ?? 0)) {
          keep.items.push(it);
          keep.targets.push(targets[i]!);
        }
      });
      stepTargets.push(keep);
      chosenPerStep.push(chosen);
    }
    let { modelQueries, waves } = amp;
    const subs = chosenPerStep.flat();
    let subAnswers: Answer[];
    if (alongside) subAnswers = subs.map((a) => amp.answers[a.at]!);
    else {
      const amp2 = await amplifyInWaves(
        view,
        subs.map((a) => a.item),
        (batch) => answerer.answerBatch(batch),
        { ahead: options.subquestionsAhead },
      );
      subAnswers = amp2.answers;
      modelQueries += amp2.modelQueries;
      waves += amp2.waves;
    }
    let at = 0;
    chosenPerStep.forEach((chosen, s) => {
      stepTargets[s]!.items.push(...chosen.map((a) => a.item));
      stepTargets[s]!.targets.push(...subAnswers.slice(at, at + chosen.length));
      at += chosen.length;
    });
    return { steps: stepTargets, overseerCalls: all.length + subs.length, modelQueries, waves };
  } finally {
    answerer.dispose();
  }
}
