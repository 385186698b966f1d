/**
 * H's transcripts, and H' (a learned overseer) standing in for H. One step of a transcript maps
 * (the question, the subanswers so far) to H's next move: a subquestion, or the final answer.
 * Both sides are token strings built from the task's own question objects and answers, so one
 * tokenizer serves every task. H' never sees the ground truth: it learns from H's steps only.
 *
 * H' reads no context: in these tasks H consults the context only to check that a subanswer names
 * something (the names are the same in every context of a preset); agreement on held-out steps
 * would show it if a task's H used more.
 */
import { UNKNOWN, type Answer } from './answer';
import type { Decomposition, OverseerTask } from './task';

export interface TranscriptStep {
  input: string[];
  output: string[];
  /** The depth class of the question H was decomposing. */
  depth: number;
}

/** Names split into whole words, everything else per character (so a pattern's symbols stay apart). */
const PIECES = /[A-Za-z]\w*|[^]/gu;

/** An answer (or a question's field) as tokens. */
export function valueTokens(v: unknown): string[] {
  if (typeof v === 'number') return [`n:${v}`];
  if (typeof v === 'boolean') return [`b:${v}`];
  if (v === null) return ['null'];
  if (typeof v === 'string') return v === '' ? ['s:'] : (v.match(PIECES) ?? []).map((p) => `s:${p}`);
  return ['bad'];
}

/** A question object as tokens: its fields in key order, each key then its value. */
export function questionTokens(q: unknown): string[] {
  if (typeof q !== 'object' || q === null) return valueTokens(q);
  const rec = q as Record<string, unknown>;
  return Object.keys(rec)
    .sort()
    .flatMap((k) => [`k:${k}`, ...valueTokens(rec[k])]);
}

export function stepInput(q: unknown, subanswers: readonly Answer[]): string[] {
  return ['q', ...questionTokens(q), ...subanswers.flatMap((a) => ['|', ...valueTokens(a)])];
}

export const askStep = (sub: unknown): string[] => ['ask', ...questionTokens(sub), 'end'];
export const answerStep = (a: Answer): string[] => ['answer', ...valueTokens(a), 'end'];

/** Reads value tokens from `at`; null when they are not one value. */
function readValue(tokens: readonly string[], at: number): { value: unknown; next: number } | null {
  const t = tokens[at];
  if (t === undefined) return null;
  if (t === 'null') return { value: null, next: at + 1 };
  if (t === 'b:true' || t === 'b:false') return { value: t === 'b:true', next: at + 1 };
  if (t.startsWith('n:')) {
    const n = Number(t.slice(2));
    return Number.isFinite(n) ? { value: n, next: at + 1 } : null;
  }
  if (!t.startsWith('s:')) return null;
  let s = '';
  let i = at;
  while (tokens[i]?.startsWith('s:')) s += tokens[i++]!.slice(2);
  return { value: s, next: i };
}

/** H''s output tokens as a move; null when they do not spell one. */
export function decodeStep(
  tokens: readonly string[],
): { ask: Record<string, unknown> } | { answer: Answer } | null {
  if (tokens[0] === 'answer') {
    const v = readValue(tokens, 1);
    return v && tokens[v.next] === 'end' ? { answer: v.value as Answer } : null;
  }
  if (tokens[0] !== 'ask') return null;
  const q: Record<string, unknown> = {};
  let i = 1;
  while (tokens[i]?.startsWith('k:')) {
    const key = tokens[i]!.slice(2);
    const v = readValue(tokens, i + 1);
    if (!v || key in q) return null;
    q[key] = v.value;
    i = v.next;
  }
  return i > 1 && tokens[i] === 'end' ? { ask: q } : null;
}

const sameTokens = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((t, i) => t === b[i]);

