/**
 * Run by webgpu-rounds.test.ts in a child process (Dawn needs its Vulkan driver found at start):
 * a session on WebGPU over many rounds, printed as one JSON line: the tensor count after every
 * round, and, for chunks of steps within a round, the buffer read-backs against the teacher's
 * waves (each wave is one read-back; a chunk should add only its loss).
 */
import * as tf from '@tensorflow/tfjs';
import { chooseBackend } from '../../src/learn/backend';
import { gpuCounts } from '../../src/learn/gpu-counters';
import { TrainingSession } from '../../src/learn/session';

async function main(): Promise<void> {
  try {
    await chooseBackend(['webgpu']);
  } catch (err) {
    process.stdout.write(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }) + '\n');
    process.exit(0);
  }
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
    stepsPerRound: 8,
  });
  const tensors: number[] = [];
  const chunks: { steps: number; readbacks: number; waves: number }[] = [];
  // Five rounds: the three with chunks (1–3), one before them and one after.
  for (let r = 0; r < 5; r++) {
    if (r >= 1 && r <= 3) {
      // Within a round (its end evaluates): a chunk of 1, 3 or 7 steps, then the rest.
      const steps = [1, 3, 7][r - 1]!;
      const c0 = gpuCounts().mapAsyncs;
      const w0 = s.teacherWaves;
      await s.train(steps);
      chunks.push({ steps, readbacks: gpuCounts().mapAsyncs - c0, waves: s.teacherWaves - w0 });
    }
    tensors.push((await s.trainRound()).tensors);
  }
  s.dispose();
  const leaked = tf.memory().numTensors - before;
  process.stdout.write(JSON.stringify({ backend: tf.getBackend(), tensors, leaked, chunks }) + '\n');
  process.exit(0);
}

void main();
