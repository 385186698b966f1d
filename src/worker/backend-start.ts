/**
 * Starting a backend for a 'configure' request: "auto" measures the backends (or reuses a probe
 * that still applies), a forced backend starts first in the given order. Either way a backend
 * that fails to start falls back to the next.
 */
import { chooseBackend, type BackendOptions } from '../learn/backend';
import { chooseBackendByProbe, type ProbeMeasure } from '../learn/backend-probe';
import type { BackendName, BackendProbe, BackendReport, TrainConfig } from './protocol';

export type BackendStarter = (
  backends: BackendName[],
  config: TrainConfig,
  auto: { cached?: BackendProbe } | undefined,
) => Promise<BackendReport>;

export interface BackendStartOptions {
  backendOptions?: BackendOptions;
  /** Where "auto" measures (default: in this thread; the worker uses a throwaway copy of itself). */
  measure?: ProbeMeasure;
  /** Tests: measure software GPUs too. */
  measureSoftwareGpus?: boolean;
  warn?: (why: string) => void;
}

/** A starter that keeps its last probe, so a new task or seed does not measure again. */
export function backendStarter(options: BackendStartOptions = {}): BackendStarter {
  let probed: BackendProbe | undefined;
  const warn = options.warn ?? ((why: string) => console.warn(why));
  return async (backends, config, auto) => {
    if (auto) {
      try {
        const choice = await chooseBackendByProbe(backends, config, auto.cached ?? probed, {
          ...(options.measure ? { measure: options.measure } : {}),
          ...(options.backendOptions ? { backendOptions: options.backendOptions } : {}),
          measureSoftwareGpus: options.measureSoftwareGpus ?? false,
        });
        if (choice.probe) probed = choice.probe;
        return {
          backend: choice.backend,
          attempts: choice.attempts,
          reason: choice.reason,
          probe: choice.probe,
        };
      } catch (err) {
        warn(
          `The backend probe failed (${err instanceof Error ? err.message : String(err)}); using the default order.`,
        );
      }
    }
    const choice = await chooseBackend(backends, options.backendOptions);
    return { backend: choice.backend, attempts: choice.attempts, reason: choice.detail };
  };
}
