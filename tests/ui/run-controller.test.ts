// The page's commands (src/ui/run-controller.svelte.ts): its state per phase through train, step,
// pause, reset, replay, restore, import, export and keys, with a fake worker that speaks the real
// protocol through the real TrainingClient and Trainer, a fake store and recording loader.
import { describe, expect, test } from 'vitest';
import type { RoundMetrics } from '../../src/core/metrics';
import {
  type Recording,
  type RunFile,
  type RunSettings,
  type SessionSnapshot,
} from '../../src/core/run-format';
import { TASK_TITLES } from '../../src/core/sample';
import type { WorkerLike } from '../../src/worker/client';
import type { Request, TrainingState } from '../../src/worker/protocol';
import { keyCommand, RunController, type KeyInput } from '../../src/ui/run-controller.svelte';
import type { RunStore } from '../../src/ui/run-life.svelte';
import { metrics, PAGE, recording } from './run-fixtures';

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

/**
 * A training worker that answers the protocol from plain data: a round is a metrics entry, the
 * weights one float. Replies come on a later task, as from a real worker. `play` trains until
 * paused, one round per `finishRound()`.
 */
class FakeWorker implements WorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  terminated = false;
  config: RunSettings | undefined;
  history: RoundMetrics[] = [];
  running = false;
  playing: number | undefined;
  /** The next configure fails with this message. */
  refuseConfigure: string | undefined;
  /** The next restore fails with this message (the weights do not fit…). */
  refuseRestore: string | undefined;
  received: string[] = [];

  private send(data: unknown): void {
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data } as MessageEvent);
    }, 0);
  }
  private state(): TrainingState {
    return {
      round: this.history.length,
      stepInRound: 0,
      stepsPerRound: 20,
      running: this.running,
      tensors: 30,
    };
  }
  private reply(id: number, result: unknown): void {
    this.send({ type: 'reply', id, ok: true, result });
  }
  private refuse(id: number, error: string): void {
    this.send({ type: 'reply', id, ok: false, error });
  }

  finishRound(): void {
    const m = metrics(this.history.length + 1, 'cpu');
    this.history = [...this.history, m];
    this.send({ type: 'round', metrics: m, tensors: 30 });
  }

  crash(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }

  private stopPlaying(stopped: 'paused' | 'reset'): void {
    if (this.playing === undefined) return;
    this.running = false;
    this.reply(this.playing, { stopped, ...this.state() });
    this.playing = undefined;
  }

  postMessage(message: unknown): void {
    const m = message as Request;
    this.received.push(m.type);
    switch (m.type) {
      case 'configure':
        if (this.refuseConfigure) return this.refuse(m.id, this.refuseConfigure);
        this.config = m.config;
        this.history = [];
        return this.reply(m.id, {
          backend: 'cpu',
          attempts: [{ backend: 'cpu', ok: true }],
          ...this.state(),
        });
      case 'step':
        this.finishRound();
        return this.reply(m.id, { stopped: 'done', ...this.state() });
      case 'play':
        this.running = true;
        this.playing = m.id;
        return this.send({ type: 'running', ...this.state() });
      case 'pause':
        this.stopPlaying('paused');
        return this.reply(m.id, this.state());
      case 'reset':
        this.stopPlaying('reset');
        this.history = [];
        return this.reply(m.id, this.state());
      case 'snapshot':
        return this.reply(m.id, {
          version: 1,
          config: { ...this.config!, modelSize: 'medium' },
          round: this.history.length,
          examples: 10 * this.history.length,
          overseerCalls: 10 * this.history.length,
          labels: 10 * this.history.length,
          seconds: this.history.length,
          history: this.history,
          weights: { x: { w: { shape: [1], data: 'AAAAAA==' } }, supervised: null },
        } satisfies SessionSnapshot);
      case 'restore':
        this.stopPlaying('paused');
        if (this.refuseRestore) return this.refuse(m.id, this.refuseRestore);
        this.history = m.snapshot.history;
        this.config = m.config;
        return this.reply(m.id, this.state());
      default:
        return this.refuse(m.id, `not faked: ${m.type}`);
    }
  }

  terminate(): void {
    this.terminated = true;
  }
}

class FakeStore implements RunStore {
  run: RunFile | undefined;
  /** Reads answer a few tasks later, as IndexedDB's do. */
  slow = false;
  async load(): Promise<RunFile | undefined> {
    if (this.slow) for (let i = 0; i < 3; i++) await flush();
    return this.run;
  }
  async save(run: RunFile): Promise<void> {
    this.run = structuredClone(run);
  }
  async clear(): Promise<void> {
    this.run = undefined;
  }
}

