/**
 * A first round of the page's session on WebGPU in Node with Dawn, split as the session counts it:
 * amplification (the teacher's waves and the student's steps), the supervised baseline (inline
 * here; its own worker in the page), the evaluation; with dispatches and pipelines created.
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     node --import tsx scripts/webgpu-round.ts [task=permutation] [--steps 30] [--supervised off]
 * Prints one JSON line. On SwiftShader the seconds are a software GPU's, the counts exact.
 */
import * as tf from '@tensorflow/tfjs';
import { type TaskId } from '../src/core/task';
import { chooseBackend } from '../src/learn/backend';
import { gpuCounts } from '../src/learn/gpu-counters';
import { TrainingSession } from '../src/learn/session';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const pipelines = (): number =>
  Object.keys((tf.backend() as unknown as { pipelineCache: Record<string, unknown> }).pipelineCache).length;

async function main(): Promise<void> {
  const task = (
    process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'permutation'
  ) as TaskId;
  const steps = Number(flag('steps', '30'));
  await chooseBackend(['webgpu']);
  const t0 = performance.now();
  const s = await TrainingSession.create({
    task,
    preset: 'workshop',
    seed: 1,
    supervised: flag('supervised', 'on') !== 'off',
    stepsPerRound: steps,
  });
  const created = (performance.now() - t0) / 1000;
  const c0 = gpuCounts();
  const r0 = performance.now();
  const m = await s.trainRound();
  const roundSeconds = (performance.now() - r0) / 1000;
  const c1 = gpuCounts();
  process.stdout.write(
    JSON.stringify({
      task,
      backend: s.backend,
      batchSize: s.config.batchSize,
      steps,
      model: s.config.model,
      createdSeconds: created,
      roundSeconds,
      amplificationSeconds: m.seconds,
      supervisedSeconds: m.supervisedSeconds,
      evalSeconds: m.evalSeconds,
      examples: m.examples,
      teacherWaves: s.teacherWaves,
      dispatches: c1.dispatches - c0.dispatches,
      mapAsyncs: c1.mapAsyncs - c0.mapAsyncs,
      pipelines: pipelines(),
      modelAccuracy: m.modelAccuracy,
    }) + '\n',
  );
  s.dispose();
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