/** A step's input tokens read back: the question and the subanswers so far; null when they spell none. */
export function decodeStepInput(
  tokens: readonly string[],
): { question: unknown; subanswers: Answer[] } | null {
  if (tokens[0] !== 'q') return null;
  const question: Record<string, unknown> = {};
  let i = 1;
  while (tokens[i]?.startsWith('k:')) {
    const v = readValue(tokens, i + 1);
    if (!v) return null;
    question[tokens[i]!.slice(2)] = v.value;
    i = v.next;
  }
  const subanswers: Answer[] = [];
  while (tokens[i] === '|') {
    const v = readValue(tokens, i + 1);
    if (!v) return null;
    subanswers.push(v.value as Answer);
    i = v.next;
  }
  return i === tokens.length ? { question, subanswers } : null;
}

/** Share of `steps` where `step` makes H's move. */
export function agreementOn(steps: readonly TranscriptStep[], step: StepFunction): number {
  if (steps.length === 0) return 0;
  let same = 0;
  for (const s of steps) {
    const got = step(s.input);
    if (got && sameTokens(got, s.output)) same++;
  }
  return same / steps.length;
}

/**
 * The shapes of the subquestions H has asked: per set of keys, the value pieces seen under each
 * key. A subquestion H' makes up from anything else is not passed on (the task's lookups expect
 * names and numbers it knows), H answers that call instead.
 */
class QuestionShapes {
  private readonly seen = new Map<string, Map<string, Set<string>>>();

  add(q: unknown): void {
    if (typeof q !== 'object' || q === null) return;
    const rec = q as Record<string, unknown>;
    const sig = Object.keys(rec).sort().join(',');
    let keys = this.seen.get(sig);
    if (!keys) this.seen.set(sig, (keys = new Map()));
    for (const k of Object.keys(rec)) {
      let pieces = keys.get(k);
      if (!pieces) keys.set(k, (pieces = new Set()));
      for (const p of valueTokens(rec[k])) pieces.add(p);
    }
  }

  known(q: Record<string, unknown>): boolean {
    const keys = this.seen.get(Object.keys(q).sort().join(','));
    return !!keys && Object.keys(q).every((k) => valueTokens(q[k]).every((p) => keys.get(k)?.has(p)));
  }
}

/** H''s next move for a step's input tokens, or null where it should not be trusted. */
export type StepFunction = (input: readonly string[]) => readonly string[] | null;

export interface RouterOptions {
  /** Every how many-th transcript of H is kept for measuring agreement instead of training (default 5). */
  heldOutEvery?: number;
  /** While H' is trusted, every how many-th call still goes to H, to keep measuring H' (default 50; 0: never). */
  auditEvery?: number;
  /** Recorded steps kept for training, newest last (default 60 000). */
  maxTrainSteps?: number;
  /** Held-out steps kept (default 4 000). */
  maxHeldOutSteps?: number;
  /** Moves H' may make in one call before it is cut off with `?` (default 64). */
  maxMoves?: number;
}

/**
 * Routes the overseer's calls: to H (recording its steps) until H' is trusted, then to H'. Where
 * H' has no move it trusts (an unfamiliar input, a move that spells nothing, a subquestion of a
 * shape H never asked), H takes the call over from there, so the answer is still H's.
 * `realCalls` counts the calls H answered, in whole or in part: the supervision amplification used.
 */
export class OverseerRouter {
  realCalls = 0;
  learnedCalls = 0;
  /** H', when trusted; null: every call goes to H. */
  step: StepFunction | null = null;
  /**
   * The depths of question H' decomposes ('all', or those where it agreed with H on held-out
   * steps): a depth it has not seen H decompose is H's, however familiar its tokens look.
   */
  depths: ReadonlySet<number> | 'all' = 'all';
  /** The depths of the questions H has decomposed so far. */
  readonly depthsSeen = new Set<number>();
  readonly trainSteps: TranscriptStep[] = [];
  readonly heldOutSteps: TranscriptStep[] = [];
  /** Steps recorded since the last call to takeNewSteps(). */
  private fresh = 0;
  private transcripts = 0;
  private counted = 0;
  private calls = 0;
  private readonly shapes = new QuestionShapes();
  private readonly options: Required<RouterOptions>;