/** A page over the controller: opens `settings` and builds the session, as App's effects do. */
async function page(
  opts: {
    recording?: Recording;
    store?: FakeStore;
    settings?: RunSettings;
    /** Sets up the n-th worker (0 the first) as it is created. */
    onWorker?: (w: FakeWorker, n: number) => void;
  } = {},
) {
  const workers: FakeWorker[] = [];
  const store = opts.store ?? new FakeStore();
  const timers: (() => void)[] = [];
  const run = new RunController({
    createWorker: () => {
      const w = new FakeWorker();
      opts.onWorker?.(w, workers.length);
      workers.push(w);
      return w;
    },
    store,
    loadRecording: async () => {
      if (!opts.recording) throw new Error('no recorded run for this task');
      return opts.recording;
    },
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => timers.splice(0),
    now: () => new Date('2026-02-03T04:05:06Z'),
  });
  const settings = opts.settings ?? PAGE;
  const worker = (): FakeWorker => workers[workers.length - 1]!;
  // The page's settings effects: open the run, and build a session for them.
  const opened = run.open(settings, { recordable: opts.recording !== undefined });
  const configured = run.configure(settings, 'cpu');
  await Promise.all([opened, configured]);
  await flush();
  /** A live round's tree answers arrive: the run is kept. */
  const answered = async (): Promise<void> => {
    run.treeAnswered({ round: run.trainer.round, question: 0, answers: {}, amplified: true });
    await flush();
    await flush();
  };
  return { run, store, workers, worker, timers, answered };
}

const key = (k: Partial<KeyInput> & { key: string }): KeyInput => ({
  modified: false,
  typing: false,
  onButton: false,
  ...k,
});

describe('the run controller: one state per phase', () => {
  test('the recording replays; "Train it yourself" before the model is ready plays once it is', async () => {
    const { run, worker } = await page({ recording: recording(3) });
    expect(run.state).toMatchObject({ phase: 'replaying', playing: true });
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    // Space stops the replay (not training).
    run.key(key({ key: ' ' }), { panelsOpen: false, presenter: false });
    expect(run.state).toMatchObject({ phase: 'replaying', playing: false });
    expect(worker().received).not.toContain('play');

    // New settings: the model is rebuilt; "Train it yourself" waits for it, then plays.
    const next = { ...PAGE, seed: 2 };
    await run.open(next, { recordable: false });
    const building = run.configure(next, 'cpu');
    expect(run.state).toEqual({ phase: 'starting', thenPlay: false });
    await run.trainYourself();
    expect(run.state).toEqual({ phase: 'starting', thenPlay: true });
    await building;
    expect(run.state).toMatchObject({ phase: 'training', mode: 'play', round: 0 });
    await flush();
    worker().finishRound();
    await flush();
    expect(run.state).toMatchObject({ phase: 'training', round: 1 });
    run.togglePlay();
    await flush();
    await flush();
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
  });

  test('step trains one round, which is kept; reset forgets it', async () => {
    const { run, store, answered } = await page();
    expect(run.state).toEqual({ phase: 'paused', round: 0 });
    const stepping = run.step();
    expect(run.state).toEqual({ phase: 'training', round: 0, mode: 'step' });
    await stepping;
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
    await answered();
    expect(store.run?.snapshot.round).toBe(1);
    expect(run.life.save).toEqual({ state: 'saved', round: 1 });
    await run.reset();
    expect(run.state).toEqual({ phase: 'paused', round: 0 });
    expect(run.rounds).toEqual([]);
    expect(store.run).toBeUndefined();
  });

  test('a kept run comes back on a reload (restoring, then paused at its round)', async () => {
    const first = await page();
    await first.run.step();
    await first.run.step();
    await first.answered();
    const again = await page({ store: first.store, recording: recording(3) });
    expect(again.run.state).toEqual({ phase: 'paused', round: 2 });
    expect(again.run.life.source).toBe('restored');
    expect(again.worker().received).toContain('restore');
    expect(again.run.rounds.map((r) => r.round)).toEqual([1, 2]);
  });
});

