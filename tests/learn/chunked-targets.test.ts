/**
 * A block of steps shares its teacher waves: the page trains in chunks whose size follows the
 * device's speed, so a run must not depend on that size, and the teacher's calls (each a
 * read-back on a GPU, a fixed cost on a CPU) must not grow as chunks shrink.
 */
import { describe, expect, it } from 'vitest';
import { TARGET_BLOCK_STEPS } from '../../src/learn/chunking';
import { TrainingSession } from '../../src/learn/session';
import { useWasm } from './helpers';

const config = {
  task: 'permutation',
  preset: 'workshop',
  seed: 5,
  modelSize: 'small',
  stepsPerRound: 6,
  batchSize: 16,
  heldOutQuestions: 60,
  supervised: false,
} as const;

/** Trains two rounds in chunks of `chunk` steps; returns what a run reports per round. */
async function twoRounds(chunk: number) {
  const s = await TrainingSession.create(config);
  try {
    const rounds = [];
    while (rounds.length < 2) {
      const p = await s.train(chunk);
      if (p.finished) rounds.push(p.finished);
    }
    return {
      rounds: rounds.map((m) => ({
        examples: m.examples,
        overseerCalls: m.overseerCalls,
        model: m.modelAccuracy,
        amplified: m.amplifiedAccuracy,
        loss: m.loss,
      })),
      waves: s.meanWaves,
    };
  } finally {
    s.dispose();
  }
}

describe('amplification targets in chunks', () => {
  it('gives the same run whatever the chunk size, one-step chunks sharing the teacher calls of a block', async () => {
    await useWasm();
    const oneByOne = await twoRounds(1);
    const inTwos = await twoRounds(2);
    const wholeRounds = await twoRounds(6);
    expect(inTwos.rounds).toEqual(oneByOne.rounds);
    expect(wholeRounds.rounds).toEqual(oneByOne.rounds);
    // A round's six steps (under TARGET_BLOCK_STEPS) go to the teacher together however the
    // caller chunks them (before blocks, one-step chunks made over three times the calls).
    expect(TARGET_BLOCK_STEPS).toBeGreaterThanOrEqual(config.stepsPerRound);
    expect(oneByOne.waves).toBeGreaterThan(0);
    expect(oneByOne.waves).toBe(wholeRounds.waves);
    expect(inTwos.waves).toBe(wholeRounds.waves);
  }, 120_000);
});
