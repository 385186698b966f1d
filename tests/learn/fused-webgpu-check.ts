/**
 * Run by fused-webgpu.test.ts in a child process (Dawn needs its Vulkan driver found at start):
 * the fused-op cases on WebGPU, with the WGSL attention programs, printed as one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/learn/backend';
import { gpuCounts } from '../../src/learn/gpu-counters';
import { ATTEND, ATTEND_PROBS, ATTEND_SCORES_GRAD } from '../../src/learn/fused/attention-webgpu';
import { fusedCaseErrors, MODEL_CASES, switchMismatch } from './fused-cases';

async function main(): Promise<void> {
  let adapter = '';
  try {
    await chooseBackend(['webgpu']);
    const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
      .adapterInfo;
    adapter = `${info?.vendor ?? ''} ${info?.architecture ?? ''}`.trim();
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + '\n');
    process.exit(0);
  }
  const before = tf.memory().numTensors;
  const d0 = gpuCounts().dispatches;
  const errors = await fusedCaseErrors();
  const dispatches = gpuCounts().dispatches - d0;
  for (const [name, cfg] of MODEL_CASES)
    errors.push({ name: `${name}, switch on vs off`, error: await switchMismatch(cfg) });
  // Which of the WGSL kernels ran (the attention model's step must use all three).
  const profile = await tf.profile(async () => {
    await switchMismatch(MODEL_CASES[0]![1]);
  });
  const kernels = [ATTEND, ATTEND_PROBS, ATTEND_SCORES_GRAD].filter((k) =>
    profile.kernels.some((p) => p.name === k),
  );
  const leaked = tf.memory().numTensors - before;
  process.stdout.write(
    JSON.stringify({ backend: tf.getBackend(), adapter, errors, leaked, dispatches, kernels }) + '\n',
  );
  process.exit(0);
}
void main();
