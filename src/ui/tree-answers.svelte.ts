/**
 * X's answers on the sample question's tree: the latest ones, asked of the model after every round
 * (every question of the tree), and those of any round from a tree snapshot (its first levels).
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- each Map is built once, then stored whole in $state.raw */
import type { Answer } from '../core/answer';
import { pickAnswers, shownKeys, type TreeSnapshot } from '../core/run-format';
import type { Sample } from '../core/sample';
import type { TraceNode } from '../core/recursion';
import type { Verdict } from './tree/model';

/** What the tree shows: X's verdict per question key, Amp(X)'s on the root, and their round. */
export interface ShownAnswers {
  verdicts: ReadonlyMap<string, Verdict>;
  amplified: Verdict | undefined;
  round: number | undefined;
}

/** The model's answers, as the trainer gives them. */
export interface AnswerSource {
  sample(
    ctx: unknown,
    question: unknown,
    questions: unknown[],
  ): Promise<{ answers: Answer[]; amplified: TraceNode } | undefined>;
}

export const NO_ANSWERS: ShownAnswers = { verdicts: new Map(), amplified: undefined, round: undefined };

/** A snapshot's answers as verdicts against the sample's true answers. */
export function snapshotAnswers(s: Sample, snap: TreeSnapshot): ShownAnswers {
  const verdicts = new Map<string, Verdict>();
  for (const [key, a] of Object.entries(snap.answers))
    verdicts.set(key, { text: s.task.answerText(a), right: a === s.truths.get(key) });
  return {
    verdicts,
    amplified: { text: s.task.answerText(snap.amplified), right: snap.amplified === s.truth },
    round: snap.round,
  };
}

export class TreeAnswers {
  /** The latest answers the model gave (every question of the tree). */
  latest: ShownAnswers = $state.raw(NO_ANSWERS);
  private token = 0;

  /**
   * Forgets the latest answers and asks `model` (undefined: not ready) for X's answers on the
   * sample at `round`. Resolves to their snapshot for keeping with the run, or undefined when
   * there are none or a newer request took over.
   */
  async request(
    s: Sample | undefined,
    model: AnswerSource | undefined,
    round: number,
    question: number,
  ): Promise<TreeSnapshot | undefined> {
    const token = ++this.token;
    this.latest = NO_ANSWERS;
    if (!s || !model) return undefined;
    const keys = [...s.questions.keys()];
    const r = await model.sample(s.ctx, s.question, [...s.questions.values()]);
    if (!r || token !== this.token) return undefined;
    const verdicts = new Map<string, Verdict>();
    const raw = new Map<string, Answer>();
    r.answers.forEach((a, i) => {
      const key = keys[i]!;
      raw.set(key, a);
      verdicts.set(key, { text: s.task.answerText(a), right: a === s.truths.get(key) });
    });
    this.latest = {
      verdicts,
      amplified: { text: r.amplified.answerText, right: r.amplified.answer === s.truth },
      round,
    };
    return { round, question, answers: pickAnswers(raw, shownKeys(s.tree)), amplified: r.amplified.answer };
  }
}
