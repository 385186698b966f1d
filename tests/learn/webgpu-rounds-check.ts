/**
 * Run by webgpu-rounds.test.ts in a child process (Dawn needs its Vulkan driver found at start):
 * a session on WebGPU over many rounds, printed as one JSON line: the tensor count after every
 * round, and, for chunks of steps within a round, the buffer read-backs against the teacher's
 * waves (each wave is one read-back; a chunk should add only its loss).
 */
import * as tf from '@tensorflow/tfjs';
import { gpuCounts } from '../../src/learn/gpu-counters';
import { TrainingSession } from '../../src/learn/session';
import { startWebGpu } from './dawn-start';

/**
 * The matmul program the backend was left with, and a product of a small output (the shapes tfjs
 * gives its reduce program) against one computed here in plain JS.
 */
async function matmulCheck(): Promise<{ program: number; error: number }> {
  const [m, k, n] = [4, 32, 32];
  const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
  const product = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
  const got = await product.data();
  product.dispose();
  let error = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let want = 0;
      for (let x = 0; x < k; x++) want += a[i * k + x]! * b[x * n + j]!;
      error = Math.max(error, Math.abs(want - got[i * n + j]!));
    }
  return { program: tf.env().getNumber('WEBGPU_MATMUL_PROGRAM_TYPE'), error };
}

async function main(): Promise<void> {
  const adapter = await startWebGpu();
  const before = tf.memory().numTensors;
  const s = await TrainingSession.create({
    task: 'union-find',
    preset: 'workshop',
    seed: 4,
    modelSize: 'small',
    // The claims are about counts, not accuracy: few held-out questions keep SwiftShader quick.
    batchSize: 8,
    heldOutQuestions: 8,
    curriculum: false,
    stepsPerRound: 4,
  });
  const tensors: number[] = [];
  const chunks: { steps: number; readbacks: number; waves: number }[] = [];
  // Four rounds: the two with chunks (1–2), one before them and one after.
  for (let r = 0; r < 4; r++) {
    if (r >= 1 && r <= 2) {
      // Within a round (its end evaluates): a chunk of 1 or 3 steps, then the rest.
      const steps = [1, 3][r - 1]!;
      const c0 = gpuCounts().mapAsyncs;
      const w0 = s.teacherWaves;
      await s.train(steps);
      chunks.push({ steps, readbacks: gpuCounts().mapAsyncs - c0, waves: s.teacherWaves - w0 });
    }
    tensors.push((await s.trainRound()).tensors);
  }
  s.dispose();
  const leaked = tf.memory().numTensors - before;
  process.stdout.write(
    JSON.stringify({
      backend: tf.getBackend(),
      adapter,
      matmul: await matmulCheck(),
      tensors,
      leaked,
      chunks,
    }) + '\n',
  );
  process.exit(0);
}

void main();
