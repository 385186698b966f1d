/**
 * Run by fused-webgpu.test.ts in a child process (Dawn needs its Vulkan driver found at start):
 * the fused-op cases on WebGPU, with the WGSL attention programs, printed as one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { gpuCounts } from '../../src/learn/gpu-counters';
import { ATTEND, ATTEND_PROBS, ATTEND_SCORES_GRAD } from '../../src/learn/fused/attention-webgpu';
import { startWebGpu } from './dawn-start';
import { fusedCaseErrors, MODEL_CASES, switchMismatch } from './fused-cases';

async function main(): Promise<void> {
  const adapter = await startWebGpu();
  const before = tf.memory().numTensors;
  const d0 = gpuCounts().dispatches;
  const errors = await fusedCaseErrors();
  const dispatches = gpuCounts().dispatches - d0;
  // Which of the WGSL kernels ran during the attention model's case (its step must use all
  // three): counted by wrapping their registered functions, not by tf.profile, which would time
  // and read back every kernel's output (a second, much slower pass).
  const names = [ATTEND, ATTEND_PROBS, ATTEND_SCORES_GRAD];
  const ran = new Set<string>();
  const restore = names.map((k) => {
    const kernel = tf.getKernel(k, 'webgpu')!;
    const original = kernel.kernelFunc;
    kernel.kernelFunc = (args) => {
      ran.add(k);
      return original(args);
    };
    return () => (kernel.kernelFunc = original);
  });
  const [first, ...rest] = MODEL_CASES;
  errors.push({ name: `${first![0]}, switch on vs off`, error: await switchMismatch(first![1]) });
  for (const r of restore) r();
  const kernels = names.filter((k) => ran.has(k));
  for (const [name, cfg] of rest)
    errors.push({ name: `${name}, switch on vs off`, error: await switchMismatch(cfg) });
  const leaked = tf.memory().numTensors - before;
  process.stdout.write(
    JSON.stringify({ backend: tf.getBackend(), adapter, errors, leaked, dispatches, kernels }) + '\n',
  );
  process.exit(0);
}
void main();
