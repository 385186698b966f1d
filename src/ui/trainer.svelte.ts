/**
 * The page's view of training: reactive state fed by the worker's events, and the actions the
 * controls call. Owns the TrainingClient; restarts the worker after a fatal error. Where the
 * session is (starting, paused, training, restoring, failed) is one `status`, never flags set
 * together.
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

/** Where the worker's session is: one state per phase. */
export type TrainerStatus =
  /** The session is being built (configure in flight, or a restart). */
  | { phase: 'starting' }
  | { phase: 'paused' }
  | { phase: 'training'; mode: 'play' | 'step' }
  /** A saved session replaces the current one. */
  | { phase: 'restoring' }
  /** The worker cannot go on (a crash, a lost backend, a session that could not be built). */
  | { phase: 'failed'; error: string };

export interface TrainerHooks {
  /** Called when the session becomes ready to train (built, restarted or restored). */
  onReady?: () => void;
}

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Trainer {
  backend: BackendName | undefined = $state();
  attempts: BackendAttempt[] = $state([]);
  /** Why the worker runs on this backend ("WebGPU: 6.1x faster than WASM here"), when it says. */
  backendReason: string | undefined = $state();
  /** Set when the asked-for backend could not be used (or a backend was lost). */
  fallbackNotice: string | undefined = $state();
  status: TrainerStatus = $state({ phase: 'starting' });
  /**
   * Built and not failed: training, sampling and snapshots may be asked for. Derived, so that what
   * reads it (the tree's answers) reruns only when readiness changes, not at every step start.
   */
  readonly ready: boolean = $derived(this.status.phase === 'paused' || this.status.phase === 'training');
  readonly running: boolean = $derived(this.status.phase === 'training');
  round = $state(0);
  stepInRound = $state(0);
  stepsPerRound = $state(0);
  tensors: number | undefined = $state();
  history: RoundMetrics[] = $state.raw([]);
  sentence: string | undefined = $state();
  /** A request that failed while the worker is fine (shown, dismissable). */
  notice: string | undefined = $state();
  /** Bumped when X changes (a round finished, a reset): the page asks for fresh answers. */
  modelVersion = $state(0);

  private client: TrainingClient;
  private config: TrainConfig | undefined;
  private asked: BackendChoice = 'auto';
  private lost: BackendName[] = [];
  private configuring: Promise<void> | undefined;
  private pauseMs = 400;
  /**
   * A restarted session held back from training until the kept run is back on it: it goes from
   * 'starting' to 'restoring', never to 'paused' at round 0 in between.
   */
  private held = false;

  constructor(
    createWorker: () => WorkerLike,
    private readonly hooks: TrainerHooks = {},
  ) {
    this.client = new TrainingClient(createWorker, (e) => this.onEvent(e));
  }

  /** The failure, or the last failed request, for the page's alert. */
  get error(): TrainerError | undefined {
    if (this.status.phase === 'failed') return { message: this.status.error, fatal: true };
    return this.notice === undefined ? undefined : { message: this.notice, fatal: false };
  }

  private setStatus(next: TrainerStatus): void {
    const was = this.status.phase;
    this.status = next;
    if (next.phase === 'paused' && (was === 'starting' || was === 'restoring')) this.hooks.onReady?.();
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
          this.status = { phase: 'failed', error: e.message };
          this.client.stop();
        } else this.notice = e.message;
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
    this.tensors = s.tensors;
    // The worker says whether it trains; only a built session follows it.
    if (this.status.phase === 'training' && !s.running) this.setStatus({ phase: 'paused' });
    else if (this.status.phase === 'paused' && s.running) this.setStatus({ phase: 'training', mode: 'play' });
  }

  private fail(err: unknown): void {
    if (err instanceof WorkerStoppedError) return;
    this.notice = errText(err);
  }

  /** (Re)builds the session: a new task, size, seed, model… starts training from round 0. */
  configure(config: TrainConfig, backend: BackendChoice): Promise<void> {
    const backendChanged = backend !== this.asked;
    // The same settings as the session already has (e.g. after a restore): nothing to rebuild.
    if (
      !backendChanged &&
      this.config &&
      configKeyOf(config) === configKeyOf(this.config) &&
      this.status.phase !== 'failed'
    )
      return this.configuring ?? Promise.resolve();
    this.asked = backend;
    this.config = config;
    this.held = false;
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
    this.status = { phase: 'starting' };
    // A held restart keeps the rounds on screen: the kept run brings them back (or `release` clears them).
    if (!this.held) this.clearRounds();
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
        this.modelVersion++;
        this.setStatus({ phase: this.held ? 'restoring' : 'paused' });
      })
      .catch((err: unknown) => {
        // No session could be built: nothing to train until a restart.
        if (this.config !== config || err instanceof WorkerStoppedError) return;
        this.status = { phase: 'failed', error: errText(err) };
      });
    this.configuring = p;
    return p;
  }

  private clearRounds(): void {
    this.history = [];
    this.sentence = undefined;
    this.round = 0;
    this.stepInRound = 0;
  }

  /**
   * After a fatal error: a fresh worker, skipping any backend that was lost. With `hold`, the
   * session is not offered for training until `release`: a kept run is restored on it first.
   */
  restart(opts: { hold?: boolean } = {}): Promise<void> {
    this.notice = undefined;
    this.held = opts.hold ?? false;
    this.client.restart();
    return this.doConfigure();
  }

  /**
   * Ends a held restart. `keepRounds`: a kept run came back (or the restart failed and the old
   * rounds stay on screen); else the fresh session shows round 0.
   */
  release(keepRounds: boolean): void {
    if (!this.held) return;
    this.held = false;
    if (!keepRounds) this.clearRounds();
    if (this.status.phase === 'restoring') this.setStatus({ phase: 'paused' });
  }

  setSpeed(pauseMs: number): void {
    this.pauseMs = pauseMs;
    if (this.running)
      void this.client.request<'speed'>({ type: 'speed', pauseMs }).catch((e: unknown) => this.fail(e));
  }

  async play(): Promise<void> {
    return this.train('play');
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
    return this.train('step');
  }

  /** Play (until paused) or one round; the reply comes when training stops. */
  private async train(mode: 'play' | 'step'): Promise<void> {
    if (this.status.phase !== 'paused') return;
    this.setStatus({ phase: 'training', mode });
    try {
      const r = await (mode === 'play'
        ? this.client.request<'play'>({ type: 'play', pauseMs: this.pauseMs })
        : this.client.request<'step'>({ type: 'step', rounds: 1 }));
      this.apply(r);
    } catch (err) {
      // The status may have moved on while the request was out (a failure, a restore).
      if ((this.status as TrainerStatus).phase === 'training') this.setStatus({ phase: 'paused' });
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
    const heldBack = this.held && this.status.phase === 'restoring';
    if (!this.ready && !heldBack) throw new Error('the model is not ready yet; try again in a moment');
    // The worker stops any training first, whether or not it takes the snapshot.
    this.status = { phase: 'restoring' };
    try {
      const r = await this.client.request<'restore'>({ type: 'restore', snapshot, config });
      this.config = config;
      this.showHistory(snapshot.history);
      this.apply(r);
      this.modelVersion++;
    } finally {
      if (this.status.phase === 'restoring' && !this.held) this.setStatus({ phase: 'paused' });
    }
  }

  dismissError(): void {
    this.notice = undefined;
  }

  dispose(): void {
    this.client.stop();
  }
}
