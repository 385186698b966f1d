/**
 * The supervised baseline: the same model as X, trained on ground-truth answers, per step as many
 * labelled questions as amplification used in its step. It runs in the session's own thread
 * (LocalBaseline) or in a thread of its own (a Node worker thread, a second Web Worker) behind a
 * message port (BaselineChannel ⇄ serveBaseline), so on two cores it costs amplification no wall
 * time. Either way it draws the same questions from the same seeded streams and takes the same
 * steps in the same order, so its accuracies are the same.
 */
import * as tf from '@tensorflow/tfjs';
import type { Answer } from '../core/answer';
import { createRng, type Rng } from '../core/rng';
import type { SnapshotWeights } from '../core/run-format';
import type { AnyTask, Params, TaskId } from '../core/task';
import { getTask } from '../core/tasks';
import { sampleItems } from './amplify';
import { makeHeldOut, score, type HeldOutItem, type Score } from './evaluate';
import { Learner } from './learner';
import type { ModelConfig } from './model';

/** Everything the baseline is built from, as plain data (it crosses threads). */
export interface BaselineConfig {
  task: TaskId;
  params: Params;
  seed: number;
  model: ModelConfig;
  learningRate: number;
  /** Questions per context in a training batch (amplification's questions + subquestions). */
  perContext: number;
  heldOutQuestions: number;
}

export interface BaselineEvaluation {
  /** Answers to the held-out set (makeHeldOut with the config's seed), in its order. */
  answers: Answer[];
  score: Score;
}

/** The baseline's state after every step sent before the request. */
export interface BaselineReport {
  /** Seconds spent in training steps (in the baseline's own thread). */
  seconds: number;
  evalSeconds: number;
  /** Ground-truth labels trained on. */
  labels: number;
  /** Null when no evaluation was asked for. */
  evaluation: BaselineEvaluation | null;
}

/** What a TrainingSession needs of its baseline, wherever it runs. */
export interface Baseline {
  /** One training step on `count` fresh labelled questions (queued when the baseline runs elsewhere). */
  step(count: number): Promise<void>;
  /** The state after every step sent so far, with the held-out answers when `evaluate`. */
  report(evaluate: boolean): Promise<BaselineReport>;
  weights(): Promise<SnapshotWeights>;
  /** Checks the weights against the model, then assigns them (throws, assigning nothing, when they do not fit). */
  setWeights(weights: SnapshotWeights | null | undefined): Promise<void>;
  /** Where it runs, for people: 'inline' or 'thread'. */
  readonly where: 'inline' | 'thread';
  dispose(): void;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** The baseline's model, optimiser and random stream. */
export class SupervisedBaseline {
  labels = 0;
  seconds = 0;
  evalSeconds = 0;
  private readonly learner: Learner;
  private readonly rng: Rng;
  private heldOutCache: HeldOutItem[] | null = null;

  private constructor(
    readonly task: AnyTask,
    readonly config: BaselineConfig,
  ) {
    // The same forks of the seed as the session's own (fork depends only on seed and label).
    const root = createRng(config.seed);
    const init = root.fork('init');
    this.learner = new Learner(
      task.encoding(config.params),
      config.model,
      () => init.next(),
      config.learningRate,
    );
    this.rng = root.fork('supervised');
  }

  static async create(task: AnyTask, config: BaselineConfig): Promise<SupervisedBaseline> {
    await tf.ready();
    return new SupervisedBaseline(task, config);
  }

  private get heldOut(): HeldOutItem[] {
    this.heldOutCache ??= makeHeldOut(
      this.task,
      this.config.params,
      this.config.seed,
      this.config.heldOutQuestions,
    );
    return this.heldOutCache;
  }

  async step(count: number): Promise<void> {
    if (count <= 0) return;
    const t0 = now();
    const per = this.config.perContext;
    const items = sampleItems(this.task, this.rng, this.config.params, Math.ceil(count / per), per).slice(
      0,
      count,
    );
    const truth = items.map((it) => this.task.solve(it.ctx, it.question));
    this.learner.trainStep(items, truth, false);
    this.labels += items.length;
    this.seconds += (now() - t0) / 1000;
  }

  async evaluate(): Promise<BaselineEvaluation> {
    const t0 = now();
    const heldOut = this.heldOut;
    const answers = await this.learner.answer(heldOut.map((h) => ({ ctx: h.ctx, question: h.question })));
    this.evalSeconds += (now() - t0) / 1000;
    return { answers, score: score(heldOut, answers) };
  }

