// Issue 9: on WebGPU (Node's Dawn; SwiftShader's Vulkan driver when no GPU driver is configured)
// the tensor count stays flat over many rounds (with the supervised baseline), and a chunk of
// steps reads back only its teacher's waves and one loss, however many steps it holds.
import { describe, expect, it } from 'vitest';
import { isSoftwareGpu } from '../../src/learn/device';
import { NO_DAWN, runOnDawn } from './dawn';

describe('training rounds on webgpu', () => {
  it('keeps the tensor count flat over 4 rounds, and reads back once per wave and once per chunk', () => {
    const result = runOnDawn<{
      backend: string;
      adapter: string;
      matmul: { program: number; error: number };
      tensors: number[];
      leaked: number;
      chunks: { steps: number; readbacks: number; waves: number }[];
    }>('tests/learn/webgpu-rounds-check.ts');
    expect(result.error, NO_DAWN).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.tensors).toHaveLength(4);
    expect(new Set(result.tensors).size).toBe(1);
    expect(result.leaked).toBe(0);
    expect(result.chunks.map((c) => c.steps)).toEqual([1, 3]);
    // A software adapter's matmuls take tfjs's small-output program (src/learn/webgpu-matmul.ts), a
    // hardware adapter's keep tfjs's choice; either way a product comes out right.
    expect(result.matmul.program).toBe(isSoftwareGpu(result.adapter) ? 2 : -1);
    expect(result.matmul.error).toBeLessThan(1e-4);
    for (const c of result.chunks) {
      expect(c.waves, `${c.steps} steps`).toBeGreaterThan(0);
      // One read-back per teacher wave, one for the chunk's loss, none per step.
      expect(c.readbacks, `${c.steps} steps`).toBe(c.waves + 1);
    }
  }, 300_000);
});
