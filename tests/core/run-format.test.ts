import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import { fullRecursion } from '../../src/core/recursion';
import {
  configKeyOf,
  FormatError,
  metricsCsv,
  RUN_FORMAT,
  shownKeys,
  snapshotFits,
  validateRecording,
  validateRunFile,
  type RunFile,
} from '../../src/core/run-format';
import { makeSample } from '../../src/core/sample';
import { readFileSync } from 'node:fs';
import { recordedRun } from './recorded-run';

function metrics(round: number): RoundMetrics {
  return {
    round,
    task: 'permutation',
    preset: 'workshop',
    seed: 1,
    backend: 'wasm',
    examples: 100 * round,
    overseerCalls: 100 * round,
    labels: 100 * round,
    seconds: round,
    examplesPerSecond: 100,
    modelAccuracy: 0.5,
    amplifiedAccuracy: 0.75,
    supervisedAccuracy: null,
    byDepth: {
      '1': { model: 0.9, amplified: 1, supervised: 0.8 },
      '2': { model: 0.1, amplified: 0.5, supervised: null },
    },
    tensors: 40,
  };
}

/** float32 zeros as base64. */
const zeros = (n: number): string => Buffer.alloc(n * 4).toString('base64');

function validRun(): RunFile {
  const history = [metrics(1), metrics(2)];
  return {
    format: RUN_FORMAT,
    version: 1,
    exportedAt: '2025-01-01T00:00:00.000Z',
    settings: { task: 'permutation', preset: 'workshop', seed: 1, modelSize: 'small', stepsPerRound: 2 },
    questionIndex: 0,
    trees: [{ round: 1, question: 0, answers: { 'c|5': 'f', x: '?' }, amplified: 'f' }],
    snapshot: {
      version: 1,
      config: {
        task: 'permutation',
        preset: 'workshop',
        seed: 1,
        modelSize: 'small',
        stepsPerRound: 2,
        batchSize: 16,
      },
      round: 2,
      examples: 200,
      overseerCalls: 200,
      labels: 200,
      seconds: 2,
      history,
      weights: { x: { w: { shape: [2, 3], data: zeros(6) } }, supervised: null },
    },
  };
}

const text = (v: unknown): string => JSON.stringify(v);
const reject = (v: unknown): string => {
  try {
    validateRunFile(typeof v === 'string' ? v : text(v));
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return (err as Error).message;
  }
  throw new Error('accepted');
};

