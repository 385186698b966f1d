/**
 * The training worker's work, apart from the worker: requests come in and replies and events go
 * out through a transport, sessions come from a factory. It trains in small chunks of steps
 * (checking for messages between chunks, so Pause lands within a second even mid-round) and
 * answers questions with the current model X. training.worker.ts wires it to postMessage; tests
 * drive it in Node through an in-memory transport.
 */
import * as tf from '@tensorflow/tfjs';
import { UNKNOWN, type Answer } from '../core/answer';
import { amplifiedTrace } from '../core/recursion';
import { getTask } from '../core/tasks';
import { nextChunkSteps } from '../learn/chunking';
import {
  TrainingSession,
  withBaselineFallback,
  type SessionConfig,
  type SessionOptions,
  type SessionSnapshot,
} from '../learn/session';
import { BaselineChannel } from '../learn/supervised';
import { backendStarter, type BackendStarter } from './backend-start';
import { watchDevice } from './device-watch';
import type {
  BackendName,
  FromWorker,
  Request,
  RequestType,
  ResultMap,
  TrainConfig,
  TrainingState,
  WorkerEvent,
  WorkerTime,
} from './protocol';

/** How the host talks to the page: a worker's postMessage/onmessage, or an in-memory pair. */
export interface HostTransport {
  postMessage(message: FromWorker): void;
  /** Hands the data of every message from the page to `receive`. */
  listen(receive: (data: unknown) => void): void;
}

/** What the host uses of a session (a TrainingSession; tests wrap one to make it fail). */
export type HostSession = Pick<
  TrainingSession,
  'round' | 'stepInRound' | 'backend' | 'train' | 'snapshot' | 'answer' | 'dispose'
> & { readonly config: { readonly stepsPerRound: number } };

export type CreateSession = (config: SessionConfig, options: SessionOptions) => Promise<HostSession>;
export type RestoreSession = (snapshot: SessionSnapshot, options: SessionOptions) => Promise<HostSession>;

export interface TrainingHostOptions {
  transport: HostTransport;
  /** Builds a fresh session for 'configure' and 'reset' (default: TrainingSession.create). */
  createSession?: CreateSession;
  /** Rebuilds a session for 'restore' (default: TrainingSession.restore). */
  restoreSession?: RestoreSession;
  /** Starts the backend for 'configure' (default: in this thread, probing here for "auto"). */
  startBackend?: BackendStarter;
  /** Where notes that are not errors go (default: console.warn). */
  warn?: (why: string) => void;
}

export interface TrainingHost {
  /** Ends the host as a lost device does: the page is told, later requests are refused. */
  fatal(message: string, lostBackend?: BackendName): void;
  /** Stops training and frees the session (a terminated worker frees everything anyway). */
  close(): Promise<void>;
}

type Stopped = 'done' | 'paused' | 'reset';

