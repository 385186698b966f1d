/**
 * Run by contract-webgpu.test.ts in a child process (Dawn needs its Vulkan driver found at start):
 * the contraction program against tfjs's own products and sums, the relational model with it
 * against without it, and which tfjs kernels one relational training step still runs, printed as
 * one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { contract, smallProduct } from '../../src/learn/fused/contract';
import { CONTRACT } from '../../src/learn/fused/contract-webgpu';
import { setFusedOps } from '../../src/learn/fused/switch';
import { MODEL_CONFIGS } from '../../src/learn/defaults';
import { gpuCounts } from '../../src/learn/gpu-counters';
import { Learner } from '../../src/learn/learner';
import { startWebGpu } from './dawn-start';
import { switchMismatch } from './fused-cases';

async function worst(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = await Promise.all([a.data(), b.data()]);
  if (x.length !== y.length || a.shape.join() !== b.shape.join()) return Infinity;
  let e = 0;
  for (let i = 0; i < x.length; i++) e = Math.max(e, Math.abs(x[i]! - y[i]!));
  return e;
}

/** Products of the shapes the relational model runs (2D shared by every batch, 3D batched). */
const PRODUCTS: [string, number[], number[], boolean, boolean][] = [
  ['mix', [6, 3], [3, 500], false, false],
  ['mix gradient', [6, 3], [6, 500], true, false],
  ['scores', [4, 8, 64], [4, 33, 64], false, true],
  ['reads', [4, 8, 33], [4, 33, 64], false, false],
  ['weight side', [4, 8, 33], [4, 8, 64], true, false],
  ['shared left', [8, 5], [3, 5, 7], false, false],
  ['long inner (tfjs)', [2, 600], [600, 3], false, false],
  ['long inner, split', [6, 1024], [3, 1024], false, true],
  ['long inner, split, transposed', [1024, 2], [1024, 5], true, false],
];

async function main(): Promise<void> {
  await startWebGpu();
  // A first product fills tfjs's own caches, which are not leaks.
  tf.dispose(smallProduct(tf.ones([2, 2]), tf.ones([2, 2])));
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const mark: number[] = [];
  const errors: { name: string; error: number }[] = [];
  const rng = createRng(3);
  const rand = (shape: number[]) =>
    tf.tensor(
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5),
      shape,
    );
  for (const [name, sa, sb, ta, tb] of PRODUCTS) {
    const [a, b] = [rand(sa), rand(sb)];
    const mine = smallProduct(a, b, ta, tb);
    const theirs = tf.matMul(a, b, ta, tb);
    errors.push({ name: `product: ${name}`, error: await worst(mine, theirs) });
    tf.dispose([a, b, mine, theirs]);
  }
  // A sum over axis 2 of [2, 3, 4, 5] (the hop's sum over levels), and one over axis 0 weighted.
  {
    const x = rand([2, 3, 4, 5]);
    const mine = contract(x, null, [2, 3, 5], [60, 20, 1], [], 4, 5, 0);
    const theirs = tf.sum(x, 2);
    errors.push({ name: 'sum over an inner axis', error: await worst(mine, theirs) });
    const g = rand([4, 6]);
    const y = rand([4, 6, 7]);
    const gated = contract(g, y, [6, 7], [1, 0], [7, 1], 4, 6, 42);
    const ref = tf.tidy(() => tf.sum(tf.mul(tf.reshape(g, [4, 6, 1]), y), 0));
    errors.push({ name: 'weighted sum over the first axis', error: await worst(gated, ref) });
    tf.dispose([x, mine, theirs, g, y, gated, ref]);
  }
  mark.push(performance.now() - t0);
  // fused-webgpu.test.ts compares the relational model with one register; here, with two.
  for (const [name, cfg] of [
    [
      'relational model, 2 registers',
      { ...MODEL_CONFIGS.small, relational: true, selfLayers: 1, hops: 1, registers: 2 },
    ],
  ] as const)
    errors.push({ name: `${name}, switch on vs off`, error: await switchMismatch(cfg) });

  const leaked = tf.memory().numTensors - before;

  mark.push(performance.now() - t0);
  // One training step of permutation's relational model at a small size: which tfjs kernels run.
  const task = TASKS.permutation;
  const params = resolveParams(task, 'workshop');
  const learner = new Learner(
    task.encoding(params),
    { ...MODEL_CONFIGS.medium, relational: true, selfLayers: 3, hops: 4, heads: 2 },
    () => rng.next(),
    2e-3,
  );
  const step = async (on: boolean) => {
    setFusedOps({ attention: on });
    const items = sampleItems(task, rng, params, 2, 2);
    learner.trainStep(
      items,
      items.map((it) => task.solve(it.ctx, it.question)),
      false,
    );
    await learner.readLoss();
  };
  const ran: Record<string, number> = {};
  const counted = ['BatchMatMul', 'Sum', CONTRACT];
  const restore = counted.map((k) => {
    const kernel = tf.getKernel(k, 'webgpu')!;
    const original = kernel.kernelFunc;
    kernel.kernelFunc = (args) => {
      ran[k] = (ran[k] ?? 0) + 1;
      return original(args);
    };
    return () => (kernel.kernelFunc = original);
  });
  const steps: { contract: boolean; kernels: Record<string, number>; dispatches: number }[] = [];
  for (const on of [false, true]) {
    for (const k of counted) ran[k] = 0;
    const d0 = gpuCounts().dispatches;
    await step(on);
    steps.push({ contract: on, kernels: { ...ran }, dispatches: gpuCounts().dispatches - d0 });
  }
  for (const r of restore) r();
  learner.dispose();
  process.stdout.write(
    JSON.stringify({
      backend: tf.getBackend(),
      errors,
      leaked,
      steps,
      ms: [...mark, performance.now() - t0],
    }) + '\n',
  );
  process.exit(0);
}
void main();
