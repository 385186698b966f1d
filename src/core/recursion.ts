import { UNKNOWN, type Answer } from './answer';
import type { OverseerTask } from './task';

/** Who answered a node of a decomposition tree. */
export type AnsweredBy = 'lookup' | 'overseer' | 'model';

export interface TraceNode {
  /** The question as the task represents it (JSON-safe). */
  question: unknown;
  key: string;
  text: string;
  by: AnsweredBy;
  answer: Answer;
  answerText: string;
  /** Depth class (0 for a primitive question). */
  depth: number;
  children: TraceNode[];
}

/** Runs H to completion on `q`, answering each subquestion with `answerSub`. */
export function runOverseer(
  task: OverseerTask,
  ctx: unknown,
  q: unknown,
  answerSub: (sub: unknown) => Answer,
): Answer {
  const steps = task.overseer(ctx, q);
  let step = steps.next(UNKNOWN);
  while (!step.done) step = steps.next(answerSub(step.value));
  return step.value;
}

/**
 * HCH: H answering every subquestion by recursing into H, down to lookups. Memoised per
 * context, so it stays cheap even where the tree is exponential (union find).
 */
export function hch(task: OverseerTask, ctx: unknown, q: unknown, memo = new Map<string, Answer>()): Answer {
  if (task.isPrimitive(q)) return task.lookup(ctx, q);
  const key = task.questionKey(q);
  const known = memo.get(key);
  if (known !== undefined) return known;
  const answer = runOverseer(task, ctx, q, (sub) => hch(task, ctx, sub, memo));
  memo.set(key, answer);
  return answer;
}

function leaf(task: OverseerTask, ctx: unknown, q: unknown, by: AnsweredBy, answer: Answer): TraceNode {
  return {
    question: task.questionJson(q),
    key: task.questionKey(q),
    text: task.questionText(q),
    by,
    answer,
    answerText: task.answerText(answer),
    depth: task.isPrimitive(q) ? 0 : task.depth(ctx, q),
    children: [],
  };
}

/**
 * The full recursion of `q` as a tree, down to lookups. `maxNodes` bounds the work: past it,
 * non-primitive nodes are answered by HCH without expanding their children (their `children`
 * stay empty), so a caller can expand them later with another call.
 */
export function fullRecursion(task: OverseerTask, ctx: unknown, q: unknown, maxNodes = Infinity): TraceNode {
  let budget = maxNodes;
  const memo = new Map<string, Answer>();
  const build = (question: unknown): TraceNode => {
    budget--;
    if (task.isPrimitive(question)) return leaf(task, ctx, question, 'lookup', task.lookup(ctx, question));
    if (budget < 0) return leaf(task, ctx, question, 'overseer', hch(task, ctx, question, memo));
    const node = leaf(task, ctx, question, 'overseer', UNKNOWN);
    node.answer = runOverseer(task, ctx, question, (sub) => {
      const child = build(sub);
      node.children.push(child);
      return child.answer;
    });
    node.answerText = task.answerText(node.answer);
    return node;
  };
  return build(q);
}

/** Amp(X) on one question: H one level, each non-primitive subquestion answered by `model`. */
export function amplify(
  task: OverseerTask,
  ctx: unknown,
  q: unknown,
  model: (ctx: unknown, sub: unknown) => Answer,
): Answer {
  return runOverseer(task, ctx, q, (sub) =>
    task.isPrimitive(sub) ? task.lookup(ctx, sub) : model(ctx, sub),
  );
}

/**
 * Amp(X) as a trace: the overseer at the top, lookups and the model's answers below. The model
 * may answer asynchronously (the worker asks X one subquestion at a time, as H does).
 */
