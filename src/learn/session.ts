/**
 * The round loop the app's worker and the CLI drive: amplification, the supervised baseline
 * (inline, or in a thread of its own: see supervised.ts), evaluation. Its parts live beside it:
 * the depth curriculum (curriculum.ts), when to evaluate (evaluation-policy.ts), the held-out
 * evaluation (held-out-evaluation.ts) and how steps are grouped into chunks (chunking.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { Answer } from '../core/answer';
import type { RoundMetrics } from '../core/metrics';
import type { SessionSnapshot as CoreSessionSnapshot, SnapshotWeights } from '../core/run-format';
import { createRng, type Rng } from '../core/rng';
import type { AnyTask } from '../core/task';
import { getTask } from '../core/tasks';
import { noisyOverseer } from '../core/noisy-overseer';
import {
  amplificationTargets,
  amplifiedAnswers,
  overseerView,
  sampleItems,
  type OverseerView,
  type StepTargets,
} from './amplify';
import { describeDevice } from './device';
import type { BackendName } from './backend';
import { GPU_BACKENDS } from './defaults';
import { contextsPerBatch, stepsPerChunk, TARGET_BLOCK_STEPS } from './chunking';
import { Curriculum } from './curriculum';
import { combineByDepth, makeHeldOut, type HeldOutItem } from './evaluate';
import { EvaluationPolicy } from './evaluation-policy';
import { evaluateHeldOut, type Evaluation } from './held-out-evaluation';
import { LearnedOverseer } from './learned-overseer';
import { scheduleFactor } from './lr-schedule';
import { disposeWeights, Learner } from './learner';
import { forwardFlops, type Weights } from './model';
import {
  BaselineThreadError,
  LocalBaseline,
  type Baseline,
  type BaselineChannel,
  type BaselineConfig,
} from './supervised';
import { resolveSessionConfig, type ResolvedConfig, type SessionConfig } from './session-config';
import { base64ToFloat32, float32ToBase64 } from './weights-data';

export type { ResolvedConfig, SessionConfig };

/** Options that are not part of the session's configuration (they do not go into snapshots). */
export interface SessionOptions {
  /** Run the supervised baseline behind this channel (another thread) instead of inline. */
  baseline?: BaselineChannel;
}

/**
 * Builds with the baseline behind `options.baseline` when given, and again inline when that
 * thread cannot be used (`warn` says why). For create and restore alike.
 */
export async function withBaselineFallback<T>(
  options: SessionOptions,
  warn: (why: string) => void,
  build: (options: SessionOptions) => Promise<T>,
): Promise<T> {
  if (!options.baseline) return build(options);
  try {
    return await build(options);
  } catch (err) {
    if (!(err instanceof BaselineThreadError)) throw err;
    warn(`${err.message}; training the baseline inline`);
    return build({ ...options, baseline: undefined });
  }
}

export { MAX_CHUNK_QUESTIONS } from './chunking';

/** Whether tfjs runs on a GPU that is not a software one (checked once per backend). */
const hardwareGpu = new Map<string, Promise<boolean>>();
function onHardwareGpu(): Promise<boolean> {
  const backend = tf.getBackend();
  let known = hardwareGpu.get(backend);
  if (!known) {
    known = GPU_BACKENDS.includes(backend)
      ? describeDevice().then(
          (d) => !d.software.includes(backend as BackendName),
          () => false,
        )
      : Promise.resolve(false);
    hardwareGpu.set(backend, known);
  }
  return known;
}

export { EVAL_RATIO, evaluationDue } from './evaluation-policy';

/** RoundMetrics plus what this session knows about the round. */
export interface SessionRoundMetrics extends RoundMetrics {
  /** Deepest depth amplification trains on (the curriculum's frontier). */
  admittedDepth: number;
  /** X's agreement with Amp(X) on fresh questions per admitted depth (no ground truth). */
  agreement: Record<string, number>;
  supervisedSeconds: number;
  /**
   * Seconds amplification's thread waited for the baseline (its thread catching up at an
   * evaluation): what the baseline in a thread of its own cost in wall time.
   */
  supervisedWaitSeconds: number;
  evalSeconds: number;
  loss: number;
  /** Rounds finished without an evaluation since the last evaluated one (evaluation 'auto'). */
  skippedEvaluations: number;
}

export interface TrainProgress {
  stepInRound: number;
  stepsPerRound: number;
  /** The round's metrics, when a round ended here and was evaluated. */
  finished?: SessionRoundMetrics;
  /** True when a round ended here without an evaluation (evaluation 'auto'). */
  unevaluated?: boolean;
}