describe('the run controller: errors leave a safe state and lose nothing', () => {
  test('a worker crash while training: failed, rounds still shown; Restart brings the kept run back', async () => {
    const { run, worker, workers, store, answered } = await page();
    await run.step();
    await answered();
    void run.trainer.play();
    await flush();
    expect(run.state.phase).toBe('training');
    worker().crash('out of memory');
    expect(run.state).toEqual({ phase: 'failed', error: 'The training worker crashed: out of memory' });
    expect(workers[0]!.terminated).toBe(true);
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    // Nothing trains while failed.
    await run.step();
    expect(run.state.phase).toBe('failed');
    expect(store.run?.snapshot.round).toBe(1);

    // Between the fresh worker's start and the kept run's return, the page never offers round 0
    // for training (a click on Step there would train a session the restore then replaces), and
    // the rounds stay on screen. Watched on every task until the restart ends.
    store.slow = true;
    const seen: string[] = [];
    let restarted = false;
    const restarting = run.restart().then(() => (restarted = true));
    while (!restarted) {
      const s = run.state;
      seen.push(`${s.phase}:${'round' in s ? s.round : '-'}:${run.rounds.length}`);
      await new Promise((r) => setTimeout(r, 0));
    }
    await restarting;
    expect(seen.filter((s) => s.startsWith('paused') || s.startsWith('training'))).toEqual([]);
    expect(seen.every((s) => s.endsWith(':1'))).toBe(true);
    expect(workers).toHaveLength(2);
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
    expect(worker().received).toEqual(['configure', 'restore']);
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    await run.step();
    expect(run.state).toEqual({ phase: 'paused', round: 2 });
  });

  test('a Restart that fails keeps the rounds on screen; one whose restore is refused says why and starts at round 0', async () => {
    const { run, worker, store, answered } = await page({
      onWorker: (w, n) => {
        if (n === 1) w.refuseConfigure = 'no backend could start';
        if (n === 2) w.refuseRestore = 'the weights do not fit';
      },
    });
    await run.step();
    await answered();
    worker().crash('out of memory');
    await run.restart();
    expect(run.state).toEqual({ phase: 'failed', error: 'no backend could start' });
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    await run.restart();
    expect(run.state).toEqual({ phase: 'paused', round: 0 });
    expect(run.rounds).toEqual([]);
    expect(run.life.note).toBe(
      'The run kept in this browser could not be restored (the weights do not fit).',
    );
    // Still kept: nothing the person did is thrown away by a failed restore.
    expect(store.run?.snapshot.round).toBe(1);
    await run.step();
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
  });

  test('a session that cannot be built fails with its reason; Restart tries again', async () => {
    const workers: FakeWorker[] = [];
    const run = new RunController({
      createWorker: () => {
        const w = new FakeWorker();
        if (workers.length === 0) w.refuseConfigure = 'no backend could start';
        workers.push(w);
        return w;
      },
      store: new FakeStore(),
      loadRecording: () => Promise.reject(new Error('none')),
    });
    await run.open(PAGE, { recordable: false });
    await run.configure(PAGE, 'cpu');
    expect(run.state).toEqual({ phase: 'failed', error: 'no backend could start' });
    expect(run.trainer.error).toEqual({ message: 'no backend could start', fatal: true });
    await run.restart();
    expect(run.state).toEqual({ phase: 'paused', round: 0 });
    expect(run.trainer.error).toBeUndefined();
  });

  test('a file that is not a run, or too large: a clear message, the run and its kept copy unchanged', async () => {
    const { run, store, answered, worker } = await page();
    await run.step();
    await answered();
    const kept = structuredClone(store.run);
    const adopted: RunSettings[] = [];
    const adopt = async (s: RunSettings): Promise<void> => void adopted.push(s);

    await run.importFile({ name: 'notes.json', size: 9, text: async () => '{"a": 1}' }, adopt);
    expect(run.importError).toMatch(/^Could not import "notes\.json": .*not an Amplification Lab run/);
    expect(run.importError).toContain('The current run is unchanged.');

    await run.importFile({ name: 'huge.json', size: 30 * 1024 * 1024, text: async () => '' }, adopt);
    expect(run.importError).toContain('larger than 20 MB');

    await run.importFile({ name: 'broken.json', size: 5, text: async () => '{"fo' }, adopt);
    expect(run.importError).toContain('Could not import "broken.json"');

    expect(adopted).toEqual([]);
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    expect(store.run).toEqual(kept);
    expect(worker().received).not.toContain('restore');
  });

  test('weights the model refuses: the message says so, the session goes on where it was', async () => {
    const source = await page({ settings: { ...PAGE, seed: 7 } });
    await source.run.step();
    await source.run.step();
    const file = await source.run.runFile();
    expect(file?.snapshot.round).toBe(2);
    const text = JSON.stringify(file);

    const { run, store, answered, worker } = await page();
    await run.step();
    await answered();
    worker().refuseRestore = 'the weights do not fit the model';
    await run.importFile({ name: 'run.json', size: text.length, text: async () => text }, async () => {
      throw new Error('settings must not change');
    });
    expect(run.importError).toBe(
      'Could not import "run.json": the model could not take it (the weights do not fit the model). The current run is unchanged.',
    );
    expect(run.state).toEqual({ phase: 'paused', round: 1 });
    expect(run.rounds.map((r) => r.round)).toEqual([1]);
    expect(store.run?.settings.seed).toBe(1);
    await run.step();
    expect(run.state).toEqual({ phase: 'paused', round: 2 });
  });

  test("an exported run imports whole: its rounds, its settings become the page's, it is kept", async () => {
    const source = await page({ settings: { ...PAGE, seed: 7 } });
    await source.run.step();
    await source.run.step();
    await source.answered();
    const text = JSON.stringify(await source.run.runFile());

    const { run, store, worker } = await page({ recording: recording(3) });
    expect(run.state.phase).toBe('replaying');
    const adopted: RunSettings[] = [];
    await run.importFile({ name: 'run.json', size: text.length, text: async () => text }, async (s) => {
      adopted.push(s);
      // The page's effect opens the new settings: the imported run stays.
      await run.open(s, { recordable: false });
      await run.configure(s, 'cpu');
    });
    expect(run.importError).toBeUndefined();
    expect(adopted).toEqual([{ ...PAGE, seed: 7 }]);
    expect(run.state).toEqual({ phase: 'paused', round: 2 });
    expect(run.life.source).toBe('imported');
    expect(run.toolStatus).toBe(`Imported the run (2 rounds of ${TASK_TITLES.wildcard}).`);
    expect(store.run?.settings.seed).toBe(7);
    expect(store.run?.snapshot.round).toBe(2);
    expect(worker().received.filter((t) => t === 'configure')).toHaveLength(1);
  });
});

