import { describe, expect, it } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import { callsPerRound, usesLearnedOverseer } from '../../src/ui/overseer-calls';

const row = (
  round: number,
  examples: number,
  overseerCalls: number,
  agreement?: number | null,
): RoundMetrics => ({
  round,
  task: 'union-find',
  preset: 'workshop',
  seed: 1,
  backend: 'wasm',
  examples,
  overseerCalls,
  labels: 0,
  seconds: round,
  examplesPerSecond: 1,
  modelAccuracy: 0.5,
  amplifiedAccuracy: 0.5,
  supervisedAccuracy: null,
  byDepth: {},
  tensors: 0,
  ...(agreement !== undefined ? { learnedOverseerAgreement: agreement } : {}),
});

describe('calls to H per round', () => {
  it('differences the cumulative counts, averaged over rounds left unevaluated', () => {
    const rounds = [row(1, 6400, 6000, null), row(2, 12800, 6200, 0.99), row(5, 32000, 6500, 0.99)];
    expect(callsPerRound(rounds)).toEqual([
      { round: 1, examples: 6400, calls: 6000 },
      { round: 2, examples: 6400, calls: 200 },
      { round: 5, examples: 6400, calls: 100 },
    ]);
  });

  it('skips a row that does not move forward (a repeated round)', () => {
    expect(callsPerRound([row(1, 100, 50), row(1, 100, 50), row(2, 200, 60)])).toEqual([
      { round: 1, examples: 100, calls: 50 },
      { round: 2, examples: 100, calls: 10 },
    ]);
  });

  it("knows a run with H' by the agreement it reports (null before it is measured counts)", () => {
    expect(usesLearnedOverseer([row(1, 100, 100), row(2, 200, 200)])).toBe(false);
    expect(usesLearnedOverseer([row(1, 100, 100, null)])).toBe(true);
  });
});