describe('run file validation', () => {
  test('a valid file is accepted and comes back equal', () => {
    const run = validRun();
    const back = validateRunFile(text(run));
    expect(back.snapshot.history).toEqual(run.snapshot.history);
    expect(back.settings).toEqual(run.settings);
    expect(back.trees).toEqual(run.trees);
    expect(back.snapshot.weights).toEqual(run.snapshot.weights);
  });

  test('garbage, truncation and the wrong format are refused with a message', () => {
    expect(reject('\u0000\u0001garbage')).toMatch(/not valid JSON/);
    expect(reject(text(validRun()).slice(0, 200))).toMatch(/not valid JSON/);
    expect(reject([1, 2])).toMatch(/must be an object/);
    expect(reject({ ...validRun(), format: 'other' })).toMatch(/format/);
    expect(reject({ ...validRun(), version: 2 })).toMatch(/version 2/);
    expect(reject('x'.repeat(20 * 1024 * 1024 + 1))).toMatch(/larger than 20 MB/);
  });

  test('types, ranges, lengths, shapes and tasks are checked', () => {
    const mutate = (f: (r: RunFile & Record<string, never>) => void): string => {
      const r = structuredClone(validRun()) as RunFile & Record<string, never>;
      f(r);
      return reject(r);
    };
    expect(mutate((r) => ((r.settings as unknown as Record<string, unknown>).task = 'chess'))).toMatch(
      /settings.task/,
    );
    expect(mutate((r) => (r.snapshot.history[0]!.modelAccuracy = 1.5))).toMatch(/modelAccuracy/);
    expect(mutate((r) => (r.snapshot.history[1]!.round = 7))).toMatch(/expected 2/);
    expect(mutate((r) => (r.snapshot.round = 3))).toMatch(/history has 2 rounds/);
    expect(mutate((r) => (r.snapshot.weights.x.w!.shape = [2, 4]))).toMatch(/bytes/);
    expect(mutate((r) => (r.snapshot.weights.x.w!.data = '<img src=x>'))).toMatch(/not base64/);
    expect(mutate((r) => ((r.snapshot.config as unknown as Record<string, unknown>).seed = 9))).toMatch(
      /does not match/,
    );
    expect(mutate((r) => ((r.trees[0]!.answers as Record<string, unknown>).x = { html: '<b>' }))).toMatch(
      /answer/,
    );
    expect(mutate((r) => (r.snapshot.history[0]!.backend = '<img src=x onerror=alert(1)>'))).toMatch(
      /longer|not allowed/,
    );
    expect(mutate((r) => (r.snapshot.history[0]!.backend = '<b>x</b>'))).toMatch(/not allowed/);
    expect(mutate((r) => (r.trees[0]!.answers.x = '<script>'))).toMatch(/not allowed/);
    expect(mutate((r) => (r.exportedAt = 'a\u0007b'))).toMatch(/control characters/);
  });

  test('a large-step learning-rate schedule is kept (else a restored run trains at its peak) and checked', () => {
    const schedule = { peak: 6e-3, warmupSteps: 32, decaySteps: 200, constantRate: 4e-3 };
    const r = validRun();
    (r.snapshot.config as unknown as Record<string, unknown>).learningRateSchedule = { ...schedule, junk: 1 };
    expect(validateRunFile(text(r)).snapshot.config.learningRateSchedule).toEqual(schedule);
    (r.snapshot.config as unknown as Record<string, unknown>).learningRateSchedule = null;
    expect(validateRunFile(text(r)).snapshot.config.learningRateSchedule).toBeNull();
    (r.snapshot.config as unknown as Record<string, unknown>).learningRateSchedule = {
      ...schedule,
      peak: -1,
    };
    expect(() => validateRunFile(text(r))).toThrow(/learningRateSchedule.peak must be a positive number/);
    // Updates per step are kept (an older schedule without them trains one update a step).
    const twice = { ...schedule, updatesPerStep: 2 };
    (r.snapshot.config as unknown as Record<string, unknown>).learningRateSchedule = twice;
    expect(validateRunFile(text(r)).snapshot.config.learningRateSchedule).toEqual(twice);
    for (const bad of [0, 1.5, 9, '2'])
      expect(() => {
        (r.snapshot.config as unknown as Record<string, unknown>).learningRateSchedule = {
          ...schedule,
          updatesPerStep: bad,
        };
        validateRunFile(text(r));
      }).toThrow(/learningRateSchedule.updatesPerStep must be a whole number from 1 to 8/);
  });

  test('only known fields are kept', () => {
    const r = structuredClone(validRun()) as unknown as Record<string, unknown>;
    r.extra = '<img>';
    (r.settings as Record<string, unknown>).onerror = 'x';
    const back = validateRunFile(text(r)) as unknown as Record<string, unknown>;
    expect(back.extra).toBeUndefined();
    expect((back.settings as Record<string, unknown>).onerror).toBeUndefined();
  });

  test("the model's shape keeps every size and switch (a dropped switch would rebuild another model)", () => {
    const r = structuredClone(validRun());
    r.snapshot.config.model = { d: 32, hops: 3, pointer: true, sink: true, levelMemory: false };
    expect(validateRunFile(text(r)).snapshot.config.model).toEqual(r.snapshot.config.model);
    const bad = structuredClone(r);
    bad.snapshot.config.model = { d: 'wide' as unknown as number };
    expect(() => validateRunFile(text(bad))).toThrow(/model\.d must be a number/);
    const markup = structuredClone(r);
    markup.snapshot.config.model = { '<b>': 1 };
    expect(() => validateRunFile(text(markup))).toThrow(/not allowed/);
  });

  test("the overseer (H or H') is kept, checked, and part of a run's key; runs with H keep their key", () => {
    const r = structuredClone(validRun());
    r.settings.overseer = 'learned';
    (r.snapshot.config as unknown as Record<string, unknown>).overseer = 'learned';
    const back = validateRunFile(text(r));
    expect(back.settings.overseer).toBe('learned');
    expect((back.snapshot.config as unknown as Record<string, unknown>).overseer).toBe('learned');
    const bad = structuredClone(r);
    (bad.settings as unknown as Record<string, unknown>).overseer = 'robot';
    expect(reject(bad)).toMatch(/settings\.overseer/);
    const base = { task: 'wildcard', preset: 'workshop', seed: 1 } as const;
    expect(configKeyOf({ ...base, overseer: 'hand' })).toBe(configKeyOf(base));
    expect(configKeyOf(base)).toBe('wildcard|workshop||1||');
    expect(configKeyOf({ ...base, overseer: 'learned' })).not.toBe(configKeyOf(base));
    expect(snapshotFits({ ...base, overseer: 'learned' }, { ...base, overseer: 'hand' })).toBe(false);
    expect(snapshotFits(base, { ...base, overseer: 'hand' })).toBe(true);
  });

  test('the batch (questions per step) is part of a run: its key, and which snapshot fits the page', () => {
    const base = { task: 'wildcard', preset: 'workshop', seed: 1 } as const;
    expect(configKeyOf({ ...base, batchSize: 512 })).not.toBe(configKeyOf(base));
    expect(configKeyOf({ ...base, batchSize: undefined })).toBe(configKeyOf(base));
    // Left out, the batch matches whatever the session resolved (128 on a CPU, 512 on a GPU).
    expect(snapshotFits(base, { ...base, batchSize: 512 })).toBe(true);
    expect(snapshotFits({ ...base, batchSize: 256 }, { ...base, batchSize: 512 })).toBe(false);
    expect(snapshotFits({ ...base, batchSize: 512 }, { ...base, batchSize: 512 })).toBe(true);
  });

  test("every round's extras travel as plain data (H''s agreement, a NaN loss as null); the batch too", () => {
    const r = structuredClone(validRun());
    r.settings.batchSize = 64;
    const extras = {
      learnedOverseerAgreement: 0.97,
      admittedDepth: 2,
      loss: null,
      agreement: { '1': 0.9, '2': 0.5 },
      skippedEvaluations: 0,
    };
    Object.assign(r.snapshot.history[1]!, extras, { onerror: 'alert(1)', evil: { x: '<b>' } });
    Object.assign(r.snapshot.history[0]!, { learnedOverseerAgreement: null, constructor: 1 });
    const back = validateRunFile(text(r));
    expect(back.settings.batchSize).toBe(64);
    expect(back.snapshot.history[1]).toMatchObject(extras);
    expect(back.snapshot.history[0]!.learnedOverseerAgreement).toBeNull();
    // Text and tables of anything but numbers are dropped, not kept as they came.
    const kept = back.snapshot.history[1] as unknown as Record<string, unknown>;
    expect(kept.onerror).toBeUndefined();
    expect(kept.evil).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(back.snapshot.history[0], 'constructor')).toBe(false);
  });

  test('configKeyOf ignores field order and undefined', () => {
    expect(configKeyOf({ seed: 1, task: 'wildcard', preset: 'workshop', size: undefined })).toBe(
      configKeyOf({ task: 'wildcard', preset: 'workshop', seed: 1 }),
    );
  });
});

