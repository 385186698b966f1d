/**
 * `node --import tsx scripts/wave-block-cost.ts [task] [chunks] [warm rounds] [reps]`: amplification's
 * CPU time per example (this thread's, from /proc, so a loaded machine skews it less than wall time)
 * by the steps each train() call asks for, on wasm with the baseline off: rounds of one session
 * alternate between the chunk sizes (default 1,10 after 4 warm rounds, 3 of each). A round's
 * last call (the curriculum's check, maybe an evaluation) is left out. Linux only.
 */
import { readFileSync } from 'node:fs';
import { chooseBackend } from '../src/learn/backend';
import { TrainingSession } from '../src/learn/session';

const task = process.argv[2] ?? 'union-find';
const sizes = (process.argv[3] ?? '1,10').split(',').map(Number);
const warm = Number(process.argv[4] ?? 4);
const reps = Number(process.argv[5] ?? 3);

/** CPU seconds of this (main) thread. */
const cpu = (): number => {
  const st = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

await chooseBackend(['wasm']);
const s = await TrainingSession.create({
  task,
  preset: 'workshop',
  seed: 1,
  supervised: false,
  evaluation: 'auto',
});
while (s.round < warm) await s.train(5);
const acc: Record<number, { ex: number; s: number; c: number; w: number }> = {};
for (let r = 0; r < reps; r++)
  for (const k of sizes) {
    const s0 = s.seconds;
    const w0 = s.teacherWaves;
    const target = s.round + 1;
    let c = 0;
    let ex = 0;
    while (s.round < target) {
      const c0 = cpu();
      const x0 = s.examples;
      const before = s.round;
      await s.train(Math.min(k, s.config.stepsPerRound - s.stepInRound));
      if (s.round === before) {
        c += cpu() - c0;
        ex += s.examples - x0;
      }
    }
    const a = (acc[k] ??= { ex: 0, s: 0, c: 0, w: 0 });
    a.ex += ex;
    a.s += s.seconds - s0;
    a.c += c;
    a.w += s.teacherWaves - w0;
    console.log(
      JSON.stringify({
        round: s.round,
        chunk: k,
        cpuMsPerExample: +((1000 * c) / ex).toFixed(3),
        waves: s.teacherWaves - w0,
        admittedDepth: s.admittedDepth,
      }),
    );
  }
for (const [k, a] of Object.entries(acc))
  console.log(`chunk ${k}: ${((1000 * a.c) / a.ex).toFixed(3)} CPU ms/example, ${a.w} waves`);
s.dispose();
