/**
 * Milliseconds per training step (Learner.trainStep, the workshop model) with the fused ops
 * (src/learn/fused) switched off and on, interleaved so the machine's drift falls on both:
 *   node --import tsx scripts/fused-step-time.ts [backend=wasm] [tasks] [contexts=128] [reps=4]
 * Each step trains on `contexts` contexts × 2 questions. Prints one JSON line per task.
 */
import { createRng } from '../src/core/rng';
import { resolveParams, type TaskId } from '../src/core/task';
import { TASKS } from '../src/core/tasks';
import { sampleItems } from '../src/learn/amplify';
import { chooseBackend, type BackendName } from '../src/learn/backend';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../src/learn/defaults';
import { setFusedOps } from '../src/learn/fused/switch';
import { Learner } from '../src/learn/learner';

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const [backend = 'wasm', list = 'assignments,wildcard,permutation', c = '128', r = '4'] =
    process.argv.slice(2);
  const contexts = Number(c);
  const reps = Number(r);
  if (!(contexts >= 1 && reps >= 1)) throw new Error('contexts and reps must be positive numbers');
  await chooseBackend([backend as BackendName]);
  for (const id of list.split(',') as TaskId[]) {
    const task = TASKS[id];
    if (!task) throw new Error(`unknown task "${id}"`);
    const params = resolveParams(task, 'workshop');
    const cfg = { ...MODEL_CONFIGS[TASK_DEFAULTS[id].modelSize], ...TASK_DEFAULTS[id].model };
    const rng = createRng(1);
    const learner = new Learner(task.encoding(params), cfg, () => rng.next(), 2e-3);
    const batches = Array.from({ length: 6 }, () => sampleItems(task, rng, params, contexts, 2));
    const targets = batches.map((b) => b.map((it) => task.solve(it.ctx, it.question)));
    const ms: Record<'off' | 'on', number[]> = { off: [], on: [] };
    for (let rep = 0; rep < reps; rep++)
      // Alternating which goes first, so neither always follows the other's garbage.
      for (const on of rep % 2 ? [true, false] : [false, true]) {
        setFusedOps({ dense: on, attention: on });
        await learner.trainStep(batches[0]!, targets[0]!, false); // warm-up for this setting
        const t0 = performance.now();
        for (let s = 1; s < batches.length; s++) await learner.trainStep(batches[s]!, targets[s]!, false);
        ms[on ? 'on' : 'off'].push((performance.now() - t0) / (batches.length - 1));
      }
    learner.dispose();
    const out = {
      backend,
      task: id,
      questionsPerStep: contexts * 2,
      msPerStep: ms,
      medianOff: median(ms.off),
      medianOn: median(ms.on),
    };
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