export async function amplifiedTrace(
  task: OverseerTask,
  ctx: unknown,
  q: unknown,
  model: (ctx: unknown, sub: unknown) => Answer | Promise<Answer>,
): Promise<TraceNode> {
  const root = leaf(task, ctx, q, 'overseer', UNKNOWN);
  const steps = task.overseer(ctx, q);
  let step = steps.next(UNKNOWN);
  while (!step.done) {
    const sub = step.value;
    const child = task.isPrimitive(sub)
      ? leaf(task, ctx, sub, 'lookup', task.lookup(ctx, sub))
      : leaf(task, ctx, sub, 'model', await model(ctx, sub));
    root.children.push(child);
    step = steps.next(child.answer);
  }
  root.answer = step.value;
  root.answerText = task.answerText(root.answer);
  return root;
}

export interface WaveItem {
  ctx: unknown;
  question: unknown;
}

export interface WaveResult {
  answers: Answer[];
  /** H decompositions run (one per amplified question). */
  overseerCalls: number;
  /** Calls made to the batch answerer. */
  waves: number;
  /** Subquestions sent to the model in all. */
  modelQueries: number;
}

export interface WaveOptions {
  /**
   * Ask X, in a run's first wave, every subquestion the task says H may ask of it
   * (`subquestionsAhead`), and answer H's later asks (any run's in that context) from those
   * answers: one wave where H asks one subquestion after another (union find's up to five,
   * wildcard's two). Same answers, same asks in the same order; mostly more questions to X. For a
   * GPU, where each wave is a read-back.
   */
  ahead?: boolean;
  /**
   * With `ahead`: whether a subquestion that run `run` may ask will have its own decomposition
   * started (by `more`, after the wave), so that what H may ask of it goes in the same wave too.
   * Then the started run finds its answers there and needs no wave of its own.
   */
  prefetch?: (item: WaveItem, run: number) => boolean;
}

/**
 * Amp(X) for a batch, in waves: every question's first pending non-primitive subquestion goes
 * to the model in one call, then the next ones…, never one call per subquestion. Lookups are
 * answered in place. `answerBatch` returns one answer per item, in order.
 */
export async function amplifyInWaves(
  task: OverseerTask,
  items: readonly WaveItem[],
  answerBatch: (batch: WaveItem[]) => Answer[] | Promise<Answer[]>,
  options: WaveOptions = {},
): Promise<WaveResult> {
  return amplifyGrowing(task, items, answerBatch, () => [], options);
}

/** The map's entry for `key`, made by `make` (and kept) when there is none. */
function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * amplifyInWaves where the batch may grow: before each wave goes to the model, `more(asked, from)`
 * may add items (say, subquestions H just asked), whose own decompositions then start in that
 * same wave rather than in waves of their own afterwards. `asked` holds the non-primitive
 * subquestions H asked since the last call, in the order they are asked one wave at a time (wave,
 * then item); `from[j]` is the index of the item whose run asked `asked[j]` (items given first,
 * then added ones in the order added). Answers come in that order too, and `overseerCalls` counts
 * every item.
 */
