/**
 * Runs a check script on WebGPU in a child Node process (Dawn must find its Vulkan driver when it
 * starts): Chromium's SwiftShader driver unless VK_ICD_FILENAMES names another. Returns the JSON
 * object the script printed last.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** What to say when the script could not start WebGPU. */
export const NO_DAWN =
  'WebGPU in Node needs a Vulkan driver: install chromium (SwiftShader) or set VK_ICD_FILENAMES';

export function runOnDawn<T>(script: string, timeoutMs = 240_000): T & { error?: string } {
  const env = { ...process.env };
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) {
    // Chromium's SwiftShader Vulkan driver and the loader beside it.
    env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    env.LD_LIBRARY_PATH = ['/usr/lib/chromium', env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', script], {
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as T & { error?: string };
}
