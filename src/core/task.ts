import type { Answer, Value } from './answer';
import type { Rng } from './rng';

export type TaskId = 'permutation' | 'assignments' | 'wildcard' | 'shortest-path' | 'union-find';
export const TASK_IDS: readonly TaskId[] = [
  'permutation',
  'assignments',
  'wildcard',
  'shortest-path',
  'union-find',
];
export type PresetName = 'workshop' | 'paper';
export const PRESET_NAMES: readonly PresetName[] = ['workshop', 'paper'];

/** A task's numeric settings (names, bits, variables, …); `size` overrides `params[sizeParam]`. */
export type Params = Readonly<Record<string, number>>;

/**
 * H's step-by-step decomposition of one non-primitive question: it yields one subquestion at a
 * time, is resumed with that subquestion's answer, and returns its combined answer. The caller
 * decides who answers each subquestion: a lookup (primitive), a model, or H again.
 */
export type Decomposition<Q> = Generator<Q, Answer, Answer>;

/**
 * The model's view of a task: every context is a set of facts, each a fixed-width row of token
 * ids (0 is padding; a padding fact is all zeros), and a question is one row of token ids.
 * Answers are classes 0 … answerClasses−1, plus class `answerClasses` for `?`.
 */
export interface Encoding<Ctx, Q> {
  readonly vocabSize: number;
  readonly maxFacts: number;
  readonly factTokens: number;
  readonly questionTokens: number;
  readonly answerClasses: number;
  /** maxFacts × factTokens token ids, row-major, padded with zeros. */
  encodeFacts(ctx: Ctx): Int32Array;
  /** questionTokens token ids. */
  encodeQuestion(q: Q): Int32Array;
  /** Class of an answer; `?` (and any value outside the task's symbols) → answerClasses. */
  answerToClass(a: Answer): number;
  classToAnswer(c: number): Answer;
  /**
   * For a pointer (copy) head: per fact, the answer class that copying that fact's value would
   * give, or −1 when the fact carries no answer symbol (also for padding). maxFacts entries.
   */
  factAnswerClass(ctx: Ctx): Int32Array;
}

export interface Task<Ctx = unknown, Q = unknown, V extends Value = Value> {
  readonly id: TaskId;
  /** Plain-language name, e.g. "Permutation powering". */
  readonly title: string;
  /** One or two sentences for people: what the facts are and what is asked. */
  readonly summary: string;
  readonly presets: Readonly<Record<PresetName, Params>>;
  /** Which param `--size` sets, with its allowed range. */
  readonly sizeParam: string;
  readonly sizeRange: readonly [min: number, max: number];
  /** Depth classes of non-primitive questions for these params: 1 … maxDepth. */
  maxDepth(params: Params): number;

  generateContext(rng: Rng, params: Params): Ctx;
  /** A non-primitive question; of the given depth when `depth` is set, else depth drawn uniformly. */
  generateQuestion(rng: Rng, ctx: Ctx, params: Params, depth?: number): Q;
  /** Problems with a context ("σ is not a bijection"); empty when valid. */
  validateContext(ctx: Ctx, params: Params): string[];

  /** Ground truth, computed without the overseer. */
  solve(ctx: Ctx, q: Q): V;
  depth(ctx: Ctx, q: Q): number;

  isPrimitive(q: Q): boolean;
  /** The answer to a primitive question, read from one fact or by comparing two symbols. */
  lookup(ctx: Ctx, q: Q): V;
  /** H on a non-primitive question. Applies the `?` rule to every subanswer. */
  overseer(ctx: Ctx, q: Q): Decomposition<Q>;
  /**
   * Every subquestion H may ask of `q`, found from the context alone (its lookups), where which
   * ones it asks depends on the answers only to stop early: amplification can then ask X all of
   * them in one wave rather than one wave each. Absent where each subquestion depends on the
   * last answer (a chain of lookups).
   */
  subquestionsAhead?(ctx: Ctx, q: Q): Q[];

  questionText(q: Q): string;
  answerText(a: Answer): string;
  factTexts(ctx: Ctx): string[];
  /** A stable string naming the question (for memo tables and React-style keys). */
  questionKey(q: Q): string;

  /** DESIGN.md's export format. */
  factsJson(ctx: Ctx): unknown;
  questionJson(q: Q): unknown;
  answerJson(a: Answer): unknown;

  encoding(params: Params): Encoding<Ctx, Q>;
}

/** A task whose concrete types have been forgotten: what generic code (learn, ui) handles. */
export type AnyTask = Task<any, any, Value>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What the overseer and recursion need of a task: everything but the ground truth. */
export type OverseerTask = Omit<AnyTask, 'solve'>;

export class ParamsError extends Error {}

/** The params for a preset with `size` (when given) applied; throws ParamsError when out of range. */
export function resolveParams(task: AnyTask, preset: PresetName, size?: number): Params {
  const base = task.presets[preset];
  if (!base) throw new ParamsError(`unknown preset "${preset}" (allowed: workshop, paper)`);
  if (size === undefined) return base;
  const [lo, hi] = task.sizeRange;
  if (!Number.isInteger(size) || size < lo || size > hi)
    throw new ParamsError(`size for ${task.id} must be an integer from ${lo} to ${hi}, got ${size}`);
  return { ...base, [task.sizeParam]: size };
}
