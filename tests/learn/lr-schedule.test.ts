/**
 * Larger steps (512 questions against the task's 128) warm up to a higher peak rate and decay
 * from it; the task's own steps keep a constant rate, or the task's own schedule (wildcard's), and
 * any rate the caller sets is kept constant.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { overseerView, sampleItems, amplifiedAnswers } from '../../src/learn/amplify';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import { Learner, disposeWeights } from '../../src/learn/learner';
import {
  largeStepSchedule,
  learningRateScheduleProblem,
  ownStepSchedule,
  scheduleFactor,
} from '../../src/learn/lr-schedule';
import { TrainingSession } from '../../src/learn/session';
import { parseExperimentArgs } from '../../src/cli/experiment-flags';
import { firstLineThrown } from '../cli/spawn-cli';
import { useWasm } from './helpers';

describe('the large-step learning-rate schedule', () => {
  it('exists only for steps larger than the task’s, warms up, then decays', () => {
    expect(largeStepSchedule(2e-3, 128, 128, 2e-3)).toBeNull();
    expect(largeStepSchedule(2e-3, 64, 128, 2e-3)).toBeNull();
    const s = largeStepSchedule(2e-3, 512, 128, 4e-3)!;
    expect(s.peak).toBeGreaterThan(4e-3);
    expect(s.constantRate).toBe(4e-3);
    const f = (k: number) => scheduleFactor(s, k);
    expect(f(0)).toBeCloseTo(1 / s.warmupSteps, 3);
    // Rises through the warm-up, then only falls.
    for (let k = 1; k < s.warmupSteps; k++) expect(f(k)).toBeGreaterThan(f(k - 1));
    for (let k = s.warmupSteps; k < 2000; k += 50) expect(f(k + 50)).toBeLessThan(f(k));
    expect(f(s.decaySteps * 3)).toBeCloseTo(0.5, 5);
    // One update a step by default (a second costs the student's pass again; lr-schedule.ts).
    expect(s.updatesPerStep ?? 1).toBe(1);
    expect(learningRateScheduleProblem(s)).toBeNull();
    expect(learningRateScheduleProblem(null)).toBeNull();
    expect(learningRateScheduleProblem({ ...s, peak: Number.NaN })).toMatch(/peak must be a positive number/);
    expect(learningRateScheduleProblem('fast')).toMatch(/peak must be a positive number/);
  });

  it('sets the optimiser’s rate step by step (a zero rate leaves the weights as they were)', async () => {
    await useWasm();
    const task = TASKS['union-find'];
    const params = resolveParams(task, 'workshop');
    const init = createRng(1);
    const learner = new Learner(
      task.encoding(params),
      MODEL_CONFIGS.small,
      () => init.next(),
      1e-2,
      (k) => (k === 0 ? 0 : 1),
    );
    const items = sampleItems(task, createRng(2), params, 8, 4);
    const teacher = learner.snapshot();
    const targets = (await amplifiedAnswers(overseerView(task), learner, teacher, items)).answers;
    disposeWeights(teacher);
    const weights = async () => (await learner.exportWeights()) as unknown;
    const before = await weights();
    learner.trainStep(items, targets, false);
    expect(await weights()).toEqual(before);
    learner.trainStep(items, targets, false);
    expect(await weights()).not.toEqual(before);
    learner.dispose();
  });

  it('trains a step’s questions updatesPerStep times, the schedule counting updates', async () => {
    await useWasm();
    const task = TASKS['union-find'];
    const params = resolveParams(task, 'workshop');
    const items = sampleItems(task, createRng(2), params, 8, 4);
    const learner = (updates: number, clock: number[]) => {
      const init = createRng(1);
      return new Learner(
        task.encoding(params),
        MODEL_CONFIGS.small,
        () => init.next(),
        1e-2,
        (k) => (clock.push(k), 1 / (1 + k)),
        updates,
      );
    };
    const onceClock: number[] = [];
    const twiceClock: number[] = [];
    const once = learner(1, onceClock);
    const twice = learner(2, twiceClock);
    const teacher = once.snapshot();
    const targets = (await amplifiedAnswers(overseerView(task), once, teacher, items)).answers;
    disposeWeights(teacher);
    const start = await once.exportWeights();
    // One step of two updates is two steps of one update on the same questions, the rate included.
    twice.trainStep(items, targets, false);
    once.trainStep(items, targets, false);
    const afterOne = await once.exportWeights();
    expect(afterOne).not.toEqual(start);
    expect(await twice.exportWeights()).not.toEqual(afterOne);
    once.trainStep(items, targets, false);
    expect(await twice.exportWeights()).toEqual(await once.exportWeights());
    twice.trainStep(items, targets, false);
    expect(twiceClock).toEqual([0, 1, 2, 3]);
    expect(onceClock).toEqual([0, 1]);
    once.dispose();
    twice.dispose();
  });

  it('a session takes it for large steps when the rate is left to it, and keeps it in snapshots', async () => {
    await useWasm();
    const base = {
      task: 'union-find',
      preset: 'workshop',
      seed: 1,
      supervised: false,
      heldOutQuestions: 20,
    } as const;
    const small = await TrainingSession.create(base);
    expect(small.config.learningRateSchedule).toBeNull();
    expect(small.config.learningRate).toBe(2e-3);
    small.dispose();
    const set = await TrainingSession.create({ ...base, batchSize: 512, learningRate: 3e-3 });
    expect(set.config.learningRateSchedule).toBeNull();
    set.dispose();
    const large = await TrainingSession.create({
      ...base,
      batchSize: 512,
      stepsPerRound: 1,
      modelSize: 'small',
    });
    const schedule = large.config.learningRateSchedule!;
    expect(schedule).not.toBeNull();
    expect(large.config.learningRate).toBe(schedule.peak);
    await large.trainRound();
    const restored = await TrainingSession.restore(await large.snapshot());
    expect(restored.config.learningRateSchedule).toEqual(schedule);
    expect(restored.config.learningRate).toBe(schedule.peak);
    large.dispose();
    restored.dispose();
    // A kept session's schedule is checked, not trusted.
    await expect(
      TrainingSession.create({ ...base, learningRateSchedule: { ...schedule, decaySteps: -1 } }),
    ).rejects.toThrow('learningRateSchedule.decaySteps must be a positive number, got -1');
  }, 120_000);

  it("wildcard's own steps take its decaying schedule; other step sizes, a set rate and other tasks do not", async () => {
    const own = ownStepSchedule(TASK_DEFAULTS.wildcard.schedule, 128, 128, 2e-3)!;
    expect(own).toEqual({ peak: 4e-3, warmupSteps: 32, decaySteps: 300, constantRate: 2e-3 });
    expect(ownStepSchedule(TASK_DEFAULTS.wildcard.schedule, 64, 128, 2e-3)).toBeNull();
    expect(ownStepSchedule(undefined, 128, 128, 2e-3)).toBeNull();
    // Twice the constant rate at its peak, below it from update 900 on.
    expect(scheduleFactor(own, 100) * own.peak).toBeGreaterThan(1.5 * own.constantRate);
    expect(scheduleFactor(own, 899) * own.peak).toBeGreaterThan(own.constantRate);
    expect(scheduleFactor(own, 901) * own.peak).toBeLessThan(own.constantRate);
    await useWasm();
    const base = {
      task: 'wildcard',
      preset: 'workshop',
      seed: 1,
      supervised: false,
      heldOutQuestions: 20,
    } as const;
    const resolved = async (extra: object) => {
      const s = await TrainingSession.create({ ...base, ...extra });
      const { learningRate, learningRateSchedule } = s.config;
      s.dispose();
      return { learningRate, learningRateSchedule };
    };
    expect(await resolved({})).toEqual({ learningRate: 4e-3, learningRateSchedule: own });
    expect(await resolved({ learningRate: 1e-3 })).toEqual({
      learningRate: 1e-3,
      learningRateSchedule: null,
    });
    expect((await resolved({ batchSize: 64 })).learningRateSchedule).toBeNull();
    // The paper preset's 16-question steps on a CPU are not the steps it was measured at.
    expect((await resolved({ preset: 'paper' })).learningRateSchedule).toBeNull();
  }, 60_000);

  it('`experiment --lr-schedule` takes one from the command line, checked', () => {
    const schedule = { peak: 6e-3, warmupSteps: 32, decaySteps: 200, constantRate: 4e-3, updatesPerStep: 3 };
    const args = (json: string) => ['--task', 'union-find', '--lr-schedule', json];
    const parsed = parseExperimentArgs(args(JSON.stringify(schedule)));
    expect(parsed.help === false && parsed.learningRateSchedule).toEqual(schedule);
    const rejection = (json: string) => firstLineThrown(parseExperimentArgs, args(json));
    expect(rejection('fast')).toMatch(/--lr-schedule must be a JSON object, got fast/);
    expect(rejection('null')).toMatch(/--lr-schedule: must be a JSON object/);
    expect(rejection('{"peak":0.006}')).toMatch(/--lr-schedule: learningRateSchedule.warmupSteps must be/);
    expect(rejection(JSON.stringify({ ...schedule, updatesPerStep: 0 }))).toMatch(
      /updatesPerStep must be a whole number from 1 to 8, got 0/,
    );
  });
});
