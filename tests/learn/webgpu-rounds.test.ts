// Issue 9: on WebGPU (Node's Dawn; SwiftShader's Vulkan driver when no GPU driver is configured)
// the tensor count stays flat over many rounds (with the supervised baseline), and a chunk of
// steps reads back only its teacher's waves and one loss, however many steps it holds.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

describe('training rounds on webgpu', () => {
  it('keeps the tensor count flat over 8 rounds, and reads back once per wave and once per chunk', () => {
    const env = { ...process.env };
    if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
      env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
      env.LD_LIBRARY_PATH = ['/usr/lib/chromium', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    }
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'tests/learn/webgpu-rounds-check.ts'], {
      env,
      encoding: 'utf8',
      timeout: 240_000,
    });
    const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
      error?: string;
      backend: string;
      tensors: number[];
      leaked: number;
      chunks: { steps: number; readbacks: number; waves: number }[];
    };
    expect(
      result.error,
      'WebGPU in Node needs a Vulkan driver: install chromium (SwiftShader) or set VK_ICD_FILENAMES',
    ).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(result.tensors).toHaveLength(8);
    expect(new Set(result.tensors).size).toBe(1);
    expect(result.leaked).toBe(0);
    expect(result.chunks.map((c) => c.steps)).toEqual([1, 3, 7]);
    for (const c of result.chunks) {
      expect(c.waves, `${c.steps} steps`).toBeGreaterThan(0);
      // One read-back per teacher wave, one for the chunk's loss, none per step.
      expect(c.readbacks, `${c.steps} steps`).toBe(c.waves + 1);
    }
  }, 300_000);
});
