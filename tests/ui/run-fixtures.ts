// Runs as the page's run tests see them: a page's settings, a round's metrics, a recording.
import type { RoundMetrics } from '../../src/core/metrics';
import { RECORDING_FORMAT, type Recording, type RunSettings } from '../../src/core/run-format';

export const PAGE: RunSettings = { task: 'wildcard', preset: 'workshop', seed: 1, stepsPerRound: 20 };

export function metrics(round: number, backend = 'wasm'): RoundMetrics {
  return {
    round,
    task: 'wildcard',
    preset: 'workshop',
    seed: 1,
    backend,
    examples: 10 * round,
    overseerCalls: 10 * round,
    labels: 10 * round,
    seconds: round,
    examplesPerSecond: 10,
    modelAccuracy: 0.5,
    amplifiedAccuracy: 0.6,
    supervisedAccuracy: 0.55,
    byDepth: {},
    tensors: 30,
  };
}

export function recording(rounds: number): Recording {
  return {
    format: RECORDING_FORMAT,
    version: 1,
    recordedAt: '2026-01-01T00:00:00Z',
    task: 'wildcard',
    settings: {
      preset: 'workshop',
      size: null,
      seed: 1,
      modelSize: 'medium',
      stepsPerRound: 200,
      batchSize: 128,
      learningRate: 0.003,
      backend: 'wasm',
    },
    stopped: 'accuracy',
    sample: { questionIndex: 2, questionKey: 'q' },
    keys: ['a'],
    metrics: Array.from({ length: rounds }, (_, i) => metrics(i + 1)),
    trees: Array.from({ length: rounds + 1 }, (_, i) => ({ round: i, answers: [true], amplified: true })),
  };
}
