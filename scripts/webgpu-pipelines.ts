/**
 * Distinct WebGPU compute pipelines (the entries of tfjs-backend-webgpu's pipeline cache) and
 * seconds for a task's first training steps and one answer batch, per model, in Node with Dawn:
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     node --import tsx scripts/webgpu-pipelines.ts [tasks=permutation] [steps=2]
 * Each pipeline is a shader compiled on first use: on SwiftShader the count is exact, the seconds
 * are a software GPU's. Prints one JSON line per task and model. The cache lives as long as the
 * process: only the first model measured counts every pipeline a run creates (`freshCache`); later
 * ones count those new to the process (run one task per process to compare tasks).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core/rng';
import { resolveParams, type TaskId } from '../src/core/task';
import { TASKS } from '../src/core/tasks';
import { sampleItems } from '../src/learn/amplify';
import { chooseBackend } from '../src/learn/backend';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../src/learn/defaults';
import { Learner } from '../src/learn/learner';

const pipelines = (): number =>
  Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).length;

async function main(): Promise<void> {
  const [list = 'permutation', s = '2'] = process.argv.slice(2);
  await chooseBackend(['webgpu']);
  let measured = 0;
  for (const id of list.split(',') as TaskId[]) {
    const task = TASKS[id];
    if (!task) throw new Error(`unknown task "${id}"`);
    const params = resolveParams(task, 'workshop');
    const d = TASK_DEFAULTS[id];
    const models = {
      task: { ...MODEL_CONFIGS[d.modelSize], ...d.model },
      attention: MODEL_CONFIGS[d.modelSize],
    };
    for (const [name, cfg] of Object.entries(models)) {
      if (name === 'attention' && !d.model?.relational) continue;
      const before = pipelines();
      const rng = createRng(1);
      const learner = new Learner(task.encoding(params), cfg, () => rng.next(), 2e-3);
      const t0 = performance.now();
      for (let i = 0; i < Number(s); i++) {
        const items = sampleItems(task, rng, params, 32, 4);
        learner.trainStep(
          items,
          items.map((it) => task.solve(it.ctx, it.question)),
          false,
        );
      }
      await learner.readLoss();
      await learner.answer(sampleItems(task, rng, params, 50, 2));
      const seconds = (performance.now() - t0) / 1000;
      learner.dispose();
      process.stdout.write(
        JSON.stringify({
          task: id,
          model: name,
          relational: !!cfg.relational,
          steps: Number(s),
          newPipelines: pipelines() - before,
          freshCache: measured++ === 0,
          seconds,
        }) + '\n',
      );
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
