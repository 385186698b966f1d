// Issue 9 item 4: the WebGPU call counters wrap the prototypes once and count every call, while
// the calls still reach the real methods (fake WebGPU classes stand in for a device here).
import { describe, expect, it } from 'vitest';
import { gpuCounts, installGpuCounters } from '../../src/learn/gpu-counters';

describe('installGpuCounters', () => {
  it('counts submits, dispatches and mapAsync calls, and still calls through', async () => {
    const g = globalThis as Record<string, unknown>;
    expect(installGpuCounters()).toBe(false); // no WebGPU classes in Node: nothing wrapped
    const calls: string[] = [];
    class GPUQueue {
      submit(buffers: unknown[]): void {
        calls.push(`submit ${buffers.length}`);
      }
    }
    class GPUComputePassEncoder {
      dispatchWorkgroups(x: number): void {
        calls.push(`dispatch ${x}`);
      }
    }
    class GPUBuffer {
      mapAsync(mode: number): Promise<string> {
        calls.push(`map ${mode}`);
        return Promise.resolve('mapped');
      }
    }
    Object.assign(g, { GPUQueue, GPUComputePassEncoder, GPUBuffer });
    try {
      expect(installGpuCounters()).toBe(true);
      expect(installGpuCounters()).toBe(true); // idempotent: not wrapped twice
      const before = gpuCounts();
      const queue = new GPUQueue();
      const pass = new GPUComputePassEncoder();
      const buffer = new GPUBuffer();
      queue.submit([1, 2]);
      pass.dispatchWorkgroups(4);
      pass.dispatchWorkgroups(8);
      expect(await buffer.mapAsync(1)).toBe('mapped');
      const after = gpuCounts();
      expect(after.submits - before.submits).toBe(1);
      expect(after.dispatches - before.dispatches).toBe(2);
      expect(after.mapAsyncs - before.mapAsyncs).toBe(1);
      expect(calls).toEqual(['submit 2', 'dispatch 4', 'dispatch 8', 'map 1']);
      // The page's benchmark reads them from the worker's global scope.
      expect((g.amplabGpuCounts as () => unknown)()).toEqual(after);
    } finally {
      for (const k of ['GPUQueue', 'GPUComputePassEncoder', 'GPUBuffer', 'amplabGpuCounts']) delete g[k];
    }
  });
});
