/**
 * Counts the WebGPU calls that cost the most per training step: queue submits, compute dispatches
 * and buffer read-backs (mapAsync). It wraps the prototypes of GPUQueue, GPUComputePassEncoder and
 * GPUBuffer once, before tfjs's WebGPU backend uses them, so every call in this realm is counted
 * (a counter increment each: no measurable cost). Benchmarks read the totals and difference them.
 */
export interface GpuCounts {
  submits: number;
  dispatches: number;
  mapAsyncs: number;
}

const counts: GpuCounts = { submits: 0, dispatches: 0, mapAsyncs: 0 };
let installed = false;

function wrap(proto: object | undefined, method: string, key: keyof GpuCounts): boolean {
  const original = proto ? (proto as Record<string, unknown>)[method] : undefined;
  if (typeof original !== 'function') return false;
  Object.defineProperty(proto, method, {
    configurable: true,
    writable: true,
    value: function (this: unknown, ...args: unknown[]) {
      counts[key] += 1;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    },
  });
  return true;
}

/** Idempotent; false where WebGPU's classes are missing (nothing is counted then). */
export function installGpuCounters(): boolean {
  if (installed) return true;
  const g = globalThis as unknown as Record<string, { prototype?: object } | undefined>;
  const ok = [
    wrap(g.GPUQueue?.prototype, 'submit', 'submits'),
    wrap(g.GPUComputePassEncoder?.prototype, 'dispatchWorkgroups', 'dispatches'),
    wrap(g.GPUBuffer?.prototype, 'mapAsync', 'mapAsyncs'),
  ];
  installed = ok.some(Boolean);
  // Reachable from a debugger or Playwright's worker.evaluate, as the browser bench does.
  if (installed) (globalThis as { amplabGpuCounts?: () => GpuCounts }).amplabGpuCounts = gpuCounts;
  return installed;
}

/** The totals so far (a copy). */
export function gpuCounts(): GpuCounts {
  return { ...counts };
}
