// The run's life cycle (src/ui/run-life.svelte.ts): recording → live → kept → restored, and the
// save status, with a fake engine, store and recording loader.
import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import {
  RUN_FORMAT,
  runFits,
  runSize,
  snapshotFits,
  type Recording,
  type RunFile,
  type RunSettings,
  type SessionSnapshot,
} from '../../src/core/run-format';
import { RunLife, type RunEngine, type RunStore } from '../../src/ui/run-life.svelte';
import { metrics, PAGE, recording } from './run-fixtures';

/** What the session resolves PAGE to: the learner's defaults filled in. */
const RESOLVED: RunSettings = { ...PAGE, modelSize: 'medium', batchSize: 128, learningRate: 0.003 };

function snapshot(round: number, config: RunSettings = RESOLVED): SessionSnapshot {
  return {
    version: 1,
    config,
    round,
    examples: 10 * round,
    overseerCalls: 10 * round,
    labels: 10 * round,
    seconds: round,
    history: Array.from({ length: round }, (_, i) => metrics(i + 1)),
    weights: { x: { w: { shape: [1], data: 'AAAAAA==' } }, supervised: null },
  };
}

class FakeEngine implements RunEngine {
  history: RoundMetrics[] = [];
  session: SessionSnapshot | undefined;
  restored: { snapshot: SessionSnapshot; settings: RunSettings }[] = [];
  refuse: string | undefined;
  showHistory(h: RoundMetrics[]): void {
    this.history = h;
  }
  async restore(s: SessionSnapshot, settings: RunSettings): Promise<void> {
    if (this.refuse) throw new Error(this.refuse);
    this.restored.push({ snapshot: s, settings });
    this.session = s;
    this.history = s.history;
  }
  async snapshot(): Promise<SessionSnapshot | undefined> {
    return this.session;
  }
  /** A round trained live. */
  train(round: number, config: RunSettings = RESOLVED): void {
    this.session = snapshot(round, config);
    this.history = this.session.history;
  }
}

class FakeStore implements RunStore {
  run: RunFile | undefined;
  failWith: string | undefined;
  saves = 0;
  async load(): Promise<RunFile | undefined> {
    return this.run;
  }
  async save(run: RunFile): Promise<void> {
    if (this.failWith) throw new Error(this.failWith);
    this.saves++;
    this.run = structuredClone(run);
  }
  async clear(): Promise<void> {
    this.run = undefined;
  }
}

