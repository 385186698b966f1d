import type { Answer } from './answer';
import { createRng } from './rng';
import type { AnyTask, Params, PresetName } from './task';

/** One line of DESIGN.md's dataset export (JSON Lines). */
export interface DatasetRecord {
  task: string;
  size: number;
  seed: number;
  facts: unknown;
  question: unknown;
  answer: unknown;
  depth: number;
  text: string;
}

export interface DatasetOptions {
  task: AnyTask;
  preset: PresetName;
  params: Params;
  seed: number;
  count: number;
  /** Questions asked of each context before a fresh one is drawn. */
  questionsPerContext?: number;
}

/** Builds one export record; `extra` adds fields (e.g. a model's answers) after the standard ones. */
export function datasetRecord(
  task: AnyTask,
  params: Params,
  seed: number,
  ctx: unknown,
  q: unknown,
  extra: Record<string, Answer> = {},
): DatasetRecord & Record<string, unknown> {
  const record: DatasetRecord & Record<string, unknown> = {
    task: task.id,
    size: params[task.sizeParam]!,
    seed,
    facts: task.factsJson(ctx),
    question: task.questionJson(q),
    answer: task.answerJson(task.solve(ctx, q)),
    depth: task.depth(ctx, q),
    text: task.questionText(q),
  };
  for (const [key, answer] of Object.entries(extra)) record[key] = task.answerJson(answer);
  return record;
}

/** Seeded questions with their ground truth, depths cycling so every class is represented. */
export function* generateDataset(options: DatasetOptions): Generator<DatasetRecord> {
  const { task, params, seed, count } = options;
  const perContext = options.questionsPerContext ?? 4;
  const rng = createRng(seed);
  const maxDepth = task.maxDepth(params);
  let ctx: unknown;
  for (let i = 0; i < count; i++) {
    if (i % perContext === 0) ctx = task.generateContext(rng, params);
    const q = task.generateQuestion(rng, ctx, params, (i % maxDepth) + 1);
    yield datasetRecord(task, params, seed, ctx, q);
  }
}
