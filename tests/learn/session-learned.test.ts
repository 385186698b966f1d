import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { TrainingSession, type SessionConfig, type SessionRoundMetrics } from '../../src/learn/session';
import { useWasm } from './helpers';

const config: SessionConfig = {
  task: 'wildcard',
  preset: 'workshop',
  seed: 4,
  modelSize: 'small',
  stepsPerRound: 10,
  batchSize: 64,
  heldOutQuestions: 60,
  supervised: false,
  overseer: 'learned',
};

describe("TrainingSession with the learned overseer H'", () => {
  it("counts calls to the real H only: all of them until H' is trusted, few after; tensors stay flat", async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const s = await TrainingSession.create(config);
    const rounds: SessionRoundMetrics[] = [];
    const trusted = (): number => rounds.findIndex((m) => (m.learnedOverseerAgreement ?? 0) >= 0.98);
    // Up to 8 rounds, stopping three rounds after the first one H' is trusted in.
    for (let r = 0; r < 8 && (trusted() < 0 || r < trusted() + 4); r++) rounds.push(await s.trainRound());
    const first = rounds[0]!;
    // Before H' is trained, H makes every decomposition (the generated questions and the subquestions).
    expect(first.overseerCalls).toBeGreaterThanOrEqual(first.examples);
    const trustedAt = trusted();
    expect(trustedAt).toBeGreaterThanOrEqual(0);
    const a = rounds[trustedAt]!;
    const b = rounds[rounds.length - 1]!;
    expect(b.round).toBeGreaterThan(a.round);
    // After: only audits (1 call in 50) and unfamiliar steps go to H.
    expect(b.overseerCalls - a.overseerCalls).toBeLessThan(0.1 * (b.examples - a.examples));
    expect(new Set(rounds.slice(trustedAt + 1).map((m) => m.tensors)).size).toBe(1);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 300_000);

  it('rejects an unknown overseer with a clear message', async () => {
    await useWasm();
    await expect(
      TrainingSession.create({ ...config, overseer: 'robot' as unknown as 'hand' }),
    ).rejects.toThrow(/overseer must be 'hand' or 'learned', got robot/);
  });
});
