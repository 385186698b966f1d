/**
 * The three answerers on the held-out set, against the ground truth: X and Amp(X) answer here
 * while the supervised baseline answers in its own thread (or inline).
 */
import type { Answer } from '../core/answer';
import type { WaveItem, WaveOptions } from '../core/recursion';
import { amplifiedAnswers, type OverseerView } from './amplify';
import { score, type HeldOutItem, type Score } from './evaluate';
import type { Learner } from './learner';
import type { Baseline, BaselineReport } from './supervised';

/** Answers of the three answerers on the held-out set at the last evaluation. */
export interface Evaluation {
  heldOut: readonly HeldOutItem[];
  model: Answer[];
  amplified: Answer[];
  supervised: Answer[] | null;
  scores: { model: Score; amplified: Score; supervised: Score | null };
}

/** Held-out questions per Amp(X) call, bounding one call's waves. */
const AMPLIFIED_CHUNK = 512;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Evaluates X and Amp(X) (decomposing with `view`, in `waves`) and the baseline after every step
 * sent to it so far. `waitedSeconds`: how long X's thread then waited for the baseline's report.
 */
export async function evaluateHeldOut(
  heldOut: readonly HeldOutItem[],
  x: Learner,
  view: OverseerView,
  baseline: Baseline | null,
  waves: WaveOptions = {},
): Promise<{ evaluation: Evaluation; baseline: BaselineReport | null; waitedSeconds: number }> {
  const report = baseline?.report(true);
  // Keep a failed report from being an unhandled rejection while X is evaluated.
  report?.catch(() => undefined);
  const items: WaveItem[] = heldOut.map((h) => ({ ctx: h.ctx, question: h.question }));
  const { model, amplified } = await x.withWeights(async (w) => {
    const model = await x.answer(items, w);
    const amplified: Answer[] = [];
    for (let i = 0; i < items.length; i += AMPLIFIED_CHUNK)
      amplified.push(
        ...(await amplifiedAnswers(view, x, w, items.slice(i, i + AMPLIFIED_CHUNK), waves)).answers,
      );
    return { model, amplified };
  });
  const tw = now();
  const sup = report ? await report : null;
  const waitedSeconds = (now() - tw) / 1000;
  const evaluation: Evaluation = {
    heldOut,
    model,
    amplified,
    supervised: sup?.evaluation?.answers ?? null,
    scores: {
      model: score(heldOut, model),
      amplified: score(heldOut, amplified),
      supervised: sup?.evaluation ? sup.evaluation.score : null,
    },
  };
  return { evaluation, baseline: sup, waitedSeconds };
}
