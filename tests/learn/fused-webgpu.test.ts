// Issue 9 item 2: on WebGPU (Node's Dawn, with SwiftShader's Vulkan driver when no GPU driver
// is configured) the fused ops, the WGSL attention programs among them, give the unfused ops'
// values and gradients to 1e-4.
import { describe, expect, it } from 'vitest';
import { NO_DAWN, runOnDawn } from './dawn';

describe('fused ops on webgpu', () => {
  it('match the unfused tfjs ops (values and gradients) to 1e-4, leaving no tensor behind', () => {
    const result = runOnDawn<{
      backend: string;
      errors: { name: string; error: number }[];
      leaked: number;
      dispatches: number;
      kernels: string[];
    }>('tests/learn/fused-webgpu-check.ts');
    expect(result.error, NO_DAWN).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.dispatches).toBeGreaterThan(0);
    expect(result.leaked).toBe(0);
    expect(result.kernels).toEqual(['AmplabAttend', 'AmplabAttendProbs', 'AmplabAttendScoresGrad']);
    expect(result.errors.length).toBeGreaterThanOrEqual(32);
    for (const e of result.errors) expect(e.error, e.name).toBeLessThan(1e-4);
  }, 300_000);
});
