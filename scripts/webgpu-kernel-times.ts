/**
 * Where one training step's GPU time goes on WebGPU, per tfjs kernel, WGSL program and shapes, in
 * Node with Dawn (GPU timestamps, `timestamp-query`: the time the GPU spent in each program, with no
 * pipeline compiles in it):
 *   VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium \
 *     node --import tsx scripts/webgpu-kernel-times.ts [task=permutation] [--model attention]
 *     [--contexts 32] [--per-context 4] [--top 25] [--warm] [--answer] [--matmul-program N]
 * The default step is the page's on a software GPU: 128 questions, 4 per context; --answer times
 * answering them instead (a teacher's wave, an evaluation). Prints one JSON
 * line: the first step's dispatches (gpu-counters.ts) and its GPU ms in all, per program and per (kernel, program, input shapes), largest first.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../src/core/rng';
import { resolveParams, type TaskId } from '../src/core/task';
import { TASKS } from '../src/core/tasks';
import { sampleItems } from '../src/learn/amplify';
import { chooseBackend } from '../src/learn/backend';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../src/learn/defaults';
import { gpuCounts } from '../src/learn/gpu-counters';
import { Learner } from '../src/learn/learner';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface Row {
  key: string;
  count: number;
  ms: number;
}

function add(table: Map<string, Row>, key: string, ms: number): void {
  const row = table.get(key) ?? { key, count: 0, ms: 0 };
  row.count++;
  row.ms += ms;
  table.set(key, row);
}

const top = (table: Map<string, Row>, n: number) =>
  [...table.values()]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
    .map((r) => ({ ...r, ms: Math.round(r.ms) }));

async function main(): Promise<void> {
  const id = (
    process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'permutation'
  ) as TaskId;
  const task = TASKS[id];
  if (!task) throw new Error(`unknown task "${id}"`);
  const contexts = Number(flag('contexts', '32'));
  const perContext = Number(flag('per-context', '4'));
  const n = Number(flag('top', '25'));
  await chooseBackend(['webgpu']);
  // tfjs's WEBGPU_MATMUL_PROGRAM_TYPE (2: its small-output program for every product), to compare.
  const program = flag('matmul-program', '');
  if (program) tf.env().set('WEBGPU_MATMUL_PROGRAM_TYPE', Number(program));
  const params = resolveParams(task, 'workshop');
  const d = TASK_DEFAULTS[id];
  const cfg =
    flag('model', 'task') === 'attention'
      ? MODEL_CONFIGS[d.modelSize]
      : { ...MODEL_CONFIGS[d.modelSize], ...d.model };
  const rng = createRng(1);
  const learner = new Learner(task.encoding(params), cfg, () => rng.next(), 2e-3);
  const answering = process.argv.includes('--answer');
  const step = async () => {
    const items = sampleItems(task, rng, params, contexts, perContext);
    if (answering) {
      await learner.answer(items);
      return;
    }
    learner.trainStep(
      items,
      items.map((it) => task.solve(it.ctx, it.question)),
      false,
    );
    await learner.readLoss();
  };
  // GPU timestamps leave pipeline compiles out: the first step is the one measured, its wall time
  // with compiles; --warm times one more step (unprofiled) for a warm step's wall time.
  const before = gpuCounts();
  let t0 = performance.now();
  const profile = process.argv.includes('--no-profile')
    ? (await step(), { kernels: [] })
    : await tf.profile(step);
  const firstSeconds = (performance.now() - t0) / 1000;
  const dispatches = gpuCounts().dispatches - before.dispatches;
  let warmSeconds: number | null = null;
  if (process.argv.includes('--warm')) {
    t0 = performance.now();
    await step();
    warmSeconds = (performance.now() - t0) / 1000;
  }
  const byProgram = new Map<string, Row>();
  const byShape = new Map<string, Row>();
  let kernels = 0;
  let gpuMs = 0;
  for (const k of profile.kernels) {
    kernels++;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    gpuMs += ms;
    // extraInfo: "Program: ms, Program: ms" (a kernel may run several programs, or none).
    const programs = (k.extraInfo ?? '')
      .split(', ')
      .filter(Boolean)
      .map((p) => p.split(': '));
    for (const [name, pms] of programs) add(byProgram, name!, Number(pms));
    const names = programs.map(([p]) => p).join('+') || '-';
    add(byShape, `${k.name} ${names} ${JSON.stringify(k.inputShapes)}`, ms);
  }
  learner.dispose();
  process.stdout.write(
    JSON.stringify({
      task: id,
      model: cfg.relational ? 'relational' : cfg.iterated ? 'iterated' : 'attention',
      questions: contexts * perContext,
      answering,
      firstSeconds,
      warmSeconds,
      dispatches,
      kernels,
      gpuMs: Math.round(gpuMs),
      byProgram: top(byProgram, n),
      byShape: top(byShape, n),
    }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
