/**
 * The page's side of the worker protocol: postMessage wrapped in promises (one per request id),
 * events fanned out to a listener, and a clean restart after a fatal error. No tfjs here. The
 * "worker" is a pair (training + supervised baseline), which the page sees as one.
 */
import type { FromWorker, Request, RequestType, ResultMap, WorkerEvent } from './protocol';

/** A request without its id (the client assigns ids). */
export type RequestBody<T extends RequestType> = Omit<Extract<Request, { type: T }>, 'id'>;

export class WorkerStoppedError extends Error {}

export interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

export class TrainingClient {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();
  /** Increments with each (re)start; events from an older worker are ignored. */
  generation = 0;

  constructor(
    private readonly createWorker: () => WorkerLike,
    private readonly onEvent: (event: WorkerEvent) => void,
  ) {
    this.start();
  }

  private start(): void {
    const gen = ++this.generation;
    const worker = this.createWorker();
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (gen !== this.generation) return;
      const msg = event.data;
      if (msg.type === 'reply') {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result as never);
        else p.reject(new Error(msg.error));
      } else this.onEvent(msg);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      if (gen !== this.generation) return;
      this.onEvent({
        type: 'error',
        fatal: true,
        message: `The training worker crashed: ${event.message || 'unknown error'}`,
      });
    };
    worker.onmessageerror = () => {
      if (gen !== this.generation) return;
      this.onEvent({
        type: 'error',
        fatal: true,
        message: 'The training worker sent a message that could not be read.',
      });
    };
  }

  request<T extends RequestType>(body: RequestBody<T>): Promise<ResultMap[T]> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new WorkerStoppedError('the training worker is stopped'));
    const id = this.nextId++;
    return new Promise<ResultMap[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      try {
        worker.postMessage({ ...body, id });
      } catch (err) {
        this.pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  /** Ends the worker; every pending request is rejected. */
  stop(): void {
    this.generation++;
    this.worker?.terminate();
    this.worker = undefined;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new WorkerStoppedError('the training worker was stopped'));
  }

  /** A fresh worker (the caller configures it again). */
  restart(): void {
    this.stop();
    this.start();
  }
}

/**
 * The training worker paired with the supervised baseline's own worker, so that on two or more
 * cores the baseline costs training no wall time. The two talk over a MessageChannel; to the page
 * they are one worker. A baseline worker that fails is not fatal: the training worker is told,
 * and trains the baseline inline from its next session on.
 */
export class PairedWorkers implements WorkerLike {
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;

  constructor(
    private readonly training: Worker,
    private baseline: Worker | undefined,
  ) {
    training.onmessage = (e) => this.onmessage?.(e);
    training.onerror = (e) => this.onerror?.(e);
    training.onmessageerror = (e) => this.onmessageerror?.(e);
    if (!baseline) return;
    const lost = (why: string): void => {
      this.baseline?.terminate();
      this.baseline = undefined;
      training.postMessage({ type: 'baseline-lost', message: why });
    };
    baseline.onerror = (e) => {
      e.preventDefault?.();
      lost(`the supervised baseline's worker failed: ${e.message || 'unknown error'}`);
    };
    baseline.onmessageerror = () =>
      lost("the supervised baseline's worker sent a message that could not be read");
    try {
      const { port1, port2 } = new MessageChannel();
      baseline.postMessage({ type: 'connect', port: port2 }, [port2]);
      training.postMessage({ type: 'baseline-port', port: port1 }, [port1]);
    } catch {
      // No channel: the training worker trains the baseline inline.
      this.baseline?.terminate();
      this.baseline = undefined;
    }
  }

  postMessage(message: unknown): void {
    this.training.postMessage(message);
  }

  terminate(): void {
    this.training.terminate();
    this.baseline?.terminate();
    this.baseline = undefined;
  }
}

export function createTrainingWorker(): WorkerLike {
  const training = new Worker(new URL('./training.worker.ts', import.meta.url), {
    type: 'module',
    name: 'training',
  });
  let baseline: Worker | undefined;
  try {
    baseline = new Worker(new URL('./baseline.worker.ts', import.meta.url), {
      type: 'module',
      name: 'baseline',
    });
  } catch (err) {
    console.warn(`The supervised baseline's worker did not start (${err}); it trains inline.`);
  }
  return new PairedWorkers(training, baseline);
}
