import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface BackendChoice {
  backend: BackendName;
  attempts: BackendAttempt[];
}

export interface BackendOptions {
  /** Browser: the URL folder (ending in `/`) that serves tfjs-backend-wasm's .wasm files. */
  wasmPaths?: string;
}

const isNode = (): boolean =>
  typeof process !== 'undefined' && typeof process.versions === 'object' && !!process.versions?.node;

let wasmPathsSet = false;

/** In Node: the folder of the installed @tensorflow/tfjs-backend-wasm dist files, with a trailing `/`. */
export async function nodeWasmPaths(): Promise<string> {
  const moduleName = 'node:module';
  const pathName = 'node:path';
  const { createRequire } = (await import(/* @vite-ignore */ moduleName)) as typeof import('node:module');
  const path = (await import(/* @vite-ignore */ pathName)) as typeof import('node:path');
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/';
}

async function prepare(backend: BackendName, options: BackendOptions): Promise<void> {
  if (backend === 'wasm' && !wasmPathsSet) {
    const paths = options.wasmPaths ?? (isNode() ? await nodeWasmPaths() : undefined);
    if (paths) setWasmPaths(paths);
    wasmPathsSet = true;
  } else if (backend === 'webgpu') {
    if (isNode()) await provideNodeWebGpu();
    if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu)
      throw new Error('WebGPU is not available here (navigator.gpu is missing)');
    // A literal specifier, so the browser bundle carries the backend as a chunk of its own.
    await import('@tensorflow/tfjs-backend-webgpu');
  } else if (backend === 'webgl') {
    if (isNode()) throw new Error('WebGL is not available in Node');
  }
}

/**
 * Node has no navigator.gpu; the optional `webgpu` package (Dawn) provides one, given a Vulkan
 * driver (a real GPU's, or SwiftShader's via VK_ICD_FILENAMES). Used by `npm run bench`.
 */
async function provideNodeWebGpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator?.gpu) return;
  const name = 'webgpu';
  let dawn: { create: (flags: string[]) => unknown; globals: Record<string, unknown> };
  try {
    dawn = (await import(/* @vite-ignore */ name)) as typeof dawn;
  } catch (err) {
    throw new Error(
      `WebGPU in Node needs the "webgpu" package (${err instanceof Error ? err.message : err})`,
      { cause: err },
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
}

/**
 * Tries each backend in order and keeps the first that initialises. `tf.setBackend` returns false
 * rather than throwing, so success is checked with `tf.getBackend()`.
 */
export async function chooseBackend(
  preference: BackendName[],
  options: BackendOptions = {},
): Promise<BackendChoice> {
  const attempts: BackendAttempt[] = [];
  for (const backend of preference) {
    try {
      await prepare(backend, options);
      const ok = await tf.setBackend(backend);
      await tf.ready();
      if (ok && tf.getBackend() === backend) {
        attempts.push({ backend, ok: true });
        return { backend, attempts };
      }
      attempts.push({
        backend,
        ok: false,
        reason: `setBackend('${backend}') did not take (now ${tf.getBackend()})`,
      });
    } catch (err) {
      attempts.push({ backend, ok: false, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  const reasons = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new Error(`no backend could start (${reasons})`);
}