export function createTrainingHost(options: TrainingHostOptions): TrainingHost {
  const { transport } = options;
  const createSession: CreateSession = options.createSession ?? ((c, o) => TrainingSession.create(c, o));
  const restoreSession: RestoreSession = options.restoreSession ?? ((s, o) => TrainingSession.restore(s, o));
  const warn = options.warn ?? ((why: string) => console.warn(why));
  const startBackend = options.startBackend ?? backendStarter({ warn });

  let session: HostSession | undefined;
  let config: TrainConfig | undefined;
  let backend: BackendName | undefined;
  let stepInRound = 0;
  let stepsPerRound = 0;
  let roundStartedAt = 0;
  let chunkSteps = 1;
  /** Training run in progress: how many more rounds to finish (Infinity while playing). */
  let run: { roundsLeft: number; pauseMs: number; stop?: 'paused' | 'reset' } | undefined;
  let runPromise: Promise<Stopped> | undefined;
  let dead = false;
  let closed = false;
  /** The session at the last round boundary (taken when a round ends), for 'snapshot' requests. */
  let boundary: SessionSnapshot | undefined;
  /** Where the worker's time went while training, since the last round event. */
  let work = freshWork();

  const post = (msg: FromWorker): void => {
    if (!closed) transport.postMessage(msg);
  };
  const emit = (event: WorkerEvent): void => post(event);

  /** Runs session work one piece at a time (a training chunk, a batch of answers). */
  let lock: Promise<unknown> = Promise.resolve();
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = lock.then(work, work);
    lock = next.catch(() => undefined);
    return next;
  }

  /** Runs a request's session work, counting its time under `kind`. */
  async function timed<T>(kind: 'answers' | 'snapshots', job: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await job();
    } finally {
      work[kind] += performance.now() - t0;
    }
  }

  function state(): TrainingState {
    return {
      round: session?.round ?? 0,
      stepInRound,
      stepsPerRound,
      running: run !== undefined,
      tensors: tf.memory().numTensors,
    };
  }

  function fatal(message: string, lostBackend?: BackendName): void {
    if (dead) return;
    dead = true;
    if (run) run.stop = 'paused';
    emit({ type: 'error', message, fatal: true, lostBackend });
  }

  /**
   * The supervised baseline's own worker, when the page connected one ('baseline-port'); sessions
   * train their baseline inline without it, or when it fails.
   */
  let baselineChannel: BaselineChannel | undefined;
  let baselineLost: ((error: Error) => void) | undefined;

  /** Messages from the page that are not requests: the baseline worker's port, its loss. */
  function control(data: { type?: string; port?: MessagePort; message?: string } | undefined): boolean {
    if (data?.type === 'baseline-port' && data.port && !baselineChannel) {
      const port = data.port;
      baselineChannel = new BaselineChannel({
        postMessage: (m) => port.postMessage(m),
        listen: (onMessage, onError) => {
          port.onmessage = (e: MessageEvent) => onMessage(e.data);
          port.onmessageerror = () => onError(new Error('a message could not be read'));
          baselineLost = onError;
        },
        close: () => port.close(),
      });
      return true;
    }
    if (data?.type === 'baseline-lost') {
      baselineLost?.(new Error(data.message ?? 'its worker stopped'));
      return true;
    }
    return false;
  }

  /** Builds with the baseline's worker when there is one, inline when it cannot be used. */
  const withBaseline = (build: (o: SessionOptions) => Promise<HostSession>): Promise<HostSession> =>
    withBaselineFallback({ baseline: baselineChannel }, warn, build);

  function dropSession(): void {
    session?.dispose();
    session = undefined;
  }

  async function buildSession(): Promise<void> {
    if (!config) throw new Error('not configured');
    dropSession();
    stepInRound = 0;
    stepsPerRound = config.stepsPerRound ?? 0;
    chunkSteps = 1;
    boundary = undefined;
    const cfg: SessionConfig = { ...config };
    session = await withBaseline((o) => createSession(cfg, o));
  }

  /** Trains until the run's rounds are done or it is stopped. */
  async function trainLoop(): Promise<Stopped> {
    while (run && !run.stop && run.roundsLeft > 0 && !dead) {
      const s = session;
      if (!s) throw new Error('no session');
      let mark = performance.now();
      if (stepInRound === 0) roundStartedAt = mark;
      const before = s.stepInRound;
      // Timed inside the lock: a request answered before it is not the chunk's time.
      let elapsed = 0;
      const result = await exclusive(async () => {
        const t0 = performance.now();
        const r = await s.train(chunkSteps);
        elapsed = performance.now() - t0;
        return r;
      });
      work.chunks += elapsed;
      work.chunkCount += 1;
      work.steps += (result.stepInRound || result.stepsPerRound) - before;
      stepInRound = result.stepInRound;
      stepsPerRound = result.stepsPerRound;
      const roundEnded = Boolean(result.finished || result.unevaluated);
      if (roundEnded) {
        // A round ended (with evaluation 'auto' it may give no row).
        stepInRound = 0;
        const ts = performance.now();
        boundary = await exclusive(() => s.snapshot());
        work.boundarySnapshot += performance.now() - ts;
        run.roundsLeft -= 1;
        if (result.finished) {
          work.wall += performance.now() - mark;
          mark = performance.now();
          emit({ type: 'round', metrics: result.finished, tensors: tf.memory().numTensors, work });
          work = freshWork();
        }
      } else {
        // Adapt the chunk so each takes about its target.
        chunkSteps = nextChunkSteps(s.backend, chunkSteps, elapsed);
      }
      emit({ type: 'progress', elapsedInRound: performance.now() - roundStartedAt, ...state() });
      const ty = performance.now();
      await yieldToMessages();
      work.yields += performance.now() - ty;
      if (roundEnded && run && !run.stop && run.roundsLeft > 0 && run.pauseMs > 0) {
        // Rounds come at most one per pauseMs while playing: a round that took longer than that
        // is followed at once; still responsive to pause.
        const tp = performance.now();
        const until = roundStartedAt + run.pauseMs;
        while (run && !run.stop && performance.now() < until)
          await sleep(Math.min(50, until - performance.now()));
        work.betweenRounds += performance.now() - tp;
      }
      work.wall += performance.now() - mark;
    }
    return run?.stop ?? 'done';
  }

  async function startRun(roundsLeft: number, pauseMs: number): Promise<Stopped> {
    if (runPromise) {
      // Already running: stop the current run first, then start this one.
      if (run) run.stop = 'paused';
      await runPromise;
    }
    run = { roundsLeft, pauseMs };
    emit({ type: 'running', ...state() });
    const p = trainLoop().catch((err: unknown) => {
      fatal(
        `Training failed: ${message(err)}`,
        backend === 'webgpu' || backend === 'webgl' ? backend : undefined,
      );
      return 'paused' as const;
    });
    runPromise = p;
    const stopped = await p;
    if (runPromise === p) runPromise = undefined;
    run = undefined;
    emit({ type: 'running', ...state() });
    return stopped;
  }

  async function stopRun(reason: 'paused' | 'reset'): Promise<void> {
    if (run) run.stop = reason;
    if (runPromise) await runPromise;
  }

  async function handle(req: Request): Promise<ResultMap[RequestType]> {
    switch (req.type) {
      case 'configure': {
        await stopRun('reset');
        // An "auto" probe measures with nothing else holding the device.
        if (req.auto) dropSession();
        const report = await startBackend(req.backends, req.config, req.auto);
        backend = report.backend;
        watchDevice(report.backend, fatal);
        emit({ type: 'backend', ...report });
        config = req.config;
        await exclusive(buildSession);
        return { ...report, ...state() };
      }
      case 'step': {
        const stopped = await startRun(Math.max(1, Math.floor(req.rounds)), 0);
        return { stopped, ...state() };
      }
      case 'play': {
        const stopped = await startRun(Infinity, Math.max(0, req.pauseMs));
        return { stopped: stopped === 'done' ? 'paused' : stopped, ...state() };
      }
      case 'speed':
        if (run) run.pauseMs = Math.max(0, req.pauseMs);
        return state();
      case 'pause':
        await stopRun('paused');
        return state();
      case 'reset':
        await stopRun('reset');
        await exclusive(buildSession);
        return state();
      case 'sample': {
        const s = session;
        if (!s || !config) throw new Error('not configured');
        const task = getTask(config.task);
        if (!task) throw new Error(`unknown task ${config.task}`);
        return exclusive(() =>
          timed('answers', async () => {
            const answers = req.questions.length > 0 ? await s.answer(req.ctx, req.questions) : [];
            // Amp(X)'s subquestions are mostly the tree's: X answered those in one call above
            // (each call encodes the context again).
            const known = new Map(req.questions.map((q, i) => [task.questionKey(q), answers[i]]));
            const askX = async (ctx: unknown, sub: unknown): Promise<Answer> =>
              (ctx === req.ctx ? known.get(task.questionKey(sub)) : undefined) ??
              (await s.answer(ctx, [sub]))[0] ??
              UNKNOWN;
            return { answers, amplified: await amplifiedTrace(task, req.ctx, req.question, askX) };
          }),
        );
      }
      case 'snapshot': {
        const s = session;
        if (!s) throw new Error('not configured');
        if (s.stepInRound === 0 && (!boundary || boundary.round !== s.round))
          boundary = await exclusive(() => timed('snapshots', () => s.snapshot()));
        if (!boundary) throw new Error('no snapshot yet');
        return boundary;
      }
      case 'restore': {
        if (!backend) throw new Error('the worker has no backend yet');
        await stopRun('reset');
        // Build the restored session first: if the snapshot does not fit, the current one stays.
        const restored = await exclusive(() => withBaseline((o) => restoreSession(req.snapshot, o)));
        dropSession();
        session = restored;
        config = req.config;
        stepInRound = 0;
        stepsPerRound = restored.config.stepsPerRound;
        chunkSteps = 1;
        boundary = undefined;
        return state();
      }
    }
  }

  transport.listen((data) => {
    if (closed || control(data as { type?: string } | undefined)) return;
    const req = data as Request;
    if (dead) {
      post({ type: 'reply', id: req.id, ok: false, error: 'the worker has stopped after a fatal error' });
      return;
    }
    handle(req).then(
      (result) => post({ type: 'reply', id: req.id, ok: true, result }),
      (err: unknown) => {
        post({ type: 'reply', id: req.id, ok: false, error: message(err) });
        // A failed configure or reset leaves no usable session: that is fatal.
        if (req.type === 'configure' || req.type === 'reset') fatal(message(err));
      },
    );
  });

  return {
    fatal,
    async close(): Promise<void> {
      if (closed) return;
      await stopRun('reset');
      closed = true;
      await lock;
      dropSession();
      baselineChannel?.close();
    },
  };
}

function freshWork(): WorkerTime {
  return {
    wall: 0,
    chunks: 0,
    boundarySnapshot: 0,
    answers: 0,
    snapshots: 0,
    betweenRounds: 0,
    yields: 0,
    chunkCount: 0,
    steps: 0,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Yields to the event loop so queued messages (pause, sample requests) are handled: setImmediate
 * in Node; in a worker a MessageChannel, since nested timeouts are clamped to 4 ms.
 */
let channel: { port: MessagePort; waiting: (() => void)[] } | undefined;
function yieldToMessages(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    const { port1, port2 } = new MessageChannel();
    const waiting: (() => void)[] = [];
    port1.onmessage = () => waiting.shift()?.();
    channel = { port: port2, waiting };
  }
  const c = channel;
  return new Promise((resolve) => {
    c.waiting.push(resolve);
    c.port.postMessage(null);
  });
}
