import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { startBaselineThread } from '../../src/cli/threads';
import {
  EVAL_RATIO,
  evaluationDue,
  TrainingSession,
  withBaselineFallback,
  type SessionConfig,
} from '../../src/learn/session';
import { BaselineChannel } from '../../src/learn/supervised';
import { useWasm } from './helpers';

const tiny: SessionConfig = {
  task: 'permutation',
  preset: 'workshop',
  seed: 7,
  modelSize: 'small',
  stepsPerRound: 3,
  batchSize: 32,
  heldOutQuestions: 60,
};

const channel = startBaselineThread();
afterAll(() => channel.close());

/** What two runs must agree on, round by round. */
const metricsOf = (m: Awaited<ReturnType<TrainingSession['trainRound']>>): unknown => ({
  round: m.round,
  examples: m.examples,
  labels: m.labels,
  overseerCalls: m.overseerCalls,
  modelAccuracy: m.modelAccuracy,
  amplifiedAccuracy: m.amplifiedAccuracy,
  supervisedAccuracy: m.supervisedAccuracy,
  byDepth: m.byDepth,
});

describe('the supervised baseline in a thread of its own', () => {
  it('gives the same metrics, round by round, as the baseline trained inline (same seed)', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const inline = await TrainingSession.create(tiny);
    const threaded = await TrainingSession.create(tiny, { baseline: channel });
    expect(inline.baselineWhere).toBe('inline');
    expect(threaded.baselineWhere).toBe('thread');
    for (let r = 0; r < 2; r++) {
      const a = await inline.trainRound();
      const b = await threaded.trainRound();
      expect(a.supervisedAccuracy).not.toBeNull();
      expect(metricsOf(b)).toEqual(metricsOf(a));
    }
    // The held-out answers and the weights themselves agree too.
    expect(threaded.lastEvaluation!.supervised).toEqual(inline.lastEvaluation!.supervised);
    const [sa, sb] = [await inline.snapshot(), await threaded.snapshot()];
    expect(sb.weights.supervised).toEqual(sa.weights.supervised);
    inline.dispose();
    threaded.dispose();
    // The thread's tensors are its own: nothing is left here.
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('restores a snapshot into the thread, and refuses baseline weights that do not fit', async () => {
    await useWasm();
    const s = await TrainingSession.create(tiny);
    await s.trainRound();
    const snap = JSON.parse(JSON.stringify(await s.snapshot())) as Awaited<
      ReturnType<TrainingSession['snapshot']>
    >;
    const r = await TrainingSession.restore(snap, { baseline: channel });
    expect((await r.snapshot()).weights.supervised).toEqual(snap.weights.supervised);
    const m1 = await s.trainRound();
    const m2 = await r.trainRound();
    expect(m2.round).toBe(2);
    expect(m2.labels).toBe(m1.labels);
    r.dispose();
    s.dispose();
    const name = Object.keys(snap.weights.supervised!)[0]!;
    const bad = {
      ...snap,
      weights: {
        ...snap.weights,
        supervised: { ...snap.weights.supervised!, [name]: { shape: [1, 1], data: 'AAAAAA==' } },
      },
    };
    await expect(TrainingSession.restore(bad, { baseline: channel })).rejects.toThrow(/do not fit/);
  }, 120_000);
});

describe('a baseline thread that cannot be used', () => {
  it('leaves the baseline inline, saying why', async () => {
    await useWasm();
    // A port whose other side dies as soon as it is spoken to.
    let fail: ((e: Error) => void) | undefined;
    const dead = new BaselineChannel({
      postMessage: () => queueMicrotask(() => fail?.(new Error('it exited with code 1'))),
      listen: (_onMessage, onError) => {
        fail = onError;
      },
      close: () => undefined,
    });
    const warnings: string[] = [];
    const s = await withBaselineFallback(
      { baseline: dead },
      (w) => warnings.push(w),
      (o) => TrainingSession.create(tiny, o),
    );
    expect(s.baselineWhere).toBe('inline');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/thread failed: it exited with code 1; training the baseline inline/);
    expect((await s.trainRound()).supervisedAccuracy).not.toBeNull();
    s.dispose();
    // Errors that are not the thread's are not hidden by the fallback.
    await expect(
      withBaselineFallback(
        { baseline: dead },
        () => undefined,
        (o) => TrainingSession.create({ ...tiny, stepsPerRound: 0 }, o),
      ),
    ).rejects.toThrow(/stepsPerRound must be a positive integer/);
  }, 60_000);
});

describe("evaluation 'auto'", () => {
  it('is due once amplification has trained EVAL_RATIO times as long as the last evaluation took', () => {
    expect(evaluationDue(EVAL_RATIO * 2, 2)).toBe(true);
    expect(evaluationDue(EVAL_RATIO * 2 - 0.01, 2)).toBe(false);
    expect(evaluationDue(0, 0)).toBe(true);
  });

  it('reports every round it evaluates, says how many it skipped, and evaluates the last on request', async () => {
    await useWasm();
    // One tiny step per round and a large held-out set: rounds far shorter than an evaluation.
    const s = await TrainingSession.create({
      ...tiny,
      stepsPerRound: 1,
      batchSize: 8,
      heldOutQuestions: 600,
      supervised: false,
      evaluation: 'auto',
    });
    let ended = 0;
    for (let i = 0; i < 8; i++) {
      const p = await s.train(1);
      expect(Boolean(p.finished) !== Boolean(p.unevaluated)).toBe(true);
      ended++;
    }
    expect(s.round).toBe(ended);
    await s.evaluateLastRound();
    const rounds = s.history.map((m) => m.round);
    expect(rounds[0]).toBe(1);
    expect(rounds[rounds.length - 1]).toBe(8);
    // Each metrics row accounts for the rounds since the previous one.
    rounds.forEach((r, i) => expect(r - (rounds[i - 1] ?? 0) - 1).toBe(s.history[i]!.skippedEvaluations));
    expect(await s.evaluateLastRound()).toBeNull();
    s.dispose();
  }, 60_000);
});