describe('CSV', () => {
  test('one header and one row per round, per-depth columns, empty for null', () => {
    const csv = metricsCsv([metrics(1), metrics(2)]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'round,examples,overseerCalls,labels,modelAccuracy,amplifiedAccuracy,supervisedAccuracy,' +
        'depth1Model,depth1Amplified,depth1Supervised,depth2Model,depth2Amplified,depth2Supervised',
    );
    expect(lines[1]).toBe('1,100,100,100,0.5,0.75,,0.9,1,0.8,0.1,0.5,');
    expect(lines).toHaveLength(3);
    expect(metricsCsv([])).toBe(
      lines[0]!.slice(
        0,
        'round,examples,overseerCalls,labels,modelAccuracy,amplifiedAccuracy,supervisedAccuracy'.length,
      ) + '\n',
    );
  });
});

describe('recordings', () => {
  test('shownKeys takes distinct non-lookup keys of the first levels, capped', () => {
    const s = makeSample('union-find', 'workshop', undefined, 1, 0)!;
    const keys = shownKeys(s.tree, 4, 50);
    expect(keys.length).toBeLessThanOrEqual(50);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys[0]).toBe(s.tree.key);
    const tree = fullRecursion(s.task, s.ctx, s.question);
    expect(shownKeys(tree, 1)).toEqual([tree.key]);
  });

  test.each(['permutation', 'assignments', 'wildcard', 'shortest-path', 'union-find'] as const)(
    'public/runs/%s.json is valid, small, and matches its sample question',
    (task) => {
      const { raw, rec, sample: s } = recordedRun(task);
      expect(raw.length).toBeLessThan(150_000);
      expect(rec.metrics.length).toBeGreaterThanOrEqual(5);
      expect(s.tree.key).toBe(rec.sample.questionKey);
      expect(rec.keys.every((k) => s.questions.has(k))).toBe(true);
    },
  );

  test('a recording for another task or with a bad field is refused', () => {
    const raw = JSON.parse(
      readFileSync(new URL('../../public/runs/permutation.json', import.meta.url), 'utf8'),
    );
    expect(() => validateRecording(raw, 'wildcard')).toThrow(/expected wildcard/);
    expect(() => validateRecording({ ...raw, trees: raw.trees.slice(1) })).toThrow();
    expect(() => validateRecording({ ...raw, version: 9 })).toThrow(/version/);
  });
});