  async report(evaluate: boolean): Promise<BaselineReport> {
    const evaluation = evaluate ? await this.evaluate() : null;
    return { seconds: this.seconds, evalSeconds: this.evalSeconds, labels: this.labels, evaluation };
  }

  weights(): Promise<SnapshotWeights> {
    return this.learner.exportWeights();
  }

  setWeights(weights: SnapshotWeights | null | undefined): void {
    this.learner.setWeights(this.learner.checkWeights(weights, 'the supervised model'));
  }

  dispose(): void {
    this.learner.dispose();
  }
}

/** The baseline in the session's own thread: each step trains at once, as the session asks. */
export class LocalBaseline implements Baseline {
  readonly where = 'inline';
  private constructor(private readonly b: SupervisedBaseline) {}

  static async create(task: AnyTask, config: BaselineConfig): Promise<LocalBaseline> {
    return new LocalBaseline(await SupervisedBaseline.create(task, config));
  }

  step(count: number): Promise<void> {
    return this.b.step(count);
  }
  report(evaluate: boolean): Promise<BaselineReport> {
    return this.b.report(evaluate);
  }
  weights(): Promise<SnapshotWeights> {
    return this.b.weights();
  }
  async setWeights(weights: SnapshotWeights | null | undefined): Promise<void> {
    this.b.setWeights(weights);
  }
  dispose(): void {
    this.b.dispose();
  }
}

// ---- The baseline behind a message port ----

/** One end of a message channel: a Node worker thread, a Web Worker's MessagePort… */
export interface BaselinePort {
  postMessage(message: unknown): void;
  /** Sets the one handler for messages (and for the other side failing). */
  listen(onMessage: (message: unknown) => void, onError: (error: Error) => void): void;
  /** True while replies are awaited, false when none are (Node: keep the process alive only then). */
  hold?(waiting: boolean): void;
  close(): void;
}

/** Session side → baseline side. `gen` tells one session's baseline from the next on a reused port. */
export type BaselineMessage =
  | { type: 'init'; id: number; gen: number; config: BaselineConfig; backend: string }
  | { type: 'step'; gen: number; count: number }
  | { type: 'report'; id: number; gen: number; evaluate: boolean }
  | { type: 'weights'; id: number; gen: number }
  | { type: 'set-weights'; id: number; gen: number; weights: SnapshotWeights | null | undefined }
  | { type: 'dispose'; gen: number };

export type BaselineReply =
  | { type: 'reply'; id: number; ok: true; result: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The baseline's thread could not be used (it failed to start, crashed, or was closed). */
export class BaselineThreadError extends Error {}

/**
 * The session side of a port to a baseline thread. One channel serves one session after another
 * (or two at once, briefly); its owner closes it.
 */
export class BaselineChannel {
  private nextId = 1;
  private gen = 0;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failed: Error | null = null;
  private closed = false;

  constructor(private readonly port: BaselinePort) {
    port.listen(
      (message) => {
        const m = message as BaselineReply;
        if (m?.type !== 'reply') return;
        const p = this.pending.get(m.id);
        if (!p) return;
        this.settle(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
      },
      (error) => this.fail(error),
    );
  }

  private settle(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.port.hold?.(false);
  }

  private fail(error: Error): void {
    this.failed = new BaselineThreadError(`the supervised baseline's thread failed: ${error.message}`);
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.port.hold?.(false);
    for (const p of pending) p.reject(this.failed);
  }

  /** Posts a message without a reply (failures surface at the next request). */
  send(message: BaselineMessage): void {
    if (this.closed || this.failed) return;
    this.port.postMessage(message);
  }

  request<T>(message: { type: string; gen: number } & Record<string, unknown>): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed)
      return Promise.reject(new BaselineThreadError("the supervised baseline's thread is closed"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.port.hold?.(true);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.port.postMessage({ ...message, id });
      } catch (err) {
        this.settle(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /**
   * A fresh baseline over there (dispose the previous one with its RemoteBaseline). Throws a
   * BaselineThreadError when the thread cannot build it (no backend there, a crash…).
   */
  async open(config: BaselineConfig, backend: string): Promise<RemoteBaseline> {
    const gen = ++this.gen;
    try {
      await this.request({ type: 'init', gen, config, backend });
    } catch (err) {
      if (err instanceof BaselineThreadError) throw err;
      throw new BaselineThreadError(`the supervised baseline's thread could not start it: ${errorText(err)}`);
    }
    return new RemoteBaseline(this, gen);
  }

  /** Ends the channel (and, for a thread, the thread); pending requests are rejected. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.port.hold?.(false);
    for (const p of pending) p.reject(new BaselineThreadError("the supervised baseline's thread was closed"));
    this.port.close();
  }
}

/** A baseline in another thread: steps are posted and trained there while amplification goes on. */
export class RemoteBaseline implements Baseline {
  readonly where = 'thread';
  private disposed = false;

  constructor(
    private readonly channel: BaselineChannel,
    private readonly gen: number,
  ) {}

  async step(count: number): Promise<void> {
    if (count > 0 && !this.disposed) this.channel.send({ type: 'step', gen: this.gen, count });
  }
  report(evaluate: boolean): Promise<BaselineReport> {
    return this.channel.request({ type: 'report', gen: this.gen, evaluate });
  }
  weights(): Promise<SnapshotWeights> {
    return this.channel.request({ type: 'weights', gen: this.gen });
  }
  async setWeights(weights: SnapshotWeights | null | undefined): Promise<void> {
    await this.channel.request({ type: 'set-weights', gen: this.gen, weights });
  }
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.channel.send({ type: 'dispose', gen: this.gen });
  }
}

/**
 * The baseline's side of a port: handles messages one at a time, in the order sent, so a report
 * reflects every step sent before it. `prepare` starts a tfjs backend (the session's, where it can)
 * and returns its name.
 */
export function serveBaseline(
  port: Pick<BaselinePort, 'postMessage' | 'listen'>,
  prepare: (backend: string) => Promise<string>,
): void {
  /** The baselines by generation (a session being restored may briefly live beside the current one). */
  const baselines = new Map<number, SupervisedBaseline>();
  /** Failed steps, reported by the next request of the same baseline. */
  const stepErrors = new Map<number, string>();
  /** Generations disposed already: their queued steps are skipped. */
  const disposed = new Set<number>();
  let queue: Promise<void> = Promise.resolve();

  const reply = (id: number, work: () => Promise<unknown>): Promise<void> =>
    work().then(
      (result) => port.postMessage({ type: 'reply', id, ok: true, result } satisfies BaselineReply),
      (err: unknown) =>
        port.postMessage({ type: 'reply', id, ok: false, error: errorText(err) } satisfies BaselineReply),
    );

  const live = (gen: number): SupervisedBaseline => {
    const failed = stepErrors.get(gen);
    if (failed !== undefined) throw new Error(`a baseline training step failed: ${failed}`);
    const b = baselines.get(gen);
    if (!b) throw new Error('the supervised baseline is not set up');
    return b;
  };

  const handle = async (m: BaselineMessage): Promise<void> => {
    switch (m.type) {
      case 'init':
        return reply(m.id, async () => {
          const backend = await prepare(m.backend);
          const task = getTask(m.config.task);
          if (!task) throw new Error(`unknown task "${m.config.task}"`);
          const b = await SupervisedBaseline.create(task, m.config);
          if (disposed.has(m.gen)) b.dispose();
          else baselines.set(m.gen, b);
          return { backend };
        });
      case 'step': {
        const b = baselines.get(m.gen);
        if (!b || disposed.has(m.gen) || stepErrors.has(m.gen)) return;
        try {
          await b.step(m.count);
        } catch (err) {
          stepErrors.set(m.gen, errorText(err));
        }
        return;
      }
      case 'report':
        return reply(m.id, () => live(m.gen).report(m.evaluate));
      case 'weights':
        return reply(m.id, () => live(m.gen).weights());
      case 'set-weights':
        return reply(m.id, async () => live(m.gen).setWeights(m.weights));
      case 'dispose':
        baselines.get(m.gen)?.dispose();
        baselines.delete(m.gen);
        stepErrors.delete(m.gen);
        return;
    }
  };

  port.listen(
    (message) => {
      const m = message as BaselineMessage;
      if (m?.type === 'dispose') disposed.add(m.gen);
      queue = queue.then(() => handle(m));
    },
    () => undefined,
  );
}
