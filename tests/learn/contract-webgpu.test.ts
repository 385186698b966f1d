// Issue 15 item 3: on WebGPU (Node's Dawn; SwiftShader's Vulkan driver when no GPU driver is
// configured) the relational model's small products and sums run as one contraction program and
// its hop weights as one more: the same values and gradients as tfjs's ops, and a training step
// that leaves tfjs's tiled products and workgroup reductions (slow on SwiftShader) mostly unused.
import { describe, expect, it } from 'vitest';
import { NO_DAWN, runOnDawn } from './dawn';

describe('contraction program on webgpu', () => {
  it("matches tfjs's products and sums, and a relational step runs on it", () => {
    const result = runOnDawn<{
      backend: string;
      errors: { name: string; error: number }[];
      leaked: number;
      steps: { contract: boolean; kernels: Record<string, number>; dispatches: number }[];
    }>('tests/learn/contract-webgpu-check.ts');
    expect(result.error, NO_DAWN).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.leaked).toBe(0);
    expect(result.errors.length).toBe(12);
    for (const e of result.errors) expect(e.error, e.name).toBeLessThan(1e-5);
    const [off, on] = result.steps;
    expect(off!.kernels.AmplabContract).toBe(0);
    expect(on!.kernels.AmplabContract).toBeGreaterThan(100);
    // Measured: 140 BatchMatMul and 56 Sum without it, 23 and 11 with it (a permutation step).
    expect(on!.kernels.BatchMatMul).toBeLessThanOrEqual(25);
    expect(on!.kernels.Sum).toBeLessThanOrEqual(15);
    expect(on!.dispatches).toBeLessThan(off!.dispatches);
  }, 120_000);
});
