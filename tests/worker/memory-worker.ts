/**
 * A training host behind an in-memory "worker": messages cross as structured clones one macrotask
 * later, as with postMessage; terminate stops delivery both ways and closes the host.
 */
import type { WorkerLike } from '../../src/worker/client';
import { createTrainingHost, type TrainingHost, type TrainingHostOptions } from '../../src/worker/host';

export interface MemoryWorker extends WorkerLike {
  readonly host: TrainingHost;
  /** As a worker's: `transfer` moves ports (the baseline worker's) across. */
  postMessage(message: unknown, transfer?: Transferable[]): void;
  /** Set by terminate: settles once the host has stopped and freed its session. */
  closed?: Promise<void>;
}

export function memoryWorker(options: Omit<TrainingHostOptions, 'transport'>): MemoryWorker {
  let receive: ((data: unknown) => void) | undefined;
  let open = true;
  const later = (deliver: () => void): void => {
    setTimeout(() => open && deliver(), 0);
  };
  const host = createTrainingHost({
    ...options,
    transport: {
      postMessage(message) {
        const data = structuredClone(message);
        later(() => worker.onmessage?.({ data } as MessageEvent));
      },
      listen(r) {
        receive = r;
      },
    },
  });
  const worker: MemoryWorker = {
    host,
    onmessage: null,
    onerror: null,
    onmessageerror: null,
    postMessage(message: unknown, transfer: Transferable[] = []) {
      const data = structuredClone(message, { transfer });
      later(() => receive?.(data));
    },
    terminate() {
      open = false;
      worker.closed = host.close();
    },
  };
  return worker;
}
