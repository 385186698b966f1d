/**
 * The page's view of training: reactive state fed by the worker's events, and the actions the
 * controls call. Owns the TrainingClient; restarts the worker after a fatal error.
 */
import type { Answer } from '../core/answer';
import type { RoundMetrics } from '../core/metrics';
import type { TraceNode } from '../core/recursion';
import { TrainingClient, WorkerStoppedError, type WorkerLike } from '../worker/client';
import {
  backendPreference,
  type SessionSnapshot,
  type BackendAttempt,
  type BackendReport,
  type BackendName,
  type TrainConfig,
  type TrainingState,
  type WorkerEvent,
} from '../worker/protocol';
import { narrateRound } from './narrate';
import { configKeyOf } from '../core/run-format';
import type { BackendChoice } from './url-state';
import { loadProbe, saveProbe } from './probe-store';

export interface TrainerError {
  message: string;
  fatal: boolean;
}

export class Trainer {
  backend: BackendName | undefined = $state();
  attempts: BackendAttempt[] = $state([]);
  /** Why the worker runs on this backend ("WebGPU: 6.1x faster than WASM here"), when it says. */
  backendReason: string | undefined = $state();
  /** Set when the asked-for backend could not be used (or a backend was lost). */
  fallbackNotice: string | undefined = $state();
  ready = $state(false);
  running = $state(false);
  round = $state(0);
  stepInRound = $state(0);
  stepsPerRound = $state(0);
  tensors: number | undefined = $state();
  history: RoundMetrics[] = $state.raw([]);
  sentence: string | undefined = $state();
  error: TrainerError | undefined = $state();
  /** Bumped when X changes (a round finished, a reset): the page asks for fresh answers. */
  modelVersion = $state(0);

  private client: TrainingClient;
  private config: TrainConfig | undefined;
  private asked: BackendChoice = 'auto';
  private lost: BackendName[] = [];
  private configuring: Promise<void> | undefined;
  private pauseMs = 400;

  constructor(createWorker: () => WorkerLike) {
    this.client = new TrainingClient(createWorker, (e) => this.onEvent(e));
  }

  private onEvent(e: WorkerEvent): void {
    switch (e.type) {
      case 'backend':
        this.showBackend(e);
        break;
      case 'progress':
      case 'running':
        this.apply(e);
        break;
      case 'round': {
        const previous = this.history[this.history.length - 1];
        this.history = [...this.history, e.metrics];
        this.sentence = narrateRound(e.metrics, previous);
        this.round = e.metrics.round;
        this.stepInRound = 0;
        this.tensors = e.tensors;
        this.modelVersion++;
        break;
      }
      case 'error':
        if (e.fatal) {
          if (e.lostBackend && !this.lost.includes(e.lostBackend)) this.lost.push(e.lostBackend);
          this.running = false;
          this.ready = false;
          this.client.stop();
        }
        this.error = { message: e.message, fatal: e.fatal };
        break;
    }
  }

  /** The backend event and the configure reply both report the backend; a fresh probe is kept. */
  private showBackend(r: BackendReport): void {
    this.backend = r.backend;
    this.attempts = r.attempts;
    this.backendReason = r.reason;
    if (r.probe) saveProbe(r.probe);
  }

  private apply(s: TrainingState): void {
    this.round = s.round;
    this.stepInRound = s.stepInRound;
    this.stepsPerRound = s.stepsPerRound;
    this.running = s.running;
    this.tensors = s.tensors;
  }

  private fail(err: unknown): void {
    if (err instanceof WorkerStoppedError) return;
    this.error = { message: err instanceof Error ? err.message : String(err), fatal: false };
  }

  /** (Re)builds the session: a new task, size, seed, model… starts training from round 0. */
  configure(config: TrainConfig, backend: BackendChoice): Promise<void> {
    const backendChanged = backend !== this.asked;
    // The same settings as the session already has (e.g. after a restore): nothing to rebuild.
    if (
      !backendChanged &&
      this.config &&
      configKeyOf(config) === configKeyOf(this.config) &&
      !this.error?.fatal
    )
      return this.configuring ?? Promise.resolve();
    this.asked = backend;
    this.config = config;
    if (backendChanged && this.backend !== undefined) {
      this.lost = [];
      this.backendReason = undefined;
      this.client.restart();
    }
    return this.doConfigure();
  }