describe('keyboard shortcuts', () => {
  const view = { panelsOpen: false, presenter: false };

  test('Space plays, → steps, P toggles presenter mode, Escape closes an open panel', () => {
    expect(keyCommand(key({ key: ' ' }), view)).toEqual({ type: 'toggle-play' });
    expect(keyCommand(key({ key: 'Unidentified', code: 'Space' }), view)).toEqual({ type: 'toggle-play' });
    expect(keyCommand(key({ key: 'ArrowRight' }), view)).toEqual({ type: 'step' });
    expect(keyCommand(key({ key: 'P' }), view)).toEqual({ type: 'toggle-presenter' });
    expect(keyCommand(key({ key: 'Escape' }), view)).toBeUndefined();
    expect(keyCommand(key({ key: 'Escape' }), { ...view, panelsOpen: true })).toEqual({
      type: 'close-panels',
    });
    expect(keyCommand(key({ key: 'x' }), view)).toBeUndefined();
  });

  test('keys typed into a field, with a modifier, or Space on a button are left alone', () => {
    expect(keyCommand(key({ key: ' ', typing: true }), view)).toBeUndefined();
    expect(keyCommand(key({ key: 'ArrowRight', modified: true }), view)).toBeUndefined();
    expect(keyCommand(key({ key: ' ', onButton: true }), view)).toBeUndefined();
  });

  test('in presenter mode the arrows, Home and End move through the rounds', async () => {
    const presenter = { panelsOpen: false, presenter: true };
    expect(keyCommand(key({ key: 'ArrowLeft' }), presenter)).toEqual({ type: 'scrub-by', rounds: -1 });
    const { run, worker } = await page();
    await run.step();
    await run.step();
    await run.step();
    run.key(key({ key: 'ArrowLeft' }), presenter);
    expect(run.viewRound).toBe(2);
    run.key(key({ key: 'Home' }), presenter);
    expect(run.viewRound).toBe(0);
    run.key(key({ key: 'End' }), presenter);
    expect(run.viewRound).toBe(3);
    expect(run.life.viewRound).toBeUndefined();
    // Without presenter mode → trains a round.
    run.key(key({ key: 'ArrowRight' }), view);
    await flush();
    await flush();
    expect(worker().received.filter((t) => t === 'step')).toHaveLength(4);
    expect(run.state).toEqual({ phase: 'paused', round: 4 });
  });
});
