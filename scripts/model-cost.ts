/**
 * Cost of one training step (Learner.trainStep) for each model on a task, side by side: tfjs
 * kernels per step (tf.profile, exact) and milliseconds per step, wall and CPU (median over
 * interleaved reps, so the machine's drift falls on every model alike), and their ratio:
 *   node --import tsx scripts/model-cost.ts [--task permutation] [--backend wasm]
 *     [--questions 128] [--reps 5] [--models task,attention]
 * `task` is the task's default model, `attention` the attention model of the same size.
 * Prints one JSON object.
 */
import { createRng } from '../src/core/rng';
import { resolveParams, type TaskId } from '../src/core/task';
import { TASKS } from '../src/core/tasks';
import { sampleItems } from '../src/learn/amplify';
import { chooseBackend, type BackendName } from '../src/learn/backend';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../src/learn/defaults';
import { Learner } from '../src/learn/learner';
import type { ModelConfig } from '../src/learn/model';
import { stepKernels } from '../src/learn/step-cost';

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function main(): Promise<void> {
  const id = flag('task', 'permutation') as TaskId;
  const backend = flag('backend', 'wasm') as BackendName;
  const questions = Number(flag('questions', '128'));
  const reps = Number(flag('reps', '5'));
  const task = TASKS[id];
  if (!task) throw new Error(`unknown task "${id}"`);
  if (!(questions >= 4 && reps >= 1)) throw new Error('--questions ≥ 4 and --reps ≥ 1');
  await chooseBackend([backend]);
  const d = TASK_DEFAULTS[id];
  const configs: Record<string, ModelConfig> = {
    task: { ...MODEL_CONFIGS[d.modelSize], ...d.model },
    attention: { ...MODEL_CONFIGS[d.modelSize] },
  };
  const names = flag('models', 'task,attention').split(',');
  const params = resolveParams(task, 'workshop');
  // As a training step: questionsPerContext + subquestionsPerContext questions per context.
  const perContext = d.questionsPerContext + d.subquestionsPerContext;
  const rng = createRng(1);
  const batches = Array.from({ length: 6 }, () =>
    sampleItems(task, rng, params, Math.round(questions / perContext), perContext),
  );
  const targets = batches.map((b) => b.map((it) => task.solve(it.ctx, it.question)));
  const learners = names.map((n) => {
    const cfg = configs[n];
    if (!cfg) throw new Error(`unknown model "${n}" (task, attention)`);
    const init = createRng(1);
    return new Learner(task.encoding(params), cfg, () => init.next(), 2e-3);
  });
  const out: Record<string, unknown> = { task: id, backend, questionsPerStep: batches[0]!.length };
  const ms: number[][] = names.map(() => []);
  // CPU time too: on a machine shared with other work, wall time per step swings with their load;
  // the step runs on one thread, so its CPU time is the steadier figure.
  const cpuMs: number[][] = names.map(() => []);
  for (const [i, learner] of learners.entries()) {
    learner.trainStep(batches[0]!, targets[0]!, false); // Adam's slots appear on the first step
    await learner.readLoss();
    const k = await stepKernels(learner, batches[1]!, targets[1]!);
    out[names[i]!] = {
      config: configs[names[i]!],
      parameters: learner.parameters,
      kernels: k.total,
      topKernels: Object.fromEntries(Object.entries(k.byName).slice(0, 12)),
    };
  }
  for (let rep = 0; rep < reps; rep++)
    for (const i of rep % 2 ? [...learners.keys()].reverse() : learners.keys()) {
      const learner = learners[i]!;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let s = 2; s < batches.length; s++) learner.trainStep(batches[s]!, targets[s]!, false);
      await learner.readLoss();
      const c = process.cpuUsage(c0);
      ms[i]!.push((performance.now() - t0) / (batches.length - 2));
      cpuMs[i]!.push((c.user + c.system) / 1000 / (batches.length - 2));
    }
  names.forEach((n, i) =>
    Object.assign(out[n] as object, {
      msPerStep: median(ms[i]!),
      msRuns: ms[i],
      cpuMsPerStep: median(cpuMs[i]!),
      cpuMsRuns: cpuMs[i],
    }),
  );
  const [first, second] = names.map((n) => out[n] as { msPerStep: number; cpuMsPerStep: number });
  if (first && second)
    out.ratio = {
      msPerStep: first.msPerStep / second.msPerStep,
      cpuMsPerStep: first.cpuMsPerStep / second.cpuMsPerStep,
    };
  learners.forEach((l) => l.dispose());
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
