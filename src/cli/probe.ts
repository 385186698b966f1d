/**
 * `npm run probe`: how fast a model shape can learn a task at all. Supervised (true answers, no
 * amplification, no curriculum), so it separates "the model cannot compose this" from "the loop
 * is slow": it prints held-out accuracy by depth every few steps and, at the end, the examples at
 * which each depth first reached the target. The figures in README's "Learning" come from it.
 */
import { createRng } from '../core/rng';
import { sampleItems } from '../learn/amplify';
import { chooseBackend, type BackendName } from '../learn/backend';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../learn/defaults';
import { makeHeldOut, score } from '../learn/evaluate';
import { Learner } from '../learn/learner';
import type { ModelConfig } from '../learn/model';
import { ArgsError, parseArgs, runCli, usage } from './args';
import { settingFlag, settingFlags, settingsFromFlags } from './setting-flags';
import { taskFromFlags } from './task-flags';
import { watchStopSignals, yieldToEvents } from './signals';

const FLAGS = {
  ...settingFlags(['task', 'preset', 'seed']),
  steps: { type: 'int', min: 1, max: 100_000, default: 2000, help: 'training steps at most' },
  'batch-size': settingFlag('batchSize', { min: 4, default: 128 }),
  'learning-rate': settingFlag('learningRate', { default: 2e-3 }),
  'model-size': settingFlag('modelSize', { default: 'medium' }),
  model: { type: 'string', help: "JSON overrides of the model shape (default: the task's own)" },
  'attention-model': { type: 'boolean', help: "ignore the task's own model overrides" },
  'max-depth': { type: 'int', min: 1, help: 'train on depths 1…D only (default: all)' },
  target: { type: 'number', min: 0, max: 1, default: 0.95 },
  every: { type: 'int', min: 1, default: 50, help: 'evaluate every N steps' },
  backend: { type: 'string', choices: ['wasm', 'cpu'], default: 'wasm' },
  help: { type: 'boolean' },
} as const;

runCli(async () => {
  const flags = parseArgs(process.argv.slice(2), FLAGS);
  if (flags.help) {
    process.stdout.write(`${usage('npm run probe --', FLAGS)}\n`);
    return;
  }
  const run = settingsFromFlags(flags, ['task', 'preset', 'seed', 'batchSize', 'learningRate', 'modelSize']);
  const { seed = 1, batchSize = 128, learningRate = 2e-3, modelSize = 'medium' } = run;
  const { task, params } = taskFromFlags(run);
  let overrides: Partial<ModelConfig> = {};
  if (flags.model !== undefined) {
    try {
      overrides = JSON.parse(flags.model) as Partial<ModelConfig>;
    } catch {
      throw new ArgsError(`--model must be a JSON object, got ${flags.model}`);
    }
    if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
      throw new ArgsError(`--model must be a JSON object, got ${flags.model}`);
  }
  const stop = watchStopSignals();
  await chooseBackend([flags.backend as BackendName]);
  const own = flags['attention-model'] ? {} : (TASK_DEFAULTS[task.id]?.model ?? {});
  const cfg: ModelConfig = { ...MODEL_CONFIGS[modelSize], ...own, ...overrides };
  const root = createRng(seed);
  const init = root.fork('init');
  const learner = new Learner(task.encoding(params), cfg, () => init.next(), learningRate);
  const rng = root.fork('probe');
  const heldOut = makeHeldOut(task, params, seed, 400);
  const items = heldOut.map((h) => ({ ctx: h.ctx, question: h.question }));
  const maxDepth = Math.min(flags['max-depth'] ?? task.maxDepth(params), task.maxDepth(params));
  const perContext = 4;
  const contexts = Math.max(1, Math.round(batchSize / perContext));
  const reached: Record<string, number> = {};
  const t0 = Date.now();
  let examples = 0;
  process.stdout.write(
    `${task.id}, seed ${seed}, ${learner.parameters} parameters, model ${JSON.stringify(cfg)}\n`,
  );
  try {
    for (let step = 1; step <= flags.steps && !stop.signal; step++) {
      const batch = sampleItems(task, rng, params, contexts, perContext, () => 1 + rng.int(maxDepth));
      learner.trainStep(
        batch,
        batch.map((it) => task.solve(it.ctx, it.question)),
        false,
      );
      examples += batch.length;
      await yieldToEvents();
      if (step % flags.every !== 0) continue;
      const s = score(heldOut, await learner.answer(items));
      for (const [d, a] of Object.entries(s.byDepth))
        if (a >= flags.target && !(d in reached)) reached[d] = examples;
      const byDepth = Object.entries(s.byDepth)
        .map(([d, a]) => `d${d} ${(100 * a).toFixed(0)}`)
        .join(' ');
      process.stdout.write(
        `step ${step}  examples ${examples}  ${((Date.now() - t0) / 1000).toFixed(0)} s  all ${(100 * s.overall).toFixed(1)}%  ${byDepth}\n`,
      );
      if (Object.keys(reached).length >= task.maxDepth(params)) break;
    }
  } finally {
    learner.dispose();
  }
  process.stdout.write(
    `examples to ${flags.target} by depth: ${JSON.stringify(reached)}${stop.signal ? ` (stopped by ${stop.signal})` : ''}\n`,
  );
});
