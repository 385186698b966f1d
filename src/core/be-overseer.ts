/**
 * "Be the overseer": a visitor plays H on one question. They pick each subquestion from a list
 * (H's own next one among plausible wrong ones), receive a lookup or X's answer, and give the final
 * answer; the review then sets their tree beside H's Amp(X) and says what led astray. Ground truth
 * (task.solve) is used here only to review a play, never on amplification's training path.
 */
import { UNKNOWN, type Answer } from './answer';
import { nearMisses } from './near-misses';
import type { TraceNode } from './recursion';
import { createRng } from './rng';
import type { AnyTask } from './task';

/** One subquestion the visitor asked, and the answer they received. */
export interface AskedStep {
  question: unknown;
  by: 'lookup' | 'model';
  answer: Answer;
  /** Why X's answer was not available (a recording keeps only some); the visitor got `?`. */
  missing?: string;
}

export interface Candidate {
  question: unknown;
  key: string;
  text: string;
  /** Answered by a lookup of the facts, not by X. */
  primitive: boolean;
  /** H's own next subquestion on the visitor's path (never shown before the review). */
  fromH: boolean;
}

/** What H does next on the visitor's path: ask a subquestion, or answer. */
export type OverseerNext =
  { done: false; question: unknown; asked: unknown[] } | { done: true; answer: Answer; asked: unknown[] };

/** How many subquestions one play may ask (H asks at most 7 in any task's workshop preset). */
export const MAX_ASKED = 10;
/** Wrong candidates offered beside H's own. */
export const WRONG_CANDIDATES = 3;

/**
 * H run along the visitor's path: each subquestion H asks is answered with the answer the
 * visitor received for the same question (by key), so where they followed H, so does this run.
 * `asked`: H's subquestions so far (the last one is `question` when not done).
 */
export function overseerAlong(
  task: AnyTask,
  ctx: unknown,
  q: unknown,
  steps: readonly AskedStep[],
): OverseerNext {
  const got = new Map(steps.map((s) => [task.questionKey(s.question), s.answer]));
  const run = task.overseer(ctx, q);
  const asked: unknown[] = [];
  let step = run.next(UNKNOWN);
  while (!step.done) {
    asked.push(step.value);
    const answer = got.get(task.questionKey(step.value));
    if (answer === undefined) return { done: false, question: step.value, asked };
    step = run.next(answer);
  }
  return { done: true, answer: step.value, asked };
}

function candidate(task: AnyTask, question: unknown, fromH: boolean): Candidate {
  return {
    question,
    key: task.questionKey(question),
    text: task.questionText(question),
    primitive: task.isPrimitive(question),
    fromH,
  };
}

/**
 * The subquestions offered next: H's own (unless H has all it needs) and up to `wrong` plausible
 * wrong ones, none asked before, in an order fixed by `seed`, the question and the step.
 */
export function candidates(
  task: AnyTask,
  ctx: unknown,
  q: unknown,
  steps: readonly AskedStep[],
  seed: number,
  wrong = WRONG_CANDIDATES,
): Candidate[] {
  if (steps.length >= MAX_ASKED) return [];
  const next = overseerAlong(task, ctx, q, steps);
  const own = next.done ? undefined : next.question;
  // Near misses of H's next subquestion; once H has all it needs, of its last one (or of the
  // question itself when H answers it outright, as a path from a vertex to itself).
  const near = own ?? next.asked[next.asked.length - 1] ?? q;
  const taken = new Set([task.questionKey(q), ...steps.map((s) => task.questionKey(s.question))]);
  if (own !== undefined) taken.add(task.questionKey(own));
  const rng = createRng(seed).fork(`be-overseer ${task.questionKey(q)} ${steps.length}`);
  const pool = rng.shuffle(nearMisses(task, ctx, q, near));
  const picked: Candidate[] = [];
  for (const w of pool) {
    if (picked.length >= wrong) break;
    const key = task.questionKey(w);
    if (taken.has(key)) continue;
    taken.add(key);
    picked.push(candidate(task, w, false));
  }
  return rng.shuffle(own === undefined ? picked : [candidate(task, own, true), ...picked]);
}

/** Every answer the final-answer choice offers: the task's answer symbols, then `?`. */
export function answerChoices(task: AnyTask, params: Parameters<AnyTask['encoding']>[0]): Answer[] {
  const enc = task.encoding(params);
  return [...Array.from({ length: enc.answerClasses }, (_, c) => enc.classToAnswer(c)), UNKNOWN];
}

function node(
  task: AnyTask,
  ctx: unknown,
  question: unknown,
  by: TraceNode['by'],
  answer: Answer,
): TraceNode {
  const primitive = task.isPrimitive(question);
  return {
    question: task.questionJson(question),
    key: task.questionKey(question),
    text: task.questionText(question),
    by,
    answer,
    answerText: task.answerText(answer),
    depth: primitive ? 0 : task.depth(ctx, question),
    children: [],
  };
}

