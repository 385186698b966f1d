/**
 * Which X answers the visitor in "Be the overseer": the model trained in this tab (through the
 * worker's 'sample' request), or a recorded run, which kept X's answers only to the sample tree's
 * first levels and has no weights to answer anything else.
 */
import { UNKNOWN, type Answer } from '../core/answer';
import { amplifiedTrace, type TraceNode } from '../core/recursion';
import type { TreeSnapshot } from '../core/run-format';
import type { Sample } from '../core/sample';
import type { AnswerSource } from './tree-answers.svelte';

export interface OverseerX {
  /** Said to the visitor: which X this is. */
  label: string;
  /** X's answers to non-primitive subquestions; a string says why one is not available. */
  answer(subs: unknown[]): Promise<(Answer | { missing: string })[]>;
  /** H's Amp(X) of the sample question with this X. */
  amplified(): Promise<TraceNode>;
}

export const NOT_RECORDED = 'the recorded run kept only its sample tree’s answers';
const NOT_READY = 'the model is not ready';

/** The model in the worker as it is now (training may go on meanwhile). */
export function liveX(model: AnswerSource, s: Sample, round: number): OverseerX {
  return {
    label: `X is the model trained in this tab, as it is now (round ${round}).`,
    async answer(subs) {
      const r = await model.sample(s.ctx, s.question, subs);
      return r ? r.answers : subs.map(() => ({ missing: NOT_READY }));
    },
    async amplified() {
      const r = await model.sample(s.ctx, s.question, []);
      if (r) return r.amplified;
      return amplifiedTrace(s.task, s.ctx, s.question, () => UNKNOWN);
    },
  };
}

/**
 * A recording's X at one round: its kept answers; any other question is not available. The kept
 * ones follow the true decomposition, so where X went wrong H's next subquestion is often not
 * kept: H's tree then stops there (marked "not recorded") under the recorded Amp(X) answer.
 */
export function recordedX(s: Sample, snap: TreeSnapshot | undefined, round: number): OverseerX {
  const kept = (sub: unknown): Answer | undefined => snap?.answers[s.task.questionKey(sub)];
  return {
    label: `X is the recorded run's model at round ${round}. The recording kept X's answers only to the sample tree's questions; any other subquestion gets ? (don't know). Train it yourself to ask a live X anything.`,
    answer: (subs) => Promise.resolve(subs.map((sub) => kept(sub) ?? { missing: NOT_RECORDED })),
    async amplified() {
      const h = await amplifiedTrace(s.task, s.ctx, s.question, (_ctx, sub) => kept(sub) ?? UNKNOWN);
      const cut = h.children.find((c) => c.by === 'model' && snap?.answers[c.key] === undefined);
      if (cut && snap) {
        cut.answerText = '? (not recorded)';
        h.answer = snap.amplified;
        h.answerText = s.task.answerText(snap.amplified);
      }
      return h;
    },
  };
}