export async function amplifyGrowing(
  task: OverseerTask,
  items: readonly WaveItem[],
  answerBatch: (batch: WaveItem[]) => Answer[] | Promise<Answer[]>,
  more: (asked: readonly WaveItem[], from: readonly number[]) => readonly WaveItem[],
  options: WaveOptions = {},
): Promise<WaveResult> {
  const all: WaveItem[] = [];
  const answers: Answer[] = [];
  const runs: ReturnType<OverseerTask['overseer']>[] = [];
  // Each run's subquestion waiting for the model, or null when finished.
  const pending: (unknown | null)[] = [];
  // Per run: the wave its first subquestion would go in, its subquestions asked so far, and whether
  // what H may ask of it went to the model ahead (options.ahead).
  const firstWave: number[] = [];
  const askedCount: number[] = [];
  const askedAhead: boolean[] = [];
  // X's answers per context, by question key (options.ahead): H's later asks, any run's, read them.
  const known = new Map<unknown, Map<string, Answer>>();
  const knownIn = (ctx: unknown): Map<string, Answer> => entryOf(known, ctx, () => new Map());
  // Subquestions asked since `more` was last called: [wave it would go in, run, question].
  let asked: [number, number, unknown][] = [];
  const ahead = options.ahead === true && typeof task.subquestionsAhead === 'function';
  let waves = 0;
  let modelQueries = 0;

  const advance = (i: number, input: Answer): void => {
    const run = runs[i]!;
    const ctx = all[i]!.ctx;
    let step = run.next(input);
    for (;;) {
      while (!step.done && task.isPrimitive(step.value)) step = run.next(task.lookup(ctx, step.value));
      if (step.done) break;
      asked.push([firstWave[i]! + askedCount[i]!++, i, step.value]);
      const answer = ahead ? known.get(ctx)?.get(task.questionKey(step.value)) : undefined;
      if (answer === undefined) break;
      step = run.next(answer);
    }
    if (step.done) {
      answers[i] = step.value;
      pending[i] = null;
    } else pending[i] = step.value;
  };
  const start = (added: readonly WaveItem[]): void => {
    for (const item of added) {
      const i = all.length;
      all.push(item);
      answers.push(UNKNOWN);
      runs.push(task.overseer(item.ctx, item.question));
      pending.push(null);
      firstWave.push(waves);
      askedCount.push(0);
      askedAhead.push(false);
      advance(i, UNKNOWN);
    }
  };
  // Hands the subquestions asked since the last call to `more`, in wave order; starts what it adds.
  const report = (): void => {
    const list = asked.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    asked = [];
    start(
      more(
        list.map(([, i, question]) => ({ ctx: all[i]!.ctx, question })),
        list.map(([, i]) => i),
      ),
    );
  };

  start(items);
  for (;;) {
    report();
    const open: number[] = [];
    for (let i = 0; i < all.length; i++) if (pending[i] !== null) open.push(i);
    if (open.length === 0) {
      if (asked.length === 0) break;
      continue;
    }
    // Each open run's pending subquestion, then (ahead) the rest H may ask, once per run, and what H
    // may ask of those whose decompositions will start (prefetch); none twice in a context.
    const batch: WaveItem[] = [];
    const owner: number[] = [];
    // Per batch entry: whether it is the run's pending subquestion (else one asked ahead).
    const isPending: boolean[] = [];
    const inWave = new Map<unknown, Set<string>>();
    const inWaveIn = (ctx: unknown): Set<string> => entryOf(inWave, ctx, () => new Set());
    const askAhead = (i: number, ctx: unknown, q: unknown): void => {
      const key = task.questionKey(q);
      const keys = inWaveIn(ctx);
      if (task.isPrimitive(q) || keys.has(key) || knownIn(ctx).has(key)) return;
      keys.add(key);
      batch.push({ ctx, question: q });
      owner.push(i);
      isPending.push(false);
    };
    for (const i of open) {
      const ctx = all[i]!.ctx;
      batch.push({ ctx, question: pending[i] });
      owner.push(i);
      isPending.push(true);
      if (!ahead) continue;
      inWaveIn(ctx).add(task.questionKey(pending[i]));
      if (askedAhead[i]) continue;
      askedAhead[i] = true;
      const mayAsk = task.subquestionsAhead!(ctx, all[i]!.question);
      for (const q of mayAsk) askAhead(i, ctx, q);
      if (!options.prefetch) continue;
      for (const q of [pending[i], ...mayAsk])
        if (!task.isPrimitive(q) && options.prefetch({ ctx, question: q }, i))
          for (const sub of task.subquestionsAhead!(ctx, q)) askAhead(i, ctx, sub);
    }
    const got = await answerBatch(batch);
    if (got.length !== batch.length)
      throw new Error(`answerBatch returned ${got.length} answers for ${batch.length} questions`);
    waves++;
    modelQueries += batch.length;
    // Every answer is kept for later asks (H may ask one twice, or another run the same), then runs
    // move on.
    if (ahead) got.forEach((a, j) => knownIn(batch[j]!.ctx).set(task.questionKey(batch[j]!.question), a));
    got.forEach((a, j) => {
      if (isPending[j]) advance(owner[j]!, a);
    });
  }
  return { answers, overseerCalls: all.length, waves, modelQueries };
}