/** The visitor's play as a tree: their answer at the root, what they asked below it. */
export function visitorTree(
  task: AnyTask,
  ctx: unknown,
  q: unknown,
  steps: readonly AskedStep[],
  answer: Answer,
): TraceNode {
  const root = node(task, ctx, q, 'overseer', answer);
  root.children = steps.map((s) => node(task, ctx, s.question, s.by, s.answer));
  return root;
}

export interface Review {
  right: boolean;
  /** One sentence: whether the visitor's Amp(X) was right. */
  verdict: string;
  /** Why: wrong subquestions, X's wrong subanswers, a wrong combination; H's Amp(X) for comparison. */
  reasons: string[];
  visitor: TraceNode;
  /** H's Amp(X) with the same X. */
  overseer: TraceNode;
  /** The true answer to every question in both trees, by key (as text). */
  truths: Record<string, string>;
}

const quote = (text: string): string => `“${text}”`;

/**
 * Reviews a play: `steps` and `answer` are the visitor's, `overseer` is H's Amp(X) trace of the
 * same question with the same X (amplifiedTrace).
 */
export function review(
  task: AnyTask,
  ctx: unknown,
  q: unknown,
  steps: readonly AskedStep[],
  answer: Answer,
  overseer: TraceNode,
): Review {
  const truthOf = (question: unknown): Answer => task.solve(ctx, question) as Answer;
  const say = (a: Answer): string => task.answerText(a);
  const truth = truthOf(q);
  const right = answer === truth;
  const visitor = visitorTree(task, ctx, q, steps, answer);
  const truths: Record<string, string> = { [task.questionKey(q)]: say(truth) };
  for (const s of steps) truths[task.questionKey(s.question)] = say(truthOf(s.question));
  for (const sub of overseerQuestions(task, ctx, q, overseer))
    truths[task.questionKey(sub)] = say(truthOf(sub));

  const reasons: string[] = [];
  const along = overseerAlong(task, ctx, q, steps);
  const hKeys = new Set(along.asked.map((x) => task.questionKey(x)));
  steps.forEach((s, i) => {
    const key = task.questionKey(s.question);
    const text = quote(task.questionText(s.question));
    if (!hKeys.has(key)) {
      // What H would have asked at that point, given what the visitor had received before it.
      const then = overseerAlong(task, ctx, q, steps.slice(0, i));
      reasons.push(
        then.done
          ? `You asked ${text} after H would already have answered: H has no use for its answer (${say(s.answer)}).`
          : `You asked ${text} where H asks ${quote(task.questionText(then.question))}: they are different questions (true answers ${say(truthOf(s.question))} and ${say(truthOf(then.question))}), so its answer cannot stand in for the one H needs.`,
      );
    }
    if (s.missing)
      reasons.push(`X's answer to ${text} was not available (${s.missing}), so you received ? (don't know).`);
    else if (s.by === 'model' && s.answer !== truthOf(s.question))
      reasons.push(
        `X answered ${text} with ${say(s.answer)}, but the true answer is ${say(truthOf(s.question))}.`,
      );
  });
  if (!along.done)
    reasons.push(
      `You did not ask ${quote(task.questionText(along.question))}, which H asks next on your path.`,
    );
  else if (along.answer !== answer)
    reasons.push(
      `From the answers you received, H would answer ${say(along.answer)}; you answered ${say(answer)}.`,
    );
  else if (steps.every((s) => hKeys.has(task.questionKey(s.question))))
    reasons.push(
      right
        ? 'You asked what H asks and combined the answers as H does.'
        : 'You asked what H asks and combined the answers as H does: the error came from X, whom H trusts.',
    );
  reasons.push(
    `H's Amp(X), with the same X, answers ${say(overseer.answer)}: ${overseer.answer === truth ? 'right' : 'wrong'}.`,
  );

  const verdict = right
    ? `Right: your Amp(X) answers ${say(answer)}, the true answer.`
    : `Wrong: your Amp(X) answers ${say(answer)}; the true answer is ${say(truth)}.`;
  return { right, verdict, reasons, visitor, overseer, truths };
}

/** The question objects of H's subquestions in `trace` (which keeps only their JSON form), in order. */
function overseerQuestions(task: AnyTask, ctx: unknown, q: unknown, trace: TraceNode): unknown[] {
  const run = task.overseer(ctx, q);
  const out: unknown[] = [];
  let step = run.next(UNKNOWN);
  for (const child of trace.children) {
    if (step.done || task.questionKey(step.value) !== child.key)
      throw new Error(`the trace of ${task.questionText(q)} is not H's decomposition`);
    out.push(step.value);
    step = run.next(child.answer);
  }
  return out;
}
