import { describe, expect, it } from 'vitest';
import { GPU_STEPS, stepDefaults, TASK_DEFAULTS } from '../../src/learn/defaults';

const d = TASK_DEFAULTS['union-find'];

describe('step defaults per backend', () => {
  it('keeps the task defaults off a hardware GPU', () => {
    expect(stepDefaults(false, d, {})).toEqual({
      batchSize: d.batchSize,
      stepsPerRound: d.stepsPerRound,
      learningRate: d.learningRate,
    });
  });

  it('takes larger steps on a GPU, with as many examples per round and a scaled learning rate', () => {
    {
      const s = stepDefaults(true, d, {});
      expect(s.batchSize).toBe(d.batchSize * GPU_STEPS.batchFactor);
      expect(s.learningRate).toBeCloseTo(d.learningRate * GPU_STEPS.learningRateFactor);
      // Examples per round within one step's worth of the CPU's.
      expect(Math.abs(s.batchSize * s.stepsPerRound - d.batchSize * d.stepsPerRound)).toBeLessThanOrEqual(
        s.batchSize,
      );
    }
  });

  it('never overrides what the caller set, and keeps steps per round when the batch was set', () => {
    expect(stepDefaults(true, d, { batchSize: 64, stepsPerRound: 7, learningRate: 1e-3 })).toEqual({
      batchSize: 64,
      stepsPerRound: 7,
      learningRate: 1e-3,
    });
    expect(stepDefaults(true, d, { batchSize: 200 })).toEqual({
      batchSize: 200,
      stepsPerRound: d.stepsPerRound,
      learningRate: d.learningRate,
    });
    const stepsOnly = stepDefaults(true, d, { stepsPerRound: 5 });
    expect(stepsOnly.stepsPerRound).toBe(5);
    expect(stepsOnly.batchSize).toBe(d.batchSize * GPU_STEPS.batchFactor);
  });
});