function setup(opts: { recording?: Recording | Error } = {}) {
  const engine = new FakeEngine();
  const store = new FakeStore();
  const timers: { fn: () => void; ms: number }[] = [];
  const life = new RunLife({
    engine,
    store,
    loadRecording: async () => {
      const r = opts.recording ?? new Error('no recorded run for this task');
      if (r instanceof Error) throw r;
      return r;
    },
    setTimer: (fn, ms) => {
      const t = { fn, ms };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => {
      const i = timers.indexOf(h as (typeof timers)[number]);
      if (i >= 0) timers.splice(i, 1);
    },
    now: () => new Date('2026-02-03T04:05:06Z'),
  });
  /** Fires the pending replay timer. */
  const tick = (): void => {
    const t = timers.shift();
    t?.fn();
  };
  return { engine, store, life, timers, tick };
}

describe('run identity: the URL may spell the defaults out or not', () => {
  test('a snapshot fits the page when the page left model and steps to the learner', () => {
    expect(snapshotFits(PAGE, RESOLVED)).toBe(true);
    expect(snapshotFits({ task: 'wildcard', preset: 'workshop', seed: 1 }, RESOLVED)).toBe(true);
    expect(snapshotFits({ ...PAGE, modelSize: 'medium' }, RESOLVED)).toBe(true);
  });

  test('a snapshot of other settings does not fit', () => {
    expect(snapshotFits({ ...PAGE, stepsPerRound: 21 }, RESOLVED)).toBe(false);
    expect(snapshotFits({ ...PAGE, modelSize: 'small' }, RESOLVED)).toBe(false);
    expect(snapshotFits({ ...PAGE, seed: 2 }, RESOLVED)).toBe(false);
    expect(snapshotFits({ ...PAGE, task: 'union-find' }, { ...RESOLVED })).toBe(false);
    expect(snapshotFits({ ...PAGE, size: 7 }, RESOLVED)).toBe(false);
  });

  test("a size spelled out as the preset's own is the same run", () => {
    const own = runSize(PAGE);
    expect(own).toBeGreaterThan(1);
    expect(snapshotFits({ ...PAGE, size: own }, RESOLVED)).toBe(true);
    expect(snapshotFits(PAGE, { ...RESOLVED, size: own })).toBe(true);
    expect(snapshotFits({ ...PAGE, size: own! + 1 }, RESOLVED)).toBe(false);
  });

  test('a kept run fits the page that made it, and a page naming the values it really used', () => {
    const run = { settings: PAGE, snapshot: snapshot(2) };
    expect(runFits(PAGE, run)).toBe(true);
    expect(runFits({ ...PAGE, modelSize: 'medium' }, run)).toBe(true);
    expect(runFits({ ...PAGE, modelSize: 'large' }, run)).toBe(false);
    expect(runFits({ ...PAGE, stepsPerRound: undefined }, run)).toBe(false);
    expect(runFits({ ...PAGE, seed: 3 }, run)).toBe(false);
  });
});

describe('the run life cycle', () => {
  test('the first view replays the recording round by round', async () => {
    const { life, tick, engine } = setup({ recording: recording(3) });
    await life.open(PAGE, { recordable: true, first: true });
    expect(life.phase).toBe('recording');
    expect(life.questionIndex).toBe(2);
    expect(life.replaying).toBe(true);
    expect(life.rounds.map((r) => r.round)).toEqual([1]);
    tick();
    tick();
    expect(life.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(life.replaying).toBe(false);
    // Live training leaves the recording: the live run's rounds show.
    life.leaveRecording();
    expect(life.phase).toBe('live');
    expect(life.source).toBe('new');
    engine.train(1);
    expect(life.rounds.map((r) => r.round)).toEqual([1]);
  });

  test("a URL's round opens the whole recording at that round", async () => {
    const { life } = setup({ recording: recording(4) });
    life.viewRound = 9;
    await life.open(PAGE, { recordable: true, first: true });
    expect(life.revealed).toBe(4);
    expect(life.viewRound).toBe(4);
    expect(life.replaying).toBe(false);
  });

  test('no recording: the live page, with a note saying why', async () => {
    const { life } = setup();
    await life.open(PAGE, { recordable: true, first: true });
    expect(life.phase).toBe('live');
    expect(life.note).toContain('no recorded run');
  });

  test('a live round is kept, and a reload with the same URL restores it', async () => {
    const first = setup({ recording: recording(3) });
    await first.life.open(PAGE, { recordable: true, first: true });
    first.life.leaveRecording();
    first.engine.train(1);
    first.life.recordTree({ round: 1, question: 2, answers: { a: true }, amplified: true });
    await first.life.persist(PAGE);
    expect(first.life.save).toEqual({ state: 'saved', round: 1 });
    expect(first.store.run?.settings).toEqual(PAGE);
    expect(first.store.run?.exportedAt).toBe('2026-02-03T04:05:06.000Z');

    // The reload: a fresh page over the same store.
    const again = setup({ recording: recording(3) });
    again.store.run = first.store.run;
    await again.life.open(PAGE, { recordable: true, first: true });
    expect(again.life.phase).toBe('live');
    expect(again.life.source).toBe('restored');
    expect(again.life.savedRound).toBe(1);
    expect(again.life.questionIndex).toBe(2);
    expect(again.life.trees).toHaveLength(1);
    expect(again.engine.restored).toHaveLength(1);
    expect(again.engine.restored[0]!.settings).toEqual(PAGE);
    expect(again.life.rounds.map((r) => r.round)).toEqual([1]);
  });

  test('the plain URL (no parameters) keeps its run too', async () => {
    const plain: RunSettings = { task: 'wildcard', preset: 'workshop', seed: 1 };
    const { life, engine, store } = setup();
    await life.open(plain, { recordable: false, first: true });
    engine.train(2, { ...plain, modelSize: 'medium', stepsPerRound: 200 });
    await life.persist(plain);
    expect(store.saves).toBe(1);
    const again = setup();
    again.store.run = store.run;
    await again.life.open(plain, { recordable: true, first: true });
    expect(again.life.source).toBe('restored');
  });

  test('a snapshot of an older session is not saved under new settings', async () => {
    const { life, engine, store } = setup();
    await life.open(PAGE, { recordable: false, first: true });
    engine.train(1, { ...RESOLVED, seed: 5 });
    await life.persist(PAGE);
    expect(store.saves).toBe(0);
    expect(life.save.state).toBe('none');
  });

  test('a failed save says what failed and what to do', async () => {
    const { life, engine, store } = setup();
    await life.open(PAGE, { recordable: false, first: true });
    store.failWith = 'QuotaExceededError';
    engine.train(1);
    await life.persist(PAGE);
    expect(life.save.state).toBe('failed');
    expect(life.savedRound).toBeUndefined();
    const message = life.save.state === 'failed' ? life.save.message : '';
    expect(message).toContain('QuotaExceededError');
    expect(message).toContain('reload will lose');
    expect(message).toContain('Export run');
    // The next round saves again once the store works.
    store.failWith = undefined;
    engine.train(2);
    await life.persist(PAGE);
    expect(life.save).toEqual({ state: 'saved', round: 2 });
  });

  test('a kept run the engine refuses leaves the live page at round 0 with a note', async () => {
    const { life, engine, store } = setup();
    store.run = {
      format: RUN_FORMAT,
      version: 1,
      exportedAt: 'x',
      settings: PAGE,
      questionIndex: 0,
      trees: [],
      snapshot: snapshot(2),
    };
    engine.refuse = 'the weights do not fit the model';
    await life.open(PAGE, { recordable: false, first: true });
    expect(life.phase).toBe('live');
    expect(life.source).toBe('new');
    expect(engine.history).toEqual([]);
    expect(life.save.state).toBe('none');
    expect(life.note).toContain('could not be restored (the weights do not fit the model)');
  });

  test('a kept run of other settings is not restored', async () => {
    const { life, engine, store } = setup({ recording: recording(2) });
    store.run = {
      format: RUN_FORMAT,
      version: 1,
      exportedAt: 'x',
      settings: { ...PAGE, seed: 9 },
      questionIndex: 0,
      trees: [],
      snapshot: snapshot(2, { ...RESOLVED, seed: 9 }),
    };
    await life.open(PAGE, { recordable: true, first: true });
    expect(life.phase).toBe('recording');
    expect(engine.restored).toHaveLength(0);
  });

  test('an import replaces the recording; reset forgets the kept run', async () => {
    const { life, engine, store } = setup({ recording: recording(3) });
    await life.open(PAGE, { recordable: true, first: true });
    const run = {
      format: RUN_FORMAT,
      version: 1,
      exportedAt: 'x',
      settings: PAGE,
      questionIndex: 4,
      trees: [],
      snapshot: snapshot(3),
    } satisfies RunFile;
    await life.adopt(run);
    expect(life.phase).toBe('live');
    expect(life.source).toBe('imported');
    expect(life.replaying).toBe(false);
    expect(life.questionIndex).toBe(4);
    await life.persist(PAGE);
    expect(store.run?.snapshot.round).toBe(3);
    engine.showHistory([]);
    await life.cleared();
    expect(store.run).toBeUndefined();
    expect(life.save.state).toBe('none');
  });

  test('a refused import changes nothing', async () => {
    const { life, engine } = setup({ recording: recording(3) });
    await life.open(PAGE, { recordable: true, first: true });
    engine.refuse = 'bad weights';
    await expect(
      life.adopt({
        format: RUN_FORMAT,
        version: 1,
        exportedAt: 'x',
        settings: PAGE,
        questionIndex: 4,
        trees: [],
        snapshot: snapshot(1),
      }),
    ).rejects.toThrow('bad weights');
    expect(life.phase).toBe('recording');
    expect(life.questionIndex).toBe(2);
  });

  test('newer settings win over an open still in flight', async () => {
    const { life } = setup({ recording: recording(3) });
    const a = life.open(PAGE, { recordable: true, first: true });
    const b = life.open({ ...PAGE, seed: 2 }, { recordable: false, first: false });
    await Promise.all([a, b]);
    expect(life.phase).toBe('live');
    expect(life.recording).toBeUndefined();
  });
});
