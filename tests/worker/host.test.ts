import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNKNOWN } from '../../src/core/answer';
import { amplifiedTrace } from '../../src/core/recursion';
import { getTask } from '../../src/core/tasks';
import { TrainingSession, type SessionConfig } from '../../src/learn/session';
import { serveBaseline } from '../../src/learn/supervised';
import { TrainingClient } from '../../src/worker/client';
import type { CreateSession, TrainingHostOptions } from '../../src/worker/host';
import type { SessionSnapshot, TrainConfig, WorkerEvent } from '../../src/worker/protocol';
import { useWasm } from '../learn/helpers';
import { memoryWorker, type MemoryWorker } from './memory-worker';

const config: TrainConfig = {
  task: 'permutation',
  preset: 'workshop',
  seed: 3,
  modelSize: 'small',
  stepsPerRound: 2,
  batchSize: 16,
};

/** The real session, with a small held-out set so each round's evaluation is quick; no baseline. */
const tinySession: CreateSession = (c, o) =>
  TrainingSession.create({ ...c, heldOutQuestions: 40, supervised: false }, o);
/** The same with the supervised baseline (the page's sessions always train it). */
const tinySessionWithBaseline: CreateSession = (c, o) =>
  TrainingSession.create({ ...c, heldOutQuestions: 40 }, o);

/** A session whose train() throws on its `n`th call, as a backend failing mid-round would. */
const failingOnCall =
  (n: number): CreateSession =>
  async (c: SessionConfig, o) => {
    const s = await tinySession(c, o);
    const train = s.train.bind(s);
    let calls = 0;
    s.train = (steps) => (++calls === n ? Promise.reject(new Error('the GPU fell over')) : train(steps));
    return s;
  };

/** A client over in-memory hosts; each (re)start takes the next host options (the last repeats). */
function connect(...spawns: Omit<TrainingHostOptions, 'transport'>[]) {
  const events: WorkerEvent[] = [];
  const workers: MemoryWorker[] = [];
  const client = new TrainingClient(
    () => {
      const w = memoryWorker(spawns[Math.min(workers.length, spawns.length - 1)]!);
      workers.push(w);
      return w;
    },
    (e) => events.push(e),
  );
  const configure = () => client.request<'configure'>({ type: 'configure', config, backends: ['wasm'] });
  const until = async (what: string, found: () => boolean): Promise<void> => {
    for (let i = 0; i < 2000 && !found(); i++) await new Promise((r) => setTimeout(r, 10));
    if (!found()) throw new Error(`timed out waiting for ${what}`);
  };
  const rounds = () => events.flatMap((e) => (e.type === 'round' ? [e] : []));
  const fatals = () => events.flatMap((e) => (e.type === 'error' && e.fatal ? [e] : []));
  /** Stops the client's worker and waits until its host has freed its session. */
  const stop = async () => {
    client.stop();
    await Promise.all(workers.map((w) => w.closed));
  };
  return { client, events, workers, configure, until, rounds, fatals, stop };
}

let before = 0;
beforeAll(async () => {
  await useWasm();
  before = tf.memory().numTensors;
});
afterAll(() => {
  // Every host was closed: nothing they built is left.
  expect(tf.memory().numTensors).toBe(before);
});

