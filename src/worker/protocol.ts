/**
 * The typed message protocol between the page and the training worker.
 *
 * The page sends Requests, each with a numeric `id`; the worker answers every request with
 * exactly one Reply carrying the same id (ok with a typed result, or not ok with an error).
 * Independently, the worker pushes Events (progress, finished rounds, backend, running state,
 * errors). Everything here is structured-cloneable plain data; no tfjs types cross the boundary.
 */
import type { Answer } from '../core/answer';
import type { RoundMetrics } from '../core/metrics';
import type { TraceNode } from '../core/recursion';
import type { SessionSnapshot } from '../core/run-format';
import { BACKEND_NAMES, type BackendName, type RunSettings } from '../core/settings';

export type { BackendName, SessionSnapshot };
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES;

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

/** What an "auto" probe measured; the page keeps it per browser (localStorage) and sends it back. */
export interface BackendProbe {
  /** tfjs version, device and backends probed; the worker re-probes when it no longer matches. */
  key: string;
  backend: BackendName;
  reason: string;
  examplesPerSecond: Partial<Record<BackendName, number>>;
}

/** The backend the worker runs on, and why. */
export interface BackendReport {
  backend: BackendName;
  attempts: BackendAttempt[];
  /** For the page: why this backend ("WebGPU: 6.1x faster than WASM here", "WASM, 4 threads"…). */
  reason?: string;
  /** A fresh probe result for the page to keep (only after "auto" measured). */
  probe?: BackendProbe;
}

/** What a training session is built from: a run's settings (src/core/settings.ts). */
export type TrainConfig = RunSettings;

/** Page → worker. */
export type Request =
  /** Choose a backend (first that starts, in this order) and build a fresh session. */
  | {
      id: number;
      type: 'configure';
      config: TrainConfig;
      backends: BackendName[];
      /** "auto": measure the backends and start the fastest (skipped when `cached` still applies). */
      auto?: { cached?: BackendProbe };
    }
  /** Train `rounds` whole rounds (finishing a half-done one counts as one), then stop. */
  | { id: number; type: 'step'; rounds: number }
  /** Train until paused, rounds at most one per `pauseMs`. Replies when stopped. */
  | { id: number; type: 'play'; pauseMs: number }
  /** Change the wait between rounds while playing. */
  | { id: number; type: 'speed'; pauseMs: number }
  /** Stop training as soon as the current small chunk of steps ends (well within a second). */
  | { id: number; type: 'pause' }
  /** Throw the model away and start again at round 0 with the same configuration. */
  | { id: number; type: 'reset' }
  /**
   * X's answers to `questions` on one context, and Amp(X)'s trace of `question`
   * (H one level, X below), both with the current X.
   */
  | { id: number; type: 'sample'; ctx: unknown; question: unknown; questions: unknown[] }
  /**
   * The session as plain data at the last round boundary (weights included), for saving. Taken
   * when a round ends, so a request that arrives mid-round gets the state at the round's start.
   */
  | { id: number; type: 'snapshot' }
  /**
   * Replace the session with one rebuilt from a snapshot (stopping any training first). On a
   * bad snapshot (weights that do not fit the model…) the reply is an error and the current
   * session is kept. `config` is the page's form of the snapshot's settings.
   */
  | { id: number; type: 'restore'; snapshot: SessionSnapshot; config: TrainConfig };

export type RequestType = Request['type'];

export interface TrainingState {
  round: number;
  stepInRound: number;
  stepsPerRound: number;
  running: boolean;
  tensors: number;
}

/**
 * Where the worker's wall time went while training since the previous round event (ms): session
 * work in chunks (training, the round's evaluation), the round-boundary snapshot, the page's
 * requests for X's answers (the sample tree) and snapshots, the waits between rounds, and yields
 * to messages (requests are also answered while stopped: they count then too).
 */
export interface WorkerTime {
  wall: number;
  chunks: number;
  boundarySnapshot: number;
  /** The page's requests: X's answers on the sample tree, and snapshots to keep. */
  answers: number;
  snapshots: number;
  betweenRounds: number;
  yields: number;
  /** Chunks trained, and steps in them. */
  chunkCount: number;
  steps: number;
}

/** The result each request type replies with. */
export interface ResultMap {
  configure: BackendReport & TrainingState;
  /** Why a step/play run ended. */
  step: { stopped: 'done' | 'paused' | 'reset' } & TrainingState;
  play: { stopped: 'paused' | 'reset' } & TrainingState;
  speed: TrainingState;
  pause: TrainingState;
  reset: TrainingState;
  sample: { answers: Answer[]; amplified: TraceNode };
  snapshot: SessionSnapshot;
  restore: TrainingState;
}

export type Reply =
  | { type: 'reply'; id: number; ok: true; result: ResultMap[RequestType] }
  | { type: 'reply'; id: number; ok: false; error: string };

/** Worker → page, unprompted. */
export type WorkerEvent =
  | ({ type: 'backend' } & BackendReport)
  | ({ type: 'progress'; elapsedInRound: number } & TrainingState)
  | { type: 'round'; metrics: RoundMetrics; tensors: number; work: WorkerTime }
  | ({ type: 'running' } & TrainingState)
  /**
   * Something went wrong. Not fatal: the request failed but the worker is fine. Fatal: the
   * worker cannot continue (device lost, context lost, a training error); the page restarts it.
   * `lostBackend` names a backend that died, so a restart skips it.
   */
  | { type: 'error'; message: string; fatal: boolean; lostBackend?: BackendName };

export type FromWorker = Reply | WorkerEvent;

/** The backend order to try: the asked-for one first, then the usual order without it. */
export function backendPreference(
  asked: BackendName | 'auto',
  skip: readonly BackendName[] = [],
): BackendName[] {
  const order = asked === 'auto' ? [...BACKEND_ORDER] : [asked, ...BACKEND_ORDER.filter((b) => b !== asked)];
  const kept = order.filter((b) => !skip.includes(b));
  return kept.length > 0 ? kept : ['cpu'];
}
