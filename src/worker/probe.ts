/// <reference lib="webworker" />
/**
 * The "auto" probe runs in a throwaway copy of the training worker (same script, so nothing more
 * to download), which is terminated when its time is up: a backend whose start-up takes seconds
 * (WebGPU compiling its shaders on a software adapter) cannot hold the page up, and nothing it
 * started (devices, contexts, wasm threads) outlives the probe.
 */
import type { BackendName } from '../learn/backend';
import { measureTraining, probeBackends, type ProbeEntry } from '../learn/backend-probe';
import type { SessionConfig } from '../learn/session';

/** The worker name that puts a training worker in probe mode. */
export const PROBE_WORKER_NAME = 'amplab-backend-probe';

interface ProbeRequest {
  candidates: BackendName[];
  config: SessionConfig;
  budgetMs: number;
}

type ProbeMessage = { type: 'entry'; entry: ProbeEntry } | { type: 'done'; entries: ProbeEntry[] };

/** In the probe worker: measures each candidate and posts each result as soon as it is known. */
export function serveProbe(scope: DedicatedWorkerGlobalScope): void {
  scope.onmessage = (event: MessageEvent<ProbeRequest>) => {
    const { candidates, config, budgetMs } = event.data;
    const post = (m: ProbeMessage): void => scope.postMessage(m);
    void probeBackends(
      candidates,
      async (backend, share) => {
        try {
          const sample = await measureTraining(backend, config, share);
          post({ type: 'entry', entry: { backend, examplesPerSecond: sample.examples / sample.seconds } });
          return sample;
        } catch (err) {
          post({
            type: 'entry',
            entry: { backend, skipped: `failed: ${err instanceof Error ? err.message : err}` },
          });
          throw err;
        }
      },
      { budgetMs },
    ).then(
      (outcome) => post({ type: 'done', entries: outcome.entries }),
      () => post({ type: 'done', entries: [] }),
    );
  };
}

/**
 * From the training worker: runs the probe in a copy of this worker and returns what it measured
 * within `hardLimitMs` (start-up included, default 4.5 s; about 2 s of it measuring); a backend
 * not finished by then is left out.
 */
export function probeInWorker(
  candidates: BackendName[],
  config: SessionConfig,
  options: { budgetMs?: number; hardLimitMs?: number } = {},
): Promise<ProbeEntry[]> {
  const budgetMs = options.budgetMs ?? 2000;
  const hardLimitMs = options.hardLimitMs ?? 4500;
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(self.location.href, { type: 'module', name: PROBE_WORKER_NAME });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    let entries: ProbeEntry[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      worker.terminate();
      resolve(entries);
    };
    const timer = setTimeout(finish, hardLimitMs);
    worker.onmessage = (e: MessageEvent<ProbeMessage>) => {
      if (e.data?.type === 'entry') entries.push(e.data.entry);
      else if (e.data?.type === 'done') {
        // The full list: it also says why a backend was not measured (budget spent, CPU).
        if (e.data.entries.length > 0) entries = e.data.entries;
        finish();
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      finish();
    };
    worker.postMessage({ candidates, config, budgetMs } satisfies ProbeRequest);
  });
}