describe('the training host, driven through the real protocol in Node', () => {
  let saved: SessionSnapshot;
  let savedAnswers: unknown[];
  const question = { ctx: undefined as unknown, question: undefined as unknown };

  it('starts, steps whole rounds with flat tensors, plays and pauses, and snapshots at a boundary', async () => {
    const t = connect({ createSession: tinySession });
    const configured = await t.configure();
    expect(configured).toMatchObject({ backend: 'wasm', round: 0, stepInRound: 0, running: false });
    expect(t.events[0]).toMatchObject({ type: 'backend', backend: 'wasm' });

    const stepped = await t.client.request<'step'>({ type: 'step', rounds: 3 });
    expect(stepped).toMatchObject({ stopped: 'done', round: 3, stepInRound: 0, running: false });
    expect(t.rounds().map((e) => e.metrics.round)).toEqual([1, 2, 3]);
    const running = t.events.flatMap((e) => (e.type === 'running' ? [e.running] : []));
    expect(running).toEqual([true, false]);
    // After the first round (which makes the optimiser's slots) the count stays flat.
    const counts = t.rounds().map((e) => e.tensors);
    expect(counts[2]).toBe(counts[1]);

    // Play, then pause once a round has finished: the reply says it paused, not done.
    const shown = t.rounds().length;
    const played = t.client.request<'play'>({ type: 'play', pauseMs: 0 });
    await t.until('a round while playing', () => t.rounds().length > shown);
    const paused = await t.client.request<'pause'>({ type: 'pause' });
    expect(paused.running).toBe(false);
    expect((await played).stopped).toBe('paused');
    const all = t.rounds();
    expect(all.map((e) => e.metrics.round)).toEqual(all.map((_, i) => i + 1));
    expect(new Set(all.slice(1).map((e) => e.tensors)).size).toBe(1);

    // A round boundary: finish the current round, then take the snapshot and X's answers there.
    await t.client.request<'step'>({ type: 'step', rounds: 1 });
    saved = await t.client.request<'snapshot'>({ type: 'snapshot' });
    expect(saved.round).toBe(t.rounds().length);
    const probe = await tinySession({ ...config }, {});
    const held = (probe as TrainingSession).heldOut[0]!;
    probe.dispose();
    question.ctx = held.ctx;
    question.question = held.question;
    const sample = await t.client.request<'sample'>({
      type: 'sample',
      ctx: held.ctx,
      question: held.question,
      questions: [held.question],
    });
    savedAnswers = sample.answers;
    expect(sample.answers).toHaveLength(1);
    expect(sample.amplified.question).toEqual(held.question);
    await t.stop();
    expect(t.fatals()).toEqual([]);
  }, 60_000);

  it('spaces rounds pauseMs apart while playing, waiting only for what a round did not take, and says where its time went', async () => {
    // Each chunk takes at least 80 ms, so a two-step round takes longer than a 50 ms pause.
    const slow: CreateSession = async (c, o) => {
      const s = await tinySession(c, o);
      const train = s.train.bind(s);
      s.train = async (steps) => {
        await new Promise((r) => setTimeout(r, 80));
        return train(steps);
      };
      return s;
    };
    const t = connect({ createSession: slow });
    await t.configure();
    const playFor = async (pauseMs: number, rounds: number) => {
      const from = t.rounds().length;
      const played = t.client.request<'play'>({ type: 'play', pauseMs });
      await t.until(`${rounds} rounds`, () => t.rounds().length >= from + rounds);
      await t.client.request<'pause'>({ type: 'pause' });
      await played;
      return t.rounds().slice(from, from + rounds);
    };
    const quick = await playFor(50, 3);
    // Rounds slower than the pause follow at once.
    for (const r of quick.slice(1)) expect(r.work.betweenRounds).toBeLessThan(1);
    const paced = await playFor(1500, 3);
    for (let i = 1; i < paced.length; i++) {
      // A round and the wait after it take the pause: the wait is what the round left of it
      // (less the progress messages and yields, a few ms each). On a loaded machine a round can
      // outlast the pause; then the next follows at once.
      const prev = paced[i - 1]!.work;
      const cur = paced[i]!.work;
      const worked = prev.chunks + prev.boundarySnapshot;
      const spanned = worked + cur.betweenRounds;
      if (worked < 1400) expect(cur.betweenRounds).toBeGreaterThan(0);
      expect(spanned).toBeLessThanOrEqual(Math.max(1505, worked + 5));
      expect(spanned).toBeGreaterThan(1200);
      expect(cur.betweenRounds + cur.chunks).toBeLessThanOrEqual(cur.wall + 1);
    }
    for (const r of [...quick, ...paced]) {
      expect(r.work.steps).toBe(config.stepsPerRound);
      expect(r.work.chunks).toBeGreaterThanOrEqual(80 * r.work.chunkCount);
    }
    await t.stop();
    expect(t.fatals()).toEqual([]);
  }, 60_000);

  it("answers the sample tree's Amp(X) from X's answers to the tree's questions, one model call in all", async () => {
    let session: TrainingSession | undefined;
    let calls = 0;
    const counted: CreateSession = async (c, o) => {
      const s = (await tinySession(c, o)) as TrainingSession;
      const answer = s.answer.bind(s);
      s.answer = (ctx, questions) => {
        calls++;
        return answer(ctx, questions);
      };
      session = s;
      return s;
    };
    const t = connect({ createSession: counted });
    await t.configure();
    await t.client.request<'step'>({ type: 'step', rounds: 1 });
    const s = session!;
    const task = getTask(config.task)!;
    // Amp(X) asking X one subquestion at a time: the trace the request must give.
    const { ctx, question } = s.heldOut.find((h) => h.depth >= 2)!;
    const asked: unknown[] = [];
    const expected = await amplifiedTrace(task, ctx, question, async (c, sub) => {
      asked.push(sub);
      return (await s.answer(c, [sub]))[0] ?? UNKNOWN;
    });
    expect(asked.length).toBeGreaterThan(0);
    calls = 0;
    const got = await t.client.request<'sample'>({ type: 'sample', ctx, question, questions: asked });
    expect(got.amplified).toEqual(expected);
    expect(calls).toBe(1);
    // A subquestion the page did not list is still asked of X.
    calls = 0;
    const fewer = await t.client.request<'sample'>({
      type: 'sample',
      ctx,
      question,
      questions: asked.slice(1),
    });
    expect(fewer.amplified).toEqual(expected);
    expect(calls).toBeGreaterThan(1);
    await t.stop();
    expect(t.fatals()).toEqual([]);
  }, 30_000);

  it('refuses a snapshot that does not fit and keeps the session it has', async () => {
    const t = connect({ createSession: tinySession });
    await t.configure();
    await t.client.request<'step'>({ type: 'step', rounds: 1 });
    const bad = structuredClone(saved);
    for (const w of Object.values(bad.weights.x)) w.data = w.data.slice(0, 8);
    await expect(t.client.request<'restore'>({ type: 'restore', snapshot: bad, config })).rejects.toThrow();
    const after = await t.client.request<'step'>({ type: 'step', rounds: 1 });
    expect(after.round).toBe(2);
    expect(t.fatals()).toEqual([]);
    await t.stop();
  }, 30_000);

  it('a session that throws mid-round is fatal; a fresh host restores the snapshot and continues', async () => {
    const t = connect({ createSession: failingOnCall(2) }, { createSession: tinySession });
    await t.configure();
    const stepped = await t.client.request<'step'>({ type: 'step', rounds: 2 });
    expect(stepped.stopped).toBe('paused');
    await t.until('the fatal error', () => t.fatals().length > 0);
    expect(t.fatals()[0]!.message).toBe('Training failed: the GPU fell over');
    // The dead host answers every later request with an error instead of training on.
    await expect(t.client.request<'step'>({ type: 'step', rounds: 1 })).rejects.toThrow(
      'the worker has stopped after a fatal error',
    );

    // What the page does: a fresh worker, configured again, then the kept snapshot restored.
    t.client.restart();
    expect(t.workers).toHaveLength(2);
    await t.configure();
    const restored = await t.client.request<'restore'>({ type: 'restore', snapshot: saved, config });
    expect(restored).toMatchObject({ round: saved.round, stepInRound: 0, running: false });
    const sample = await t.client.request<'sample'>({
      type: 'sample',
      ctx: question.ctx,
      question: question.question,
      questions: [question.question],
    });
    expect(sample.answers).toEqual(savedAnswers);
    const shown = t.rounds().length;
    const next = await t.client.request<'step'>({ type: 'step', rounds: 2 });
    expect(next).toMatchObject({ stopped: 'done', round: saved.round + 2 });
    const resumed = t.rounds().slice(shown);
    expect(resumed.map((e) => e.metrics.round)).toEqual([saved.round + 1, saved.round + 2]);
    expect(resumed[1]!.tensors).toBe(resumed[0]!.tensors);
    expect(t.fatals()).toHaveLength(1);
    await t.stop();
  }, 60_000);

  it('a session factory that throws fails configure, fatally; restore needs a backend first', async () => {
    const broken: CreateSession = () => Promise.reject(new Error('no model today'));
    const t = connect({ createSession: broken });
    await expect(t.client.request<'restore'>({ type: 'restore', snapshot: saved, config })).rejects.toThrow(
      'the worker has no backend yet',
    );
    await expect(t.configure()).rejects.toThrow('no model today');
    await t.until('the fatal error', () => t.fatals().length > 0);
    expect(t.fatals()[0]!.message).toBe('no model today');
    await expect(t.client.request<'pause'>({ type: 'pause' })).rejects.toThrow('fatal error');
    await t.stop();
  }, 30_000);

  it("trains the baseline behind the page's port, and inline once the page says it is lost", async () => {
    const notes: string[] = [];
    const spawn = { createSession: tinySessionWithBaseline, warn: (why: string) => notes.push(why) };
    const t = connect(spawn);
    // The baseline's side, served in this thread (the page's second worker in the app).
    const { port1, port2 } = new MessageChannel();
    const served: string[] = [];
    serveBaseline(
      {
        postMessage: (m) => port2.postMessage(m),
        listen: (onMessage) => {
          port2.onmessage = (e: MessageEvent) => {
            served.push((e.data as { type: string }).type);
            onMessage(e.data);
          };
        },
      },
      async () => tf.getBackend(),
    );
    t.workers[0]!.postMessage({ type: 'baseline-port', port: port1 }, [port1]);
    await t.client.request<'configure'>({ type: 'configure', config, backends: ['wasm'] });
    await t.client.request<'step'>({ type: 'step', rounds: 1 });
    expect(served).toContain('step');
    expect(t.rounds()[0]!.metrics.supervisedAccuracy).toEqual(expect.any(Number));
    expect(notes).toEqual([]);
    // Closing the host disposes the baseline over there too (the suite's tensor count checks it).
    await t.stop();
    await t.until('the baseline disposed', () => served.includes('dispose'));
    port2.close();

    // A baseline worker that died before the session was built: the session trains it inline.
    const u = connect(spawn);
    const lost = new MessageChannel();
    u.workers[0]!.postMessage({ type: 'baseline-port', port: lost.port1 }, [lost.port1]);
    u.workers[0]!.postMessage({ type: 'baseline-lost', message: 'it crashed' });
    await u.client.request<'configure'>({ type: 'configure', config, backends: ['wasm'] });
    expect(notes).toEqual([expect.stringContaining('it crashed; training the baseline inline')]);
    await u.client.request<'step'>({ type: 'step', rounds: 1 });
    expect(u.rounds()[0]!.metrics.supervisedAccuracy).toEqual(expect.any(Number));
    expect([...t.fatals(), ...u.fatals()]).toEqual([]);
    await u.stop();
    lost.port2.close();
  }, 60_000);
});
