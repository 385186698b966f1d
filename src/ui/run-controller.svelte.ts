/**
 * The page's commands in one place: Play / Pause / Step round / Reset, "Train it yourself", the
 * recording's replay, Restart after a failure, the kept run (restored on new settings), Import and
 * Export run, and the keyboard shortcuts. Where the run is on screen is one `state`, a union with
 * one member per phase. No DOM here: the worker factory, the store and the recording loader are
 * passed in, so every transition is unit-tested in Node with a fake worker.
 */
import {
  configKeyOf,
  FormatError,
  MAX_IMPORT_BYTES,
  validateRunFile,
  type Recording,
  type RunFile,
  type RunSettings,
  type TreeSnapshot,
} from '../core/run-format';
import { TASK_TITLES } from '../core/sample';
import type { RoundMetrics } from '../core/metrics';
import type { WorkerLike } from '../worker/client';
import { RunLife, type RunLifeOptions } from './run-life.svelte';
import { Trainer } from './trainer.svelte';
import type { BackendChoice } from './url-state';

/** Where the run on screen is. */
export type RunState =
  /** A task's recorded run is on screen (replaying round by round, or stopped). */
  | { phase: 'replaying'; recording: Recording; playing: boolean }
  /** The model is being built; `thenPlay`: "Train it yourself" was pressed meanwhile. */
  | { phase: 'starting'; thenPlay: boolean }
  /** A kept or imported run's session replaces the current one. */
  | { phase: 'restoring' }
  | { phase: 'paused'; round: number }
  | { phase: 'training'; round: number; mode: 'play' | 'step' }
  /** Training stopped (a crash, a lost backend); the rounds stay on screen until Restart. */
  | { phase: 'failed'; error: string };

export interface RunControllerOptions extends Omit<RunLifeOptions, 'engine'> {
  /** Starts a training worker (the page's real one, or a test's fake). */
  createWorker: () => WorkerLike;
}

/** What the import reads of a file (a browser File has it). */
export interface ImportSource {
  name: string;
  size: number;
  text(): Promise<string>;
}

/** A key press as the page saw it. */
export interface KeyInput {
  key: string;
  code?: string;
  /** Alt, Ctrl or Meta held (those are the browser's). */
  modified: boolean;
  /** Focus is in a field, the tree, or the event was handled already. */
  typing: boolean;
  /** Focus is on a button (which handles Space itself). */
  onButton: boolean;
}

/** What the page shows around the key press. */
export interface KeyView {
  panelsOpen: boolean;
  presenter: boolean;
}

export type KeyCommand =
  | { type: 'close-panels' }
  | { type: 'toggle-play' }
  | { type: 'toggle-presenter' }
  | { type: 'scrub-by'; rounds: number }
  | { type: 'scrub-to'; to: 'first' | 'last' }
  | { type: 'step' };