export type { Evaluation } from './held-out-evaluation';

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class TrainingSession {
  readonly config: ResolvedConfig;
  readonly task: AnyTask;
  readonly backend: string;
  /** Rounds finished. */
  round = 0;
  stepInRound = 0;
  examples = 0;
  overseerCalls = 0;
  labels = 0;
  /** Seconds spent on amplification's training steps (teacher waves + student updates). */
  seconds = 0;
  /** On a GPU backend that runs in software (SwiftShader): its arithmetic is a CPU's. */
  private softwareGpu = false;
  /** On a hardware GPU a wave of the teacher's answers (a read-back) costs more than its arithmetic. */
  private get readBacksDear(): boolean {
    return GPU_BACKENDS.includes(this.backend) && !this.softwareGpu;
  }
  supervisedSeconds = 0;
  /** Seconds spent waiting for the baseline's thread at evaluations. */
  supervisedWaitSeconds = 0;
  evalSeconds = 0;
  lastLoss = NaN;
  /** Model calls (waves) per amplification step, averaged. */
  private waveCount = 0;
  /** Subquestions sent to the teacher so far. */
  modelQueries = 0;
  private ampSteps = 0;
  /** The round's next steps with their targets, computed ahead of their updates (a block's rest). */
  private prepared: StepTargets[] = [];
  /** Optimiser updates made before a restore: where the learning-rate schedule resumes. */
  private updateOffset = 0;
  lastEvaluation: Evaluation | null = null;
  readonly history: SessionRoundMetrics[] = [];
  /** Set to evaluate at the end of the current round whatever the evaluation policy says. */
  evaluateNextRound = false;
  private readonly evaluationPolicy: EvaluationPolicy;
  private readonly curriculum: Curriculum;

  private readonly view: OverseerView;
  /** H' and the view that routes H's calls through it (overseer 'learned'), else null. */
  private readonly learned: { h: LearnedOverseer; view: OverseerView } | null = null;
  private readonly x: Learner;
  /** Set by createWithTask (null when the baseline is off). */
  private baseline: Baseline | null = null;
  private teacher: Weights;
  private readonly ampRng: Rng;
  readonly heldOut: HeldOutItem[];
  private disposed = false;
  private busy = false;

  private constructor(task: AnyTask, config: ResolvedConfig) {
    this.task = task;
    this.config = config;
    this.backend = tf.getBackend();
    this.view =
      config.overseerNoise > 0
        ? noisyOverseer(
            overseerView(task),
            config.params,
            config.overseerNoise,
            createRng(config.seed).fork('overseer-noise'),
          )
        : overseerView(task);
    if (config.overseer === 'learned') {
      // H' imitates H as amplification meets it (a noisy H included).
      const h = new LearnedOverseer({ seed: config.seed });
      this.learned = { h, view: h.router.view(this.view) };
    }
    const root = createRng(config.seed);
    const enc = task.encoding(config.params);
    const init = root.fork('init');
    const schedule = config.learningRateSchedule;
    this.x = new Learner(
      enc,
      config.model,
      () => init.next(),
      config.learningRate,
      schedule ? (k) => scheduleFactor(schedule, k + this.updateOffset) : undefined,
      schedule?.updatesPerStep ?? 1,
    );
    this.teacher = this.x.snapshot();
    this.ampRng = root.fork('amplification');
    this.curriculum = new Curriculum(
      task.maxDepth(config.params),
      {
        enabled: config.curriculum,
        admitAgreement: config.admitAgreement,
        deepestShare: config.deepestShare,
      },
      root.fork('curriculum'),
    );
    this.evaluationPolicy = new EvaluationPolicy(config.evaluation);
    this.heldOut = makeHeldOut(task, config.params, config.seed, config.heldOutQuestions);
  }

  static async create(config: SessionConfig, options: SessionOptions = {}): Promise<TrainingSession> {
    const task = getTask(config.task);
    if (!task) throw new Error(`unknown task "${config.task}"`);
    return TrainingSession.createWithTask(task, config, options);
  }

  /**
   * Like create, with an explicit task object (tests use one whose solver throws). A baseline in
   * another thread rebuilds the task from its id there.
   */
  static async createWithTask(
    task: AnyTask,
    config: SessionConfig,
    options: SessionOptions = {},
  ): Promise<TrainingSession> {
    await tf.ready();
    const hardware = await onHardwareGpu();
    const resolved = resolveSessionConfig(task, config, hardware);
    const s = new TrainingSession(task, resolved);
    s.softwareGpu = GPU_BACKENDS.includes(s.backend) && !hardware;
    if (resolved.supervised) {
      const bc: BaselineConfig = {
        task: resolved.task,
        params: resolved.params,
        seed: resolved.seed,
        model: resolved.model,
        // The baseline keeps a constant rate, as it had before large steps had a schedule.
        learningRate: resolved.learningRateSchedule?.constantRate ?? resolved.learningRate,
        perContext: resolved.questionsPerContext + resolved.subquestionsPerContext,
        heldOutQuestions: resolved.heldOutQuestions,
      };
      try {
        // Off a software GPU's queue (SwiftShader): the same model runs ~20x faster per step on
        // WASM there (permutation's relational step: ~0.2 s against ~5 s), and both share the CPU.
        s.baseline = options.baseline
          ? await options.baseline.open(bc, s.softwareGpu ? 'wasm' : s.backend)
          : await LocalBaseline.create(task, bc);
      } catch (err) {
        s.dispose();
        throw err;
      }
    }
    return s;
  }

  /** The curriculum's frontier: the deepest depth amplification trains on (maxDepth when it is off). */
  get admittedDepth(): number {
    return this.curriculum.admittedDepth;
  }
  set admittedDepth(depth: number) {
    this.curriculum.admittedDepth = depth;
  }

  get maxDepth(): number {
    return this.curriculum.maxDepth;
  }

  /** X's agreement with Amp(X) per admitted depth at the curriculum's last check. */
  get agreement(): Record<string, number> {
    return this.curriculum.agreement;
  }

  /** Where the supervised baseline trains: 'inline', 'thread', or null when it is off. */
  get baselineWhere(): 'inline' | 'thread' | null {
    return this.baseline?.where ?? null;
  }

  /** The teacher's model calls (waves) for amplification's targets so far: one read-back each. */
  get teacherWaves(): number {
    return this.waveCount;
  }

  /** Mean model calls (waves) per amplification step so far. */
  get meanWaves(): number {
    return this.ampSteps ? this.waveCount / this.ampSteps : 0;
  }

  get parameters(): number {
    return this.x.parameters;
  }

  /** Forward FLOPs for one training question (a context is shared by questionsPerContext questions). */
  get flopsPerQuestion(): { forward: number; perContext: number; perQuestion: number } {
    const f = forwardFlops(this.x.shape, this.config.model);
    const perCtx = this.config.questionsPerContext + this.config.subquestionsPerContext;
    return { ...f, forward: f.perQuestion + f.perContext / perCtx };
  }

  /**
   * FLOPs of one amplification training example, counted as matmul work: the student's forward and
   * backward (≈ 3 forwards), the teacher's context encoding (once per context) and its question
   * passes (one per subquestion sent to the model, as measured so far).
   */
  get trainingFlopsPerExample(): number {
    const f = this.flopsPerQuestion;
    const perCtx = this.config.questionsPerContext + this.config.subquestionsPerContext;
    const queries = this.examples ? this.modelQueries / this.examples : 0;
    return 3 * f.forward + f.perContext / perCtx + queries * f.perQuestion;
  }

  /** The overseer amplification's training uses: H, or H' routed through (evaluation always uses H). */
  private amplificationView(): OverseerView {
    return this.learned?.view ?? this.view;
  }

  /**
   * Calls to the real H since the last count: every decomposition with H, H's share with H'.
   * H' trains here, whenever enough new steps of H came in.
   */
  private async overseerCallsSince(r: { overseerCalls: number }): Promise<number> {
    if (!this.learned) return r.overseerCalls;
    if (this.learned.h.due) await this.learned.h.train();
    return this.learned.h.router.takeRealCalls();
  }

  /**
   * Amplification's next `steps` steps: one student update per step (each followed by the
   * baseline's step) on Amp(teacher) targets computed ahead in blocks (the same waves for a
   * block's steps), and one read of the loss at the end. Returns when the chunk's work is done
   * on the device.
   */
  private async ampChunk(steps: number): Promise<void> {
    const t0 = now();
    let trained = 0;
    while (trained < steps && !this.disposed) {
      // Targets come in blocks of at least TARGET_BLOCK_STEPS steps, however small the caller's
      // chunk: the page's short chunks share the teacher's waves as the CLI's do.
      if (this.prepared.length === 0)
        await this.prepareTargets(
          Math.min(
            Math.max(steps - trained, TARGET_BLOCK_STEPS),
            stepsPerChunk(this.config.batchSize),
            this.config.stepsPerRound - this.stepInRound,
          ),
        );
      for (const step of this.prepared.splice(0, steps - trained)) {
        if (this.disposed) break;
        this.x.trainStep(step.items, step.targets, this.config.skipUnknown);
        this.examples += step.items.length;
        this.ampSteps++;
        this.stepInRound++;
        trained++;
        // Inline, the baseline's step is timed apart from amplification's.
        const ts = now();
        await this.supStep(step.items.length);
        if (this.baseline?.where === 'inline') this.seconds -= (now() - ts) / 1000;
      }
    }
    if (trained > 0 && !this.disposed) this.lastLoss = await this.x.readLoss();
    this.seconds += (now() - t0) / 1000;
  }

  /** Amp(teacher) targets for the round's next `steps` steps, computed together. */
  private async prepareTargets(steps: number): Promise<void> {
    const perContext = this.config.questionsPerContext + this.config.subquestionsPerContext;
    const contexts = contextsPerBatch(this.config.batchSize, perContext);
    const batches = Array.from({ length: steps }, () =>
      sampleItems(this.view, this.ampRng, this.config.params, contexts, perContext, () =>
        this.curriculum.drawDepth(this.ampRng),
      ),
    );
    const top = this.admittedDepth;
    const first = this.stepInRound;
    const round = this.round;
    const chunk = await amplificationTargets(this.amplificationView(), this.x, this.teacher, batches, {
      subquestionsPerContext: this.config.subquestionsPerContext,
      rngForStep: (i) => this.ampRng.fork(`subquestions ${round}:${first + i}`),
      keepSubquestion: (it) => this.view.depth(it.ctx, it.question) <= top,
      // On a GPU a wave (a read-back) costs more than its arithmetic; not on a software one
      // (SwiftShader), where 'alongside' answered 2.85 questions per example against 2.15
      // (permutation). H' learns from every decomposition it sees, so it gets only the ones trained on.
      subquestionWaves: this.readBacksDear && !this.learned ? 'alongside' : 'after',
      subquestionsAhead: this.readBacksDear,
    });
    this.overseerCalls += await this.overseerCallsSince(chunk);
    this.waveCount += chunk.waves;
    this.modelQueries += chunk.modelQueries;
    this.prepared = chunk.steps;
  }

  /**
   * The supervised baseline's step on `count` fresh questions (as many as amplification just
   * used): trained here and now inline, or queued to its thread, which trains while amplification
   * goes on.
   */
  private async supStep(count: number): Promise<void> {
    if (!this.baseline || count <= 0) return;
    const t0 = now();
    await this.baseline.step(count);
    this.labels += count;
    if (this.baseline.where === 'inline') this.supervisedSeconds += (now() - t0) / 1000;
  }

  /**
   * Trains at most maxSteps steps of the current round; resumable mid-round. When the round's
   * last step is done it evaluates, makes the student the next teacher, and returns the metrics.
   */
  async train(maxSteps: number): Promise<TrainProgress> {
    if (this.disposed) throw new Error('session disposed');
    if (this.busy) throw new Error('train() called while a previous call is still running');
    this.busy = true;
    try {
      return await this.trainSteps(maxSteps);
    } finally {
      this.busy = false;
      if (this.disposed) this.release();
    }
  }

  private async trainSteps(maxSteps: number): Promise<TrainProgress> {
    const spr = this.config.stepsPerRound;
    let left = Math.min(maxSteps, spr - this.stepInRound);
    const perChunk = stepsPerChunk(this.config.batchSize);
    while (left > 0 && !this.disposed) {
      const n = Math.min(left, perChunk);
      await this.ampChunk(n);
      left -= n;
    }
    if (this.stepInRound < spr || this.disposed) return { stepInRound: this.stepInRound, stepsPerRound: spr };
    const finished = await this.finishRound();
    return finished
      ? { stepInRound: spr, stepsPerRound: spr, finished }
      : { stepInRound: spr, stepsPerRound: spr, unevaluated: true };
  }

  /** Trains until the current round finishes, and evaluates it (whatever the evaluation policy). */
  async trainRound(): Promise<SessionRoundMetrics> {
    this.evaluateNextRound = true;
    for (;;) {
      const p = await this.train(this.config.stepsPerRound);
      if (p.finished) return p.finished;
    }
  }

  /** Trains rounds until one is evaluated (every round with evaluation 'every-round'). */
  async trainUntilEvaluated(): Promise<SessionRoundMetrics> {
    for (;;) {
      const p = await this.train(this.config.stepsPerRound);
      if (p.finished) return p.finished;
    }
  }

  /**
   * Ends the round: the student becomes the teacher, the curriculum moves, and (when the policy
   * says so) X, Amp(X) and the baseline are evaluated. Null when the round was not evaluated.
   */
  private async finishRound(): Promise<SessionRoundMetrics | null> {
    disposeWeights(this.teacher);
    this.teacher = this.x.snapshot();
    this.round++;
    this.stepInRound = 0;
    const tc = now();
    if (this.config.curriculum)
      await this.curriculum.check(this.x, this.view, this.amplificationView(), this.config.params, {
        ahead: this.readBacksDear,
      });
    this.seconds += (now() - tc) / 1000;
    const first = this.history.length === 0;
    if (!this.evaluationPolicy.due(this.seconds, { forced: this.evaluateNextRound, first })) {
      this.evaluationPolicy.skip();
      return null;
    }
    this.evaluateNextRound = false;
    const t0 = now();
    const w0 = this.supervisedWaitSeconds;
    const ev = await this.evaluate();
    // The wait for the baseline's thread is counted apart (supervisedWaitSeconds).
    const cost = (now() - t0) / 1000 - (this.supervisedWaitSeconds - w0);
    this.evalSeconds += cost;
    return this.roundMetrics(ev, this.evaluationPolicy.evaluated(this.seconds, cost));
  }

  /**
   * Evaluates the last finished round if it was not (a run that stops between evaluations);
   * null when it was evaluated already, or no round has finished.
   */
  async evaluateLastRound(): Promise<SessionRoundMetrics | null> {
    if (this.disposed) throw new Error('session disposed');
    if (this.busy) throw new Error('evaluateLastRound() called while train() is running');
    const last = this.history[this.history.length - 1];
    if (this.round === 0 || (last && last.round === this.round)) return null;
    this.busy = true;
    try {
      const t0 = now();
      const w0 = this.supervisedWaitSeconds;
      const ev = await this.evaluate();
      this.evalSeconds += (now() - t0) / 1000 - (this.supervisedWaitSeconds - w0);
      return this.roundMetrics(ev, this.evaluationPolicy.evaluatedLate(this.seconds));
    } finally {
      this.busy = false;
      if (this.disposed) this.release();
    }
  }

  private roundMetrics(ev: Evaluation, skipped: number): SessionRoundMetrics {
    const m: SessionRoundMetrics = {
      round: this.round,
      task: this.task.id,
      preset: this.config.preset,
      seed: this.config.seed,
      backend: this.backend,
      examples: this.examples,
      overseerCalls: this.overseerCalls,
      labels: this.labels,
      seconds: this.seconds,
      examplesPerSecond: this.seconds > 0 ? this.examples / this.seconds : 0,
      modelAccuracy: ev.scores.model.overall,
      amplifiedAccuracy: ev.scores.amplified.overall,
      supervisedAccuracy: ev.scores.supervised ? ev.scores.supervised.overall : null,
      byDepth: combineByDepth(ev.scores.model, ev.scores.amplified, ev.scores.supervised),
      tensors: tf.memory().numTensors,
      admittedDepth: this.admittedDepth,
      agreement: this.agreement,
      supervisedSeconds: this.supervisedSeconds,
      supervisedWaitSeconds: this.supervisedWaitSeconds,
      evalSeconds: this.evalSeconds,
      loss: this.lastLoss,
      skippedEvaluations: skipped,
      ...(this.learned ? { learnedOverseerAgreement: this.learned.h.agreement } : {}),
    };
    this.history.push(m);
    return m;
  }

  /**
   * X, Amp(X) and the supervised model on the held-out set, against the ground truth. The
   * baseline answers after every step sent so far (in its thread, while X and Amp(X) answer here).
   */
  async evaluate(): Promise<Evaluation> {
    const { evaluation, baseline, waitedSeconds } = await evaluateHeldOut(
      this.heldOut,
      this.x,
      this.view,
      this.baseline,
      { ahead: this.readBacksDear },
    );
    if (this.baseline?.where === 'thread') {
      this.supervisedWaitSeconds += waitedSeconds;
      if (baseline) this.supervisedSeconds = baseline.seconds;
    }
    this.lastEvaluation = evaluation;
    return evaluation;
  }

  /** X's current answers to (non-primitive) questions about one context. */
  async answer(ctx: unknown, questions: unknown[]): Promise<Answer[]> {
    if (this.disposed) throw new Error('session disposed');
    return this.x.answer(questions.map((question) => ({ ctx, question })));
  }

  /** Amp(X)'s answers (H one level, X below) to questions about one context. */
  async amplifiedAnswer(ctx: unknown, questions: unknown[]): Promise<Answer[]> {
    return (
      await this.x.withWeights((w) =>
        amplifiedAnswers(
          this.view,
          this.x,
          w,
          questions.map((question) => ({ ctx, question })),
          { ahead: this.readBacksDear },
        ),
      )
    ).answers;
  }

  /** Frees every tensor. Safe during a train() call: the call stops after its current step and frees them then. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.busy) this.release();
  }

  private release(): void {
    disposeWeights(this.teacher);
    this.x.dispose();
    this.baseline?.dispose();
    this.learned?.h.dispose();
  }

  /**
   * The session as plain data, taken at a round boundary (stepInRound 0): counters, history and
   * the weights of X and of the supervised baseline (base64 float32 little-endian), and H' (its
   * weights and trust per depth) when the overseer is learned. The optimiser
   * state and the random streams are not kept; a restored session draws fresh questions.
   */
  async snapshot(): Promise<SessionSnapshot> {
    if (this.disposed) throw new Error('session disposed');
    const { params: _params, ...config } = this.config;
    void _params;
    const learnedOverseer = await this.learned?.h.exportState();
    return {
      version: 1,
      config: { ...config, model: { ...config.model } },
      round: this.round,
      examples: this.examples,
      overseerCalls: this.overseerCalls,
      labels: this.labels,
      seconds: this.seconds,
      history: this.history.map((m) => ({ ...m, byDepth: { ...m.byDepth } })),
      admittedDepth: this.admittedDepth,
      weights: {
        x: await this.x.exportWeights(),
        supervised: this.baseline ? await this.baseline.weights() : null,
      },
      ...(learnedOverseer ? { learnedOverseer } : {}),
    };
  }

  /**
   * A session rebuilt from a snapshot: the same configuration, X's and the baseline's weights,
   * the counters and the history; the teacher is X. Throws (leaving nothing allocated) when the
   * weights do not fit the model the configuration builds.
   */
  static async restore(snapshot: SessionSnapshot, options: SessionOptions = {}): Promise<TrainingSession> {
    if (snapshot?.version !== 1) throw new Error('unsupported session snapshot version');
    const s = await TrainingSession.create(snapshot.config, options);
    try {
      const x = s.x.checkWeights(snapshot.weights.x, 'X');
      // The baseline checks its weights before assigning any; X's are assigned only after that.
      if (s.baseline) await s.baseline.setWeights(snapshot.weights.supervised);
      if (snapshot.learnedOverseer) {
        if (!s.learned) throw new Error("the snapshot keeps H' for a run whose overseer is H");
        await s.learned.h.importState(snapshot.learnedOverseer);
      }
      s.x.setWeights(x);
      disposeWeights(s.teacher);
      s.teacher = s.x.snapshot();
      const count = (v: unknown, name: string): number => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
          throw new Error(`snapshot ${name} is not a count`);
        return v;
      };
      s.round = count(snapshot.round, 'round');
      s.examples = count(snapshot.examples, 'examples');
      s.overseerCalls = count(snapshot.overseerCalls, 'overseerCalls');
      s.labels = count(snapshot.labels, 'labels');
      s.seconds = count(snapshot.seconds, 'seconds');
      s.updateOffset =
        Math.round(s.examples / s.config.batchSize) * (s.config.learningRateSchedule?.updatesPerStep ?? 1);
      s.history.push(...(snapshot.history as SessionRoundMetrics[]));
      const last = snapshot.history[snapshot.history.length - 1] as Partial<SessionRoundMetrics> | undefined;
      const admitted = snapshot.admittedDepth ?? last?.admittedDepth;
      if (typeof admitted === 'number' && Number.isInteger(admitted))
        s.admittedDepth = Math.max(1, Math.min(s.maxDepth, admitted));
    } catch (err) {
      s.dispose();
      throw err;
    }
    return s;
  }
}

/** What TrainingSession.snapshot returns and TrainingSession.restore take (the format lives in core). */
export type SessionSnapshot = CoreSessionSnapshot<SessionConfig>;
export type { SnapshotWeights };

export { base64ToFloat32, float32ToBase64 };
