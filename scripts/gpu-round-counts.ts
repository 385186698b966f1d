/**
 * WebGPU calls per amplification example and read-backs per training step, counted as issue 9
 * asks: the difference between a round of 6 steps and a round of 2 (each trained as one chunk, as
 * the page's worker trains a GPU round), so the round's evaluation and warm-up cancel out. Run in
 * Node with Dawn (SwiftShader here: counts are exact, times are not):
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     node --import tsx scripts/gpu-round-counts.ts [tasks=union-find]
 * Prints one JSON line per task, at a hardware GPU's step size (GPU_STEPS in src/learn/defaults.ts;
 * SwiftShader itself gets the CPU's).
 */
import type { TaskId } from '../src/core/task';
import { chooseBackend } from '../src/learn/backend';
import { GPU_STEPS, TASK_DEFAULTS } from '../src/learn/defaults';
import { gpuCounts, installGpuCounters } from '../src/learn/gpu-counters';
import { TrainingSession } from '../src/learn/session';

async function roundCounts(task: TaskId, steps: number) {
  const s = await TrainingSession.create({
    task,
    preset: 'workshop',
    seed: 1,
    supervised: false,
    stepsPerRound: steps,
    batchSize: TASK_DEFAULTS[task].batchSize * GPU_STEPS.batchFactor,
    heldOutQuestions: 100,
  });
  try {
    await s.train(steps); // warm-up round: shaders compile
    const c0 = gpuCounts();
    const e0 = s.examples;
    await s.train(steps);
    const c1 = gpuCounts();
    return {
      dispatches: c1.dispatches - c0.dispatches,
      readbacks: c1.mapAsyncs - c0.mapAsyncs,
      submits: c1.submits - c0.submits,
      examples: s.examples - e0,
      batchSize: s.config.batchSize,
    };
  } finally {
    s.dispose();
  }
}

async function main(): Promise<void> {
  installGpuCounters();
  await chooseBackend(['webgpu']);
  for (const task of (process.argv[2] ?? 'union-find').split(',') as TaskId[]) {
    const short = await roundCounts(task, 2);
    const long = await roundCounts(task, 6);
    const examples = long.examples - short.examples;
    process.stdout.write(
      JSON.stringify({
        task,
        batchSize: long.batchSize,
        dispatchesPerExample: (long.dispatches - short.dispatches) / examples,
        readbacksPerStep: (long.readbacks - short.readbacks) / 4,
        submitsPerStep: (long.submits - short.submits) / 4,
        perRound: { twoSteps: short, sixSteps: long },
      }) + '\n',
    );
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
