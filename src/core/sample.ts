/**
 * Sample contexts, questions and their full recursion, computed on the main thread from
 * src/core (cheap; no tfjs). The worker answers the same questions with model X.
 */
import type { Answer } from './answer';
import { fullRecursion, runOverseer, type TraceNode } from './recursion';
import { createRng } from './rng';
import { resolveParams, type AnyTask, type Params, type PresetName, type TaskId } from './task';
import { getTask } from './tasks';

/** The select's labels, fixed so the control is stable even while a task is missing. */
export const TASK_TITLES: Readonly<Record<TaskId, string>> = {
  permutation: 'Permutation powering',
  assignments: 'Sequential assignments',
  wildcard: 'Wildcard search',
  'shortest-path': 'Shortest path',
  'union-find': 'Union find',
};

/** Nodes expanded up front; the rest are answered by HCH and expanded on demand. */
export const TREE_NODE_BUDGET = 600;

export interface Sample {
  task: AnyTask;
  params: Params;
  /** The context as the task represents it (structured-cloneable, sent to the worker). */
  ctx: unknown;
  question: unknown;
  facts: string[];
  questionText: string;
  truth: Answer;
  truthText: string;
  depth: number;
  tree: TraceNode;
  /** The real question object for each key in the recursion (TraceNode.question is its JSON form). */
  questions: Map<string, unknown>;
  /** The ground-truth answer per question key. */
  truths: Map<string, Answer>;
}

export function paramsFor(task: AnyTask, preset: PresetName, size: number | undefined): Params {
  try {
    return resolveParams(task, preset, size);
  } catch {
    return resolveParams(task, preset);
  }
}

/** The context for (task, preset, size, seed) and its `index`-th sample question. */
export function makeSample(
  taskId: TaskId,
  preset: PresetName,
  size: number | undefined,
  seed: number,
  index: number,
): Sample | undefined {
  const task = getTask(taskId);
  if (!task) return undefined;
  const params = paramsFor(task, preset, size);
  const ctx = task.generateContext(createRng(seed).fork('app-context'), params);
  const qrng = createRng(seed).fork(`app-question-${index}`);
  const question = task.generateQuestion(qrng, ctx, params);
  const truth = task.solve(ctx, question) as Answer;
  return {
    task,
    params,
    ctx,
    question,
    facts: task.factTexts(ctx),
    questionText: task.questionText(question),
    truth,
    truthText: task.answerText(truth),
    depth: task.depth(ctx, question),
    tree: fullRecursion(task, ctx, question, TREE_NODE_BUDGET),
    ...collectQuestions(task, ctx, question),
  };
}

/** Distinct non-primitive questions of q's full recursion (memoised by key), up to `limit`. */
export function collectQuestions(
  task: AnyTask,
  ctx: unknown,
  q: unknown,
  limit = 5000,
): { questions: Map<string, unknown>; truths: Map<string, Answer> } {
  const out = new Map<string, unknown>();
  const memo = new Map<string, Answer>();
  const visit = (question: unknown): Answer => {
    if (task.isPrimitive(question)) return task.lookup(ctx, question) as Answer;
    const key = task.questionKey(question);
    const known = memo.get(key);
    if (known !== undefined) return known;
    if (out.size < limit) out.set(key, question);
    const answer = runOverseer(task, ctx, question, visit);
    memo.set(key, answer);
    return answer;
  };
  visit(q);
  return { questions: out, truths: memo };
}

/**
 * Computes the subquestions of an unexpanded node (children empty though not a lookup), in
 * place; returns whether anything changed.
 */
export function expandNode(sample: Sample, node: TraceNode, budget = TREE_NODE_BUDGET): boolean {
  if (node.by === 'lookup' || node.children.length > 0) return false;
  const q = sample.questions.get(node.key);
  if (q === undefined) return false;
  node.children = fullRecursion(sample.task, sample.ctx, q, budget).children;
  return node.children.length > 0;
}

/** Every distinct non-primitive question of the sample (what X is asked to answer). */
export function modelQuestions(sample: Sample): { keys: string[]; questions: unknown[] } {
  return { keys: [...sample.questions.keys()], questions: [...sample.questions.values()] };
}

export function countNodes(tree: TraceNode): number {
  let n = 1;
  for (const c of tree.children) n += countNodes(c);
  return n;
}