  private doConfigure(): Promise<void> {
    const config = this.config;
    if (!config) return Promise.resolve();
    this.ready = false;
    this.running = false;
    this.history = [];
    this.sentence = undefined;
    this.round = 0;
    this.stepInRound = 0;
    const backends = backendPreference(this.asked, this.lost);
    // "auto" measures the backends once per browser; the kept result lets the worker skip that.
    const cached = this.asked === 'auto' ? loadProbe() : undefined;
    const auto = this.asked === 'auto' ? (cached ? { cached } : {}) : undefined;
    const p = this.client
      .request<'configure'>({
        type: 'configure',
        config: $state.snapshot(config) as TrainConfig,
        backends,
        ...(auto ? { auto } : {}),
      })
      .then((r) => {
        if (this.config !== config) return;
        this.showBackend(r);
        this.apply(r);
        const failed = r.attempts.filter((a) => !a.ok);
        const wanted = this.asked === 'auto' ? this.lost[0] : this.asked;
        if (wanted && r.backend !== wanted) {
          const why =
            failed.find((a) => a.backend === wanted)?.reason ??
            (this.lost.includes(wanted) ? 'it was lost' : 'unavailable');
          this.fallbackNotice = `Asked for ${wanted}, which could not be used (${why}); using ${r.backend} instead.`;
        } else this.fallbackNotice = undefined;
        this.ready = true;
        this.modelVersion++;
      })
      .catch((err: unknown) => this.fail(err));
    this.configuring = p;
    return p;
  }

  /** After a fatal error: a fresh worker, skipping any backend that was lost. */
  restart(): Promise<void> {
    this.error = undefined;
    this.client.restart();
    return this.doConfigure();
  }

  setSpeed(pauseMs: number): void {
    this.pauseMs = pauseMs;
    if (this.running)
      void this.client.request<'speed'>({ type: 'speed', pauseMs }).catch((e: unknown) => this.fail(e));
  }

  async play(): Promise<void> {
    if (!this.ready || this.running) return;
    this.running = true;
    try {
      const r = await this.client.request<'play'>({ type: 'play', pauseMs: this.pauseMs });
      this.apply(r);
    } catch (err) {
      this.running = false;
      this.fail(err);
    }
  }

  async pause(): Promise<void> {
    try {
      const r = await this.client.request<'pause'>({ type: 'pause' });
      this.apply(r);
    } catch (err) {
      this.fail(err);
    }
  }

  togglePlay(): void {
    if (this.running) void this.pause();
    else void this.play();
  }

  async step(): Promise<void> {
    if (!this.ready || this.running) return;
    this.running = true;
    try {
      const r = await this.client.request<'step'>({ type: 'step', rounds: 1 });
      this.apply(r);
    } catch (err) {
      this.running = false;
      this.fail(err);
    }
  }

  async reset(): Promise<void> {
    if (!this.ready) return;
    try {
      const r = await this.client.request<'reset'>({ type: 'reset' });
      this.history = [];
      this.sentence = undefined;
      this.apply(r);
      this.modelVersion++;
    } catch (err) {
      this.fail(err);
    }
  }

  /** X's answers to `questions` and Amp(X)'s trace of `question`, on one context. */
  async sample(
    ctx: unknown,
    question: unknown,
    questions: unknown[],
  ): Promise<{ answers: Answer[]; amplified: TraceNode } | undefined> {
    if (!this.ready) return undefined;
    try {
      return await this.client.request<'sample'>({ type: 'sample', ctx, question, questions });
    } catch (err) {
      this.fail(err);
      return undefined;
    }
  }

  /** The session at its last round boundary (weights included), for saving; undefined if unavailable. */
  async snapshot(): Promise<SessionSnapshot | undefined> {
    if (!this.ready) return undefined;
    try {
      return await this.client.request<'snapshot'>({ type: 'snapshot' });
    } catch {
      return undefined;
    }
  }

  /** Shows a kept run's rounds at once, while its model is still being restored. */
  showHistory(history: RoundMetrics[]): void {
    this.history = history;
    const last = history[history.length - 1];
    this.sentence = last ? narrateRound(last, history[history.length - 2]) : undefined;
    this.round = last?.round ?? 0;
  }

  /**
   * Replaces the session with a saved one (after any configure in flight). Throws, leaving the
   * current session and rounds as they were, when the worker refuses the snapshot.
   */
  async restore(snapshot: SessionSnapshot, config: TrainConfig): Promise<void> {
    await this.configuring;
    if (!this.ready) throw new Error('the model is not ready yet; try again in a moment');
    this.ready = false;
    try {
      const r = await this.client.request<'restore'>({ type: 'restore', snapshot, config });
      this.config = config;
      this.showHistory(snapshot.history);
      this.apply(r);
      this.modelVersion++;
    } finally {
      this.ready = true;
    }
  }

  dismissError(): void {
    if (this.error && !this.error.fatal) this.error = undefined;
  }

  dispose(): void {
    this.client.stop();
  }
}