/** The keyboard shortcuts: Space plays or pauses, → steps a round (in presenter mode ← → Home End move through the rounds), P presenter mode, Escape closes a panel. */
export function keyCommand(k: KeyInput, view: KeyView): KeyCommand | undefined {
  if (k.modified || k.typing) return undefined;
  if (k.key === 'Escape') return view.panelsOpen ? { type: 'close-panels' } : undefined;
  if (k.key === ' ' || k.code === 'Space') return k.onButton ? undefined : { type: 'toggle-play' };
  if (k.key === 'p' || k.key === 'P') return { type: 'toggle-presenter' };
  if (view.presenter && (k.key === 'ArrowRight' || k.key === 'ArrowLeft'))
    return { type: 'scrub-by', rounds: k.key === 'ArrowRight' ? 1 : -1 };
  if (view.presenter && (k.key === 'Home' || k.key === 'End'))
    return { type: 'scrub-to', to: k.key === 'Home' ? 'first' : 'last' };
  if (k.key === 'ArrowRight') return { type: 'step' };
  return undefined;
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class RunController {
  readonly trainer: Trainer;
  readonly life: RunLife;
  /** Why the last import was refused (the current run is then unchanged). */
  importError: string | undefined = $state();
  /** Said under Share & save (the last tool's result). */
  toolStatus: string | undefined = $state();
  private playWhenReady = $state(false);

  /** Where the run on screen is (read in the page's reactive contexts, so always current). */
  get state(): RunState {
    const s = this.trainer.status;
    if (s.phase === 'failed') return { phase: 'failed', error: s.error };
    const rec = this.life.recording;
    if (this.life.phase === 'recording' && rec)
      return { phase: 'replaying', recording: rec, playing: this.life.replaying };
    if (s.phase === 'starting') return { phase: 'starting', thenPlay: this.playWhenReady };
    if (s.phase === 'restoring') return { phase: 'restoring' };
    if (s.phase === 'training') return { phase: 'training', round: this.trainer.round, mode: s.mode };
    return { phase: 'paused', round: this.trainer.round };
  }

  /** The rounds on screen. */
  get rounds(): RoundMetrics[] {
    return this.life.rounds;
  }

  get maxRound(): number {
    const rounds = this.rounds;
    return rounds.length > 0 ? rounds[rounds.length - 1]!.round : 0;
  }

  /** The round the timeline shows: the URL's `round` (clamped), else the latest. */
  get viewRound(): number {
    const max = this.maxRound;
    return this.life.viewRound === undefined ? max : Math.min(this.life.viewRound, max);
  }

  /** The page's settings, as last opened. */
  private settings: RunSettings | undefined;
  private first = true;
  /** Set while an imported run's settings are adopted (that change must not open a new run). */
  private adopting: string | undefined;
  private importing = false;

  constructor(options: RunControllerOptions) {
    const { createWorker, ...lifeOptions } = options;
    this.trainer = new Trainer(createWorker, { onReady: () => this.onReady() });
    this.life = new RunLife({ ...lifeOptions, engine: this.trainer });
  }

  private onReady(): void {
    if (!this.playWhenReady) return;
    this.playWhenReady = false;
    void this.trainer.play();
  }

  /**
   * New settings, or the first view: the kept run, else the recording (when `recordable`), else
   * round 0. An imported run's own settings open nothing: that run is already on screen.
   */
  open(settings: RunSettings, opts: { recordable: boolean }): Promise<void> {
    this.settings = settings;
    const key = configKeyOf(settings);
    if (this.adopting === key) {
      this.adopting = undefined;
      return Promise.resolve();
    }
    const first = this.first;
    this.first = false;
    return this.life.open(settings, { recordable: opts.recordable, first });
  }

  /** A new task, size, seed, model or backend builds a fresh session (round 0). */
  configure(settings: RunSettings, backend: BackendChoice): Promise<void> {
    return this.trainer.configure(settings, backend);
  }

  setSpeed(pauseMs: number): void {
    this.trainer.setSpeed(pauseMs);
  }

  // --- Training. Any of it leaves the recording for the live run. ------------------------------
  togglePlay(): void {
    this.life.leaveRecording();
    this.trainer.togglePlay();
  }

  step(): Promise<void> {
    this.life.leaveRecording();
    return this.trainer.step();
  }

  /** "Train it yourself": play now, or as soon as the model is ready. */
  trainYourself(): Promise<void> {
    this.life.leaveRecording();
    if (this.trainer.ready) return this.trainer.play();
    this.playWhenReady = true;
    return Promise.resolve();
  }

  /** Back to round 0 with the same settings; the kept run is forgotten. */
  async reset(): Promise<void> {
    this.life.leaveRecording();
    await this.trainer.reset();
    await this.life.cleared();
  }

  /**
   * After a failure: a fresh worker (skipping a lost backend); the run kept in this browser (up
   * to its last finished round) comes back on it.
   */
  async restart(): Promise<void> {
    const settings = this.settings;
    if (!settings || this.life.phase !== 'live') return this.trainer.restart();
    // Held: the fresh session never shows round 0 or trains from it before the kept run is back.
    await this.trainer.restart({ hold: true });
    if (this.trainer.status.phase === 'failed') return this.trainer.release(true);
    try {
      await this.life.open(settings, { recordable: false, first: false });
    } finally {
      this.trainer.release(this.life.source === 'restored');
    }
  }

  /** Space: the recording's replay while it is on screen, else training. */
  private playOrReplay(): void {
    if (this.life.phase === 'recording') this.life.toggleReplay();
    else this.togglePlay();
  }

  /** Moves the timeline to `round` (clamped); the latest round follows new ones. */
  scrub(round: number): void {
    if (!Number.isInteger(round)) return;
    this.life.revealAll();
    const r = Math.max(0, Math.min(round, this.maxRound));
    this.life.viewRound = r === this.maxRound && this.life.phase === 'live' ? undefined : r;
  }

  /** Carries out a key's command; returns those the page carries out (panels, presenter mode). */
  key(k: KeyInput, view: KeyView): KeyCommand | undefined {
    const c = keyCommand(k, view);
    if (!c) return undefined;
    if (c.type === 'toggle-play') this.playOrReplay();
    else if (c.type === 'step') void this.step();
    else if (c.type === 'scrub-by') this.scrub(this.viewRound + c.rounds);
    else if (c.type === 'scrub-to') this.scrub(c.to === 'first' ? 0 : this.maxRound);
    return c;
  }

  // --- The live run: kept after every round, exported, imported. -------------------------------
  /** X's answers after a live round: kept with the run, which is then saved. */
  treeAnswered(snap: TreeSnapshot): void {
    this.life.recordTree(snap);
    if (this.settings && this.life.phase === 'live' && this.trainer.history.length > 0)
      void this.life.persist(this.settings);
  }

  /** The live run as a file (for "Export run"), once a round is trained. */
  async runFile(): Promise<RunFile | undefined> {
    const snapshot = await this.trainer.snapshot();
    return snapshot && snapshot.round > 0 && this.settings
      ? this.life.runFile(this.settings, snapshot)
      : undefined;
  }

  /**
   * A run file becomes the live run and its settings the page's (`adoptSettings` sets them). On
   * any failure (not a run file, too large, weights the model refuses) `importError` says why and
   * the current run, its rounds and the kept copy are unchanged.
   */
  async importFile(file: ImportSource, adoptSettings: (s: RunSettings) => Promise<void>): Promise<void> {
    if (this.importing) return;
    this.importing = true;
    this.importError = undefined;
    const name = file.name.length > 60 ? `${file.name.slice(0, 60)}…` : file.name;
    try {
      if (file.size > MAX_IMPORT_BYTES) throw new FormatError('the file is larger than 20 MB');
      const run = validateRunFile(await file.text());
      // The worker checks the weights against the model; if it refuses, nothing here changed.
      await this.life.adopt(run);
      const key = configKeyOf(run.settings);
      if (!this.settings || key !== configKeyOf(this.settings)) this.adopting = key;
      await adoptSettings(run.settings);
      this.toolStatus = `Imported the run (${run.snapshot.round} rounds of ${TASK_TITLES[run.settings.task]}).`;
      await this.life.persist(run.settings);
    } catch (err) {
      const why = err instanceof FormatError ? err.message : `the model could not take it (${errText(err)})`;
      this.importError = `Could not import "${name}": ${why}. The current run is unchanged.`;
    } finally {
      this.importing = false;
    }
  }

  dispose(): void {
    this.life.dispose();
    this.trainer.dispose();
  }
}
