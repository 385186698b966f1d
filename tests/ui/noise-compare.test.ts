import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import { narrateNoise, noiseText } from '../../src/ui/narrate';
import { cleanAt, keepCleanRun, keptCleanRun, noiseRows } from '../../src/ui/noise-compare';

function m(round: number, model: number, amplified: number): RoundMetrics {
  return {
    round,
    task: 'wildcard',
    preset: 'workshop',
    seed: 1,
    backend: 'cpu',
    examples: 6400 * round,
    overseerCalls: 6400 * round,
    labels: 0,
    seconds: round,
    examplesPerSecond: 6400,
    modelAccuracy: model,
    amplifiedAccuracy: amplified,
    supervisedAccuracy: null,
    byDepth: {},
    tensors: 10,
  };
}

const settings = { task: 'wildcard', preset: 'workshop', seed: 7 } as const;

describe('a noisy run against a clean one', () => {
  test('rows pair each noisy round with the clean round of the same number', () => {
    const rows = noiseRows(
      [m(1, 0.3, 0.5), m(2, 0.5, 0.6), m(3, 0.6, 0.7)],
      [m(1, 0.35, 0.6), m(2, 0.6, 0.8)],
    );
    expect(rows).toEqual([
      { round: 1, examples: 6400, x: 0.3, amp: 0.5, cleanX: 0.35, cleanAmp: 0.6 },
      { round: 2, examples: 12800, x: 0.5, amp: 0.6, cleanX: 0.6, cleanAmp: 0.8 },
      { round: 3, examples: 19200, x: 0.6, amp: 0.7 },
    ]);
    expect(noiseRows([m(1, 0.3, 0.5)], undefined)).toEqual([{ round: 1, examples: 6400, x: 0.3, amp: 0.5 }]);
  });

  test('cleanAt gives the same round, else the last one before it', () => {
    const clean = [m(1, 0.4, 0.5), m(2, 0.9, 0.95)];
    expect(cleanAt(clean, 2)?.modelAccuracy).toBe(0.9);
    expect(cleanAt(clean, 9)?.round).toBe(2);
    expect(cleanAt(clean, 0)).toBeUndefined();
    expect(cleanAt(undefined, 3)).toBeUndefined();
  });

  test('only clean runs are kept, under their settings without the noise', () => {
    keepCleanRun({ ...settings, overseerNoise: 0.1 }, [m(1, 0.1, 0.1)]);
    expect(keptCleanRun(settings)).toBeUndefined();
    keepCleanRun(settings, [m(1, 0.4, 0.5)]);
    expect(keptCleanRun({ ...settings, overseerNoise: 0.05 })?.map((r) => r.modelAccuracy)).toEqual([0.4]);
    expect(keptCleanRun({ ...settings, seed: 8, overseerNoise: 0.05 })).toBeUndefined();
  });

  test('the sentence names the rate, both runs and what a noisy H cost', () => {
    expect(noiseText(0.05)).toBe('5%');
    expect(noiseText(0.005)).toBe('0.5%');
    expect(narrateNoise(0.05, m(30, 0.88, 0.87), m(30, 0.97, 0.99))).toBe(
      "With 5% of H's answers wrong, X reached 88% by round 30 against 97% with a clean H (Amp(X) 87% against 99%).",
    );
    expect(narrateNoise(0.1, m(40, 0.9, 0.8), m(36, 0.95, 0.97), 'the recorded clean run')).toBe(
      "With 10% of H's answers wrong, X reached 90% by round 40 against 95% with the recorded clean run at its last round, 36 (Amp(X) 80% against 97%); X is right more often than its noisy teacher Amp(X), because training averages H's slips away.",
    );
    expect(narrateNoise(0.01, m(3, 0.5, 0.5), undefined)).toBe(
      "With 1% of H's answers wrong, X reached 50% by round 3 (Amp(X) 50%). No clean run of this seed to compare with.",
    );
  });
});
