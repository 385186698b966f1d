import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import { narrateRound } from '../../src/ui/narrate';

function metrics(round: number, model: number[], amplified: number[]): RoundMetrics {
  const byDepth: RoundMetrics['byDepth'] = {};
  model.forEach(
    (m, i) => (byDepth[String(i + 1)] = { model: m, amplified: amplified[i]!, supervised: null }),
  );
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    round,
    task: 'permutation',
    preset: 'workshop',
    seed: 1,
    backend: 'cpu',
    examples: 100,
    overseerCalls: 100,
    labels: 100,
    seconds: 1,
    examplesPerSecond: 100,
    modelAccuracy: avg(model),
    amplifiedAccuracy: avg(amplified),
    supervisedAccuracy: null,
    byDepth,
    tensors: 10,
  };
}

describe('the sentence after a round', () => {
  test('names the depth X has mastered and the next one Amp(X) reaches', () => {
    expect(narrateRound(metrics(3, [0.99, 0.94, 0.3], [1, 0.97, 0.81]))).toBe(
      'Round 3: X now answers 94% of depth-2 questions; Amp(X) answers depth-3 questions using them (81% right), so X can learn those next.',
    );
  });
  test('early rounds: depth 1 only', () => {
    expect(narrateRound(metrics(1, [0.2, 0.1, 0.1], [1, 0.2, 0.1]))).toContain(
      'X answers 20% of depth-1 questions so far',
    );
  });
  test('all depths mastered', () => {
    const s = narrateRound(
      metrics(6, [0.99, 0.97, 0.95], [1, 0.99, 0.97]),
      metrics(5, [0.9, 0.9, 0.5], [1, 1, 0.9]),
    );
    expect(s).toContain('every depth');
    expect(s).toContain('up from');
  });
});
