import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { TASK_IDS, type TaskId } from '../../src/core/task';
import { getTask } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { PAPER_BATCH_SIZE, TASK_DEFAULTS } from '../../src/learn/defaults';
import { Learner } from '../../src/learn/learner';
import { resolveSessionConfig } from '../../src/learn/session-config';
import { stepKernels } from '../../src/learn/step-cost';
import { useWasm } from './helpers';

const resolve = (task: TaskId, preset: 'workshop' | 'paper', gpu: boolean, set = {}) =>
  resolveSessionConfig(getTask(task)!, { task, preset, seed: 1, ...set }, gpu);

describe("the paper preset's steps", () => {
  it('take the workshop preset’s steps on a hardware GPU, and stay small off one', () => {
    for (const task of TASK_IDS) {
      const paper = resolve(task, 'paper', true);
      const workshop = resolve(task, 'workshop', true);
      expect(paper.batchSize, task).toBe(workshop.batchSize);
      expect(paper.stepsPerRound, task).toBe(workshop.stepsPerRound);
      expect(paper.learningRateSchedule, task).toEqual(workshop.learningRateSchedule);
      const cpu = resolve(task, 'paper', false);
      expect(cpu.batchSize, task).toBe(PAPER_BATCH_SIZE);
      expect(cpu.stepsPerRound, task).toBe(TASK_DEFAULTS[task].stepsPerRound);
      expect(cpu.learningRateSchedule, task).toBeNull();
    }
    // What the caller sets still wins.
    expect(resolve('union-find', 'paper', true, { batchSize: 64 }).batchSize).toBe(64);
  });

  it('cost far fewer kernels per example on a GPU than the CPU’s step scaled up', async () => {
    // A GPU step's cost is its kernels (one dispatch or more each), nearly flat in its size: union
    // find's paper sizes at the GPU's step against GPU_STEPS' scaling of the CPU's 16 questions.
    await useWasm();
    const task = getTask('union-find')!;
    const config = resolve('union-find', 'paper', true);
    const perExample: Record<number, number> = {};
    for (const batch of [PAPER_BATCH_SIZE * 4, config.batchSize]) {
      const rng = createRng(1);
      const items = sampleItems(task, rng, config.params, batch / 4, 4);
      const targets = items.map((it) => task.solve(it.ctx, it.question));
      const learner = new Learner(task.encoding(config.params), config.model, () => rng.next(), 2e-3);
      learner.trainStep(items, targets, false); // Adam's slots appear on the first step
      await learner.readLoss();
      perExample[batch] = (await stepKernels(learner, items, targets)).total / items.length;
      learner.dispose();
    }
    const small = perExample[PAPER_BATCH_SIZE * 4]!;
    const large = perExample[config.batchSize]!;
    expect(large, `${large} against ${small} kernels per example`).toBeLessThan(small / 6);
  }, 180_000);
});
