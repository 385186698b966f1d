import { describe, expect, test } from 'vitest';
import {
  configKeyOf,
  FormatError,
  runFits,
  RUN_FORMAT,
  snapshotFits,
  validateRunFile,
  type RunFile,
  type RunSettings,
} from '../../src/core/run-format';

const page: RunSettings = { task: 'wildcard', preset: 'workshop', seed: 1 };

function run(settingsNoise: number | undefined, usedNoise: number | undefined): RunFile {
  return {
    format: RUN_FORMAT,
    version: 1,
    exportedAt: '2025-01-01T00:00:00.000Z',
    settings: { ...page, ...(settingsNoise === undefined ? {} : { overseerNoise: settingsNoise }) },
    questionIndex: 0,
    trees: [],
    snapshot: {
      version: 1,
      config: { ...page, ...(usedNoise === undefined ? {} : { overseerNoise: usedNoise }) },
      round: 0,
      examples: 0,
      overseerCalls: 0,
      labels: 0,
      seconds: 0,
      history: [],
      weights: { x: { w: { shape: [1], data: Buffer.alloc(4).toString('base64') } }, supervised: null },
    },
  };
}

describe('overseer noise in run settings', () => {
  test('a noisy run has a key of its own; a clean one keeps the old key', () => {
    expect(configKeyOf({ ...page, overseerNoise: 0 })).toBe(configKeyOf(page));
    // The noise is one more field at the end, present only when there is noise.
    expect(configKeyOf({ ...page, overseerNoise: 0.05 })).toBe(`${configKeyOf(page)}|noise 0.05`);
    expect(configKeyOf({ ...page, overseerNoise: 0.05 })).not.toBe(configKeyOf(page));
  });

  test('a kept run fits only the page with the same noise', () => {
    expect(runFits(page, run(undefined, 0))).toBe(true);
    expect(runFits(page, run(0.1, 0.1))).toBe(false);
    expect(runFits({ ...page, overseerNoise: 0.1 }, run(0.1, 0.1))).toBe(true);
    expect(runFits({ ...page, overseerNoise: 0.1 }, run(undefined, 0))).toBe(false);
    expect(snapshotFits({ ...page, overseerNoise: 0.05 }, { ...page, overseerNoise: 0.05 })).toBe(true);
    expect(snapshotFits(page, { ...page, overseerNoise: 0.05 })).toBe(false);
  });

  test('an imported run keeps its noise; a bad one is refused', () => {
    const ok = validateRunFile(JSON.stringify(run(0.05, 0.05)));
    expect(ok.settings.overseerNoise).toBe(0.05);
    expect(ok.snapshot.config.overseerNoise).toBe(0.05);
    for (const [s, u, where] of [
      [0.7, 0.05, 'settings.overseerNoise'],
      [0.05, -1, 'snapshot.config.overseerNoise'],
    ] as const)
      expect(() => validateRunFile(JSON.stringify(run(s, u)))).toThrow(
        expect.objectContaining({ message: expect.stringContaining(where) as string }) as FormatError,
      );
  });
});
