import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import { countText, firstReaching, recordingFigures, sharedRounds } from '../../src/core/recording-figures';
import { TASK_IDS } from '../../src/core/task';
import { recordedRun } from './recorded-run';

const round = (
  r: number,
  model: number,
  supervised: number | null,
  byDepth: Record<string, number>,
): RoundMetrics => ({
  round: r,
  task: 'permutation',
  preset: 'workshop',
  seed: 1,
  backend: 'cpu',
  examples: r * 1000,
  overseerCalls: r * 1500,
  labels: r * 900,
  seconds: r,
  examplesPerSecond: 1000,
  modelAccuracy: model,
  amplifiedAccuracy: Math.min(1, model + 0.1),
  supervisedAccuracy: supervised,
  byDepth: Object.fromEntries(
    Object.entries(byDepth).map(([d, v]) => [d, { model: v, amplified: v, supervised }]),
  ),
  tensors: 10,
});

describe('figures drawn from a recording', () => {
  test('firstReaching finds the first round at the target and skips unmeasured rounds', () => {
    const ms = [round(1, 0.5, null, {}), round(2, 0.96, null, {}), round(3, 0.97, 0.99, {})];
    expect(firstReaching(ms, (m) => m.modelAccuracy)?.round).toBe(2);
    expect(firstReaching(ms, (m) => m.supervisedAccuracy)?.round).toBe(3);
    expect(firstReaching(ms, (m) => m.modelAccuracy, 0.99)).toBeUndefined();
  });

  test('the depth wave, the 95% rounds and the last round come from the metrics', () => {
    const { rec } = recordedRun('permutation');
    const metrics = [
      round(1, 0.4, 0.5, { '1': 0.92, '2': 0.3 }),
      round(2, 0.8, 0.96, { '1': 0.95, '2': 0.91 }),
      round(3, 0.95, 0.97, { '1': 0.99, '2': 0.93 }),
    ];
    const f = recordingFigures({ ...rec, metrics, trees: rec.trees.slice(0, 4) });
    expect(f.rounds).toBe(3);
    expect(f.model95).toEqual({ round: 3, examples: 3000 });
    expect(f.supervised95).toEqual({ round: 2, examples: 1800 });
    expect(f.depthWave).toEqual([
      { depth: 1, round: 1 },
      { depth: 2, round: 2 },
    ]);
    expect(f.last).toEqual({ model: 0.95, amplified: 1, supervised: 0.97 });
    expect(f.firstLead).toBeCloseTo(0.1);
  });

  test.each(TASK_IDS)('%s: the shipped recording gives figures consistent with its metrics', (task) => {
    const { rec } = recordedRun(task);
    const f = recordingFigures(rec);
    const last = rec.metrics[rec.metrics.length - 1]!;
    expect(f.last.model).toBe(last.modelAccuracy);
    if (rec.stopped === 'accuracy') expect(f.model95?.round).toBe(rec.metrics.length);
    if (f.model95) expect(rec.metrics[f.model95.round - 1]!.modelAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  test('shared rounds and counts', () => {
    const recs = TASK_IDS.map((t) => recordedRun(t).rec);
    expect(sharedRounds(recs)).toBe(Math.max(...recs.map((r) => r.metrics.length)));
    expect(countText(950)).toBe('950');
    expect(countText(134_400)).toBe('134k');
    expect(countText(2_160_000)).toBe('2.2M');
  });
});
