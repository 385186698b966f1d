// Issue 9 item 2: on WebGPU (Node's Dawn, with SwiftShader's Vulkan driver when no GPU driver
// is configured) the fused ops, the WGSL attention programs among them, give the unfused ops'
// values and gradients to 1e-4.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('fused ops on webgpu', () => {
  it('match the unfused tfjs ops (values and gradients) to 1e-4, leaving no tensor behind', () => {
    const env = { ...process.env };
    if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      // Chromium's SwiftShader Vulkan driver and the loader beside it.
      env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      env.LD_LIBRARY_PATH = ['/usr/lib/chromium', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    }
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'tests/learn/fused-webgpu-check.ts'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      error?: string;
      backend: string;
      errors: { name: string; error: number }[];
      leaked: number;
      dispatches: number;
      kernels: string[];
    };
    expect(
      result.error,
      'WebGPU in Node needs a Vulkan driver: install chromium (SwiftShader) or set VK_ICD_FILENAMES',
    ).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.dispatches).toBeGreaterThan(0);
    expect(result.leaked).toBe(0);
    expect(result.kernels).toEqual(['AmplabAttend', 'AmplabAttendProbs', 'AmplabAttendScoresGrad']);
    expect(result.errors.length).toBeGreaterThanOrEqual(32);
    for (const e of result.errors) expect(e.error, e.name).toBeLessThan(1e-4);
  }, 300_000);
});
