/**
 * The life of the run on screen: a task's recording replays first; "Train it yourself" (or any
 * training) turns it into the live run trained in this tab; a live run is kept in the browser
 * after every round and comes back (restored) after a reload; an imported run replaces it.
 * Also says, as text fit to show, whether the run is kept. No DOM and no worker here: the trainer,
 * the store and the recording loader are passed in, so every transition is unit-tested.
 */
import type { RoundMetrics } from '../core/metrics';
import {
  recordingTrees,
  RUN_FORMAT,
  runFits,
  snapshotFits,
  type Recording,
  type RunFile,
  type RunSettings,
  type SessionSnapshot,
  type TreeSnapshot,
} from '../core/run-format';
import type { TaskId } from '../core/task';

/** What the life cycle needs of the trainer. */
export interface RunEngine {
  readonly history: RoundMetrics[];
  showHistory(history: RoundMetrics[]): void;
  restore(snapshot: SessionSnapshot, settings: RunSettings): Promise<void>;
  /** The session at its last round boundary; undefined when the model is not ready. */
  snapshot(): Promise<SessionSnapshot | undefined>;
}

/** Where the live run is kept (IndexedDB on the page). */
export interface RunStore {
  load(): Promise<RunFile | undefined>;
  save(run: RunFile): Promise<void>;
  clear(): Promise<void>;
}

