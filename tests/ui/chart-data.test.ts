import { describe, expect, it } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import {
  depthKeys,
  depthSummary,
  formatPct,
  hasSeries,
  heatCells,
  latestSummary,
  roundDomain,
  roundTicks,
  seriesPoints,
  tableRows,
} from '../../src/ui/chart/data';

function round(
  r: number,
  model: number,
  amplified: number,
  supervised: number | null,
  depths = 3,
): RoundMetrics {
  const byDepth: RoundMetrics['byDepth'] = {};
  for (let d = 1; d <= depths; d++)
    byDepth[String(d)] = {
      model: model / d,
      amplified: amplified / d,
      supervised: supervised === null ? null : supervised / d,
    };
  return {
    round: r,
    task: 'permutation',
    preset: 'workshop',
    seed: 1,
    backend: 'cpu',
    examples: r * 100,
    overseerCalls: r * 100,
    labels: r * 100,
    seconds: r,
    examplesPerSecond: 100,
    modelAccuracy: model,
    amplifiedAccuracy: amplified,
    supervisedAccuracy: supervised,
    byDepth,
    tensors: 10,
  };
}

describe('chart data', () => {
  const rounds = [round(2, 0.5, 0.75, null), round(1, 0.12345, 0.5, 0.3)];

  it('formats percentages with one decimal, — for missing', () => {
    expect(formatPct(0.12345)).toBe('12.3%');
    expect(formatPct(1)).toBe('100.0%');
    expect(formatPct(0)).toBe('0.0%');
    expect(formatPct(null)).toBe('—');
    expect(formatPct(Number.NaN)).toBe('—');
  });

  it('makes one table row per round, in order', () => {
    expect(tableRows(rounds)).toEqual([
      { round: '1', model: '12.3%', amplified: '50.0%', supervised: '30.0%' },
      { round: '2', model: '50.0%', amplified: '75.0%', supervised: '—' },
    ]);
  });

  it('leaves missing values out of a line', () => {
    expect(seriesPoints(rounds, 'model')).toEqual([
      { round: 1, value: 0.12345 },
      { round: 2, value: 0.5 },
    ]);
    expect(seriesPoints(rounds, 'supervised')).toEqual([{ round: 1, value: 0.3 }]);
  });

  it('domains and ticks', () => {
    expect(roundDomain([])).toEqual([0, 1]);
    expect(roundDomain([round(3, 0, 0, null)])).toEqual([2.5, 3.5]);
    expect(roundDomain(rounds)).toEqual([1, 2]);
    expect(roundTicks([1, 10], 20)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(roundTicks([1, 50], 5)).toEqual([1, 11, 21, 31, 41]);
    expect(roundTicks([2.5, 3.5], 5)).toEqual([3]);
  });

  it('summarises the latest round', () => {
    expect(latestSummary(rounds, true)).toBe('Round 2: Model X 50.0%, Amplified Amp(X) 75.0%, Supervised —.');
    expect(latestSummary(rounds, false)).toBe('Round 2: Model X 50.0%, Amplified Amp(X) 75.0%.');
    expect(latestSummary([], true)).toBe('No rounds yet.');
  });
});

describe('heatmap data', () => {
  it('collects depths numerically and one cell per round × depth', () => {
    const rs = [round(1, 1, 1, null, 2), round(2, 1, 1, null, 11)];
    expect(depthKeys(rs)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    const cells = heatCells(rs, 'model');
    expect(cells).toHaveLength(22);
    expect(cells.find((c) => c.round === 1 && c.depth === '3')!.value).toBeNull();
    expect(cells.find((c) => c.round === 2 && c.depth === '2')!.value).toBe(0.5);
  });

  it('knows when a series was measured', () => {
    expect(hasSeries([round(1, 1, 1, null)], 'supervised')).toBe(false);
    expect(hasSeries([round(1, 1, 1, 0.5)], 'supervised')).toBe(true);
    expect(depthSummary([round(1, 1, 0.5, null, 2)], 'amplified')).toBe(
      'Round 1: depth 1 50.0%, depth 2 25.0%.',
    );
  });
});