  constructor(options: RouterOptions = {}) {
    this.options = {
      heldOutEvery: 5,
      auditEvery: 50,
      maxTrainSteps: 60_000,
      maxHeldOutSteps: 4_000,
      maxMoves: 64,
      ...options,
    };
  }

  /** The task with its overseer routed through here. */
  view(task: OverseerTask): OverseerTask {
    return new Proxy(task, {
      get: (target, prop, receiver) =>
        prop === 'overseer'
          ? (ctx: unknown, q: unknown) => this.run(task, ctx, q)
          : (Reflect.get(target, prop, receiver) as unknown),
    });
  }

  /** Calls H answered since the last call to this. */
  takeRealCalls(): number {
    const n = this.realCalls - this.counted;
    this.counted = this.realCalls;
    return n;
  }

  /** Steps recorded for training since the last takeNewSteps(). */
  get freshSteps(): number {
    return this.fresh;
  }

  /** How many steps were recorded since the last call (H' has new material when > 0). */
  takeNewSteps(): number {
    const n = this.fresh;
    this.fresh = 0;
    return n;
  }

  private run(task: OverseerTask, ctx: unknown, q: unknown): Decomposition<unknown> {
    this.calls++;
    const audit = this.options.auditEvery > 0 && this.calls % this.options.auditEvery === 0;
    const depth = task.depth(ctx, q);
    const mine = this.depths === 'all' || this.depths.has(depth);
    return this.step && mine && !audit
      ? this.learned(task, ctx, q, this.step, depth)
      : this.real(task, ctx, q, depth, [], []);
  }

  private record(step: TranscriptStep, heldOut: boolean): void {
    const into = heldOut ? this.heldOutSteps : this.trainSteps;
    into.push(step);
    const max = heldOut ? this.options.maxHeldOutSteps : this.options.maxTrainSteps;
    if (into.length > max) into.splice(0, into.length - max);
    if (!heldOut) this.fresh++;
  }

  /**
   * H on `q`, recording every step. `asked`/`got`: what H' asked and was answered in this call
   * before H took over; H replays them while its subquestions match, and asks its own from there.
   */
  private *real(
    task: OverseerTask,
    ctx: unknown,
    q: unknown,
    depth: number,
    asked: readonly unknown[],
    got: readonly Answer[],
  ): Decomposition<unknown> {
    this.realCalls++;
    this.depthsSeen.add(depth);
    const heldOut = this.transcripts++ % this.options.heldOutEvery === 0;
    const subanswers: Answer[] = [];
    const steps = task.overseer(ctx, q);
    let next = steps.next(UNKNOWN);
    while (!next.done) {
      const sub = next.value;
      this.shapes.add(sub);
      this.record({ input: stepInput(q, subanswers), output: askStep(sub), depth }, heldOut);
      const i = subanswers.length;
      const replayed = i < asked.length && sameTokens(questionTokens(asked[i]), questionTokens(sub));
      const answer: Answer = replayed ? got[i]! : yield sub;
      // Past the first mismatch, nothing more is replayed.
      if (!replayed) asked = [];
      subanswers.push(answer);
      next = steps.next(answer);
    }
    this.record({ input: stepInput(q, subanswers), output: answerStep(next.value), depth }, heldOut);
    return next.value;
  }

  private *learned(
    task: OverseerTask,
    ctx: unknown,
    q: unknown,
    step: StepFunction,
    depth: number,
  ): Decomposition<unknown> {
    const asked: unknown[] = [];
    const got: Answer[] = [];
    for (let m = 0; m < this.options.maxMoves; m++) {
      const out = step(stepInput(q, got));
      const move = out && decodeStep(out);
      if (!move || ('ask' in move && !this.shapes.known(move.ask))) {
        return yield* this.real(task, ctx, q, depth, asked, got);
      }
      if ('answer' in move) {
        this.learnedCalls++;
        return move.answer;
      }
      asked.push(move.ask);
      got.push(yield move.ask);
    }
    this.learnedCalls++;
    return UNKNOWN;
  }
}