export interface RunLifeOptions {
  engine: RunEngine;
  store: RunStore;
  /** The task's recorded run (rejects with a message fit to show when there is none). */
  loadRecording: (task: TaskId) => Promise<Recording>;
  /** Throws (a message fit to show) when a recording cannot be shown with these settings. */
  checkRecording?: (rec: Recording, settings: RunSettings) => void;
  /** Timers for the replay (tests pass their own). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => Date;
}

/** recording: a recorded run replays; live: the run trained in this tab (new, kept or imported). */
export type RunPhase = 'recording' | 'live';
/** Where the live run came from. */
export type RunSource = 'new' | 'restored' | 'imported';

export type SaveStatus =
  { state: 'none' } | { state: 'saved'; round: number } | { state: 'failed'; round: number; message: string };

/** Time between rounds while a recording replays: quick for the first few, then steady. */
export const replayDelay = (shown: number): number => (shown < 5 ? 250 : 500);

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class RunLife {
  phase: RunPhase = $state('live');
  source: RunSource = $state('new');
  recording: Recording | undefined = $state.raw();
  recordedTrees: TreeSnapshot[] = $state.raw([]);
  /** Rounds of the recording revealed so far (it replays round by round). */
  revealed = $state(0);
  replaying = $state(false);
  /** X's answers on the sample question after each live round (shown on the timeline, and kept). */
  liveTrees: TreeSnapshot[] = $state.raw([]);
  /** The sample question's index ("New question" counts up); part of the kept run. */
  questionIndex = $state(0);
  save: SaveStatus = $state({ state: 'none' });
  /** A quiet note: why no recording is shown, or why the kept run could not come back. */
  note: string | undefined = $state();
  /** The round the page shows (the URL's `round`); undefined: the latest. */
  viewRound: number | undefined = $state();

  private readonly o: Required<RunLifeOptions>;
  private timer: unknown;
  private token = 0;
  private saving: Promise<void> = Promise.resolve();

  constructor(options: RunLifeOptions) {
    this.o = {
      checkRecording: () => undefined,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a time stamp, not state
      now: () => new Date(),
      ...options,
    };
  }

  /** The latest round kept in this browser, if the last save succeeded. */
  get savedRound(): number | undefined {
    return this.save.state === 'saved' ? this.save.round : undefined;
  }

  /** The rounds on screen: the recording's revealed so far, or the live run's. */
  get rounds(): RoundMetrics[] {
    return this.phase === 'recording' && this.recording
      ? this.recording.metrics.slice(0, this.revealed)
      : this.o.engine.history;
  }

  /** The tree snapshots of the run on screen. */
  get trees(): TreeSnapshot[] {
    return this.phase === 'recording' ? this.recordedTrees : this.liveTrees;
  }

  /**
   * New settings, or the first view: bring back the run kept for them; else replay the task's
   * recording when `recordable` (the settings the recordings were made with); else the live page
   * at round 0. `first`: the URL's round (if any) is kept.
   */
  async open(settings: RunSettings, opts: { recordable: boolean; first: boolean }): Promise<void> {
    const token = ++this.token;
    this.stopReplay();
    if (!opts.first) this.viewRound = undefined;
    this.liveTrees = [];
    this.save = { state: 'none' };
    this.note = undefined;
    // Fetch the recording while the store is read (the first view must be quick).
    const recordingP = opts.recordable ? this.o.loadRecording(settings.task) : undefined;
    recordingP?.catch(() => undefined);
    const kept = await this.o.store.load().catch(() => undefined);
    if (token !== this.token) return;
    if (kept && kept.snapshot.round > 0 && runFits(settings, kept)) {
      await this.restoreKept(kept, settings, token);
      return;
    }
    if (recordingP) {
      try {
        const rec = await recordingP;
        if (token !== this.token) return;
        this.o.checkRecording(rec, settings);
        this.showRecording(rec, opts.first);
        return;
      } catch (err) {
        if (token !== this.token) return;
        this.note = errText(err);
      }
    }
    this.phase = 'live';
    this.source = 'new';
    this.recording = undefined;
    if (!(opts.first && this.o.engine.history.length > 0)) this.viewRound = undefined;
  }

  private async restoreKept(kept: RunFile, settings: RunSettings, token: number): Promise<void> {
    this.phase = 'live';
    this.source = 'restored';
    this.recording = undefined;
    this.questionIndex = kept.questionIndex;
    this.liveTrees = kept.trees;
    this.save = { state: 'saved', round: kept.snapshot.round };
    this.o.engine.showHistory(kept.snapshot.history);
    try {
      // The page's settings: the engine then sees no change of settings and keeps the session.
      await this.o.engine.restore(kept.snapshot, settings);
    } catch (err) {
      if (token !== this.token) return;
      this.o.engine.showHistory([]);
      this.liveTrees = [];
      this.source = 'new';
      this.save = { state: 'none' };
      this.note = `The run kept in this browser could not be restored (${errText(err)}).`;
    }
  }

  private showRecording(rec: Recording, first: boolean): void {
    this.recording = rec;
    this.recordedTrees = recordingTrees(rec);
    this.questionIndex = rec.sample.questionIndex;
    this.phase = 'recording';
    if (first && this.viewRound !== undefined) {
      this.revealed = rec.metrics.length;
      this.viewRound = Math.min(this.viewRound, this.revealed);
    } else {
      this.revealed = 0;
      this.startReplay();
    }
  }

  /** Any settings change in flight (e.g. an import) makes a pending open() stand down. */
  cancelOpen(): void {
    this.token++;
  }

  // --- The recording's replay. ---------------------------------------------------------------
  stopReplay(): void {
    if (this.timer !== undefined) this.o.clearTimer(this.timer);
    this.timer = undefined;
    this.replaying = false;
  }

  startReplay(): void {
    this.stopReplay();
    const rec = this.recording;
    if (!rec || this.phase !== 'recording') return;
    if (this.revealed >= rec.metrics.length) this.revealed = 0;
    this.viewRound = undefined;
    this.replaying = true;
    this.revealed = Math.min(rec.metrics.length, this.revealed + 1);
    const next = (): void => {
      if (!this.recording || this.revealed >= this.recording.metrics.length) {
        this.stopReplay();
        return;
      }
      this.timer = this.o.setTimer(() => {
        this.revealed += 1;
        next();
      }, replayDelay(this.revealed));
    };
    next();
  }

  toggleReplay(): void {
    if (this.replaying) this.stopReplay();
    else this.startReplay();
  }

  /** Scrubbing while a recording replays shows all of it. */
  revealAll(): void {
    if (this.phase === 'recording' && this.recording && this.replaying) {
      this.stopReplay();
      this.revealed = this.recording.metrics.length;
    }
  }

  /** Leave the recording for the live page (round 0 of a fresh session, or the kept run). */
  leaveRecording(): void {
    if (this.phase !== 'recording') return;
    this.stopReplay();
    this.phase = 'live';
    this.source = 'new';
    this.viewRound = undefined;
  }

  // --- The live run: tree snapshots, keeping it, import, reset. -------------------------------
  /** X's answers after a live round; replaces any earlier ones for that round and question. */
  recordTree(snap: TreeSnapshot): void {
    this.liveTrees = [
      ...this.liveTrees.filter((t) => !(t.round === snap.round && t.question === snap.question)),
      snap,
    ];
  }

  /** The live run as a file: the page's settings, the sample question, tree snapshots, the session. */
  runFile(settings: RunSettings, snapshot: SessionSnapshot): RunFile {
    return {
      format: RUN_FORMAT,
      version: 1,
      exportedAt: this.o.now().toISOString(),
      settings: { ...settings },
      questionIndex: this.questionIndex,
      trees: this.liveTrees.filter((t) => t.round <= snapshot.round),
      snapshot,
    };
  }

  /**
   * Keeps the live run in the store (after every round). Saves one at a time, in order. A failure
   * is kept in `save` with a message that says what failed and what to do.
   */
  persist(settings: RunSettings): Promise<void> {
    this.saving = this.saving.then(async () => {
      if (this.phase !== 'live') return;
      const snapshot = await this.o.engine.snapshot();
      if (!snapshot || snapshot.round === 0 || this.phase !== 'live') return;
      // A snapshot of an older session (the settings changed meanwhile) is not this run.
      if (!snapshotFits(settings, snapshot.config)) return;
      try {
        await this.o.store.save(this.runFile(settings, snapshot));
        this.save = { state: 'saved', round: snapshot.round };
      } catch (err) {
        this.save = {
          state: 'failed',
          round: snapshot.round,
          message: `Round ${snapshot.round} could not be kept in this browser (${errText(err)}): a reload will lose this run. Use "Export run" under Share & save to keep a copy.`,
        };
      }
    });
    return this.saving;
  }

  /**
   * An imported run (already validated): the engine takes it first; if it refuses, this throws and
   * nothing here changed. Otherwise it becomes the live run and is kept.
   */
  async adopt(run: RunFile): Promise<void> {
    await this.o.engine.restore(run.snapshot, run.settings);
    this.cancelOpen();
    this.stopReplay();
    this.recording = undefined;
    this.phase = 'live';
    this.source = 'imported';
    this.viewRound = undefined;
    this.questionIndex = run.questionIndex;
    this.liveTrees = run.trees;
    this.note = undefined;
  }

  /** After the engine reset to round 0: forget the kept run. */
  async cleared(): Promise<void> {
    this.liveTrees = [];
    this.save = { state: 'none' };
    this.source = 'new';
    this.viewRound = undefined;
    await this.o.store.clear().catch(() => undefined);
  }

  dispose(): void {
    this.cancelOpen();
    this.stopReplay();
  }
}
