/**
 * Losing the GPU (WebGPU device lost, WebGL context lost) ends the training worker; the page
 * restarts it. Watching is best effort: backends without a device have nothing to watch.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './protocol';

interface GpuBackendInternals {
  device?: { lost?: Promise<{ message?: string; reason?: string }>; destroy?: () => void };
  gpgpu?: { gl?: WebGL2RenderingContext };
}

/** Calls `lost` (once per loss) when the current backend's device or context goes away. */
export function watchDevice(name: BackendName, lost: (message: string, backend: BackendName) => void): void {
  try {
    const b = tf.backend() as unknown as GpuBackendInternals;
    if (name === 'webgpu' && b.device?.lost)
      void b.device.lost.then((info) =>
        lost(
          `The WebGPU device was lost (${info?.reason ?? 'unknown'}: ${info?.message ?? 'no message'}).`,
          'webgpu',
        ),
      );
    const canvas = b.gpgpu?.gl?.canvas;
    if (name === 'webgl' && canvas && 'addEventListener' in canvas)
      canvas.addEventListener('webglcontextlost', () => lost('The WebGL context was lost.', 'webgl'));
  } catch {
    // Watching is best effort.
  }
}

/**
 * For browser tests: simulate losing the GPU (WebGPU device destroyed, WebGL context lost), the
 * way a driver reset would. False when the backend has no GPU to lose.
 */
export function loseGpu(): boolean {
  const b = tf.backend() as unknown as GpuBackendInternals;
  if (b.device?.destroy) {
    b.device.destroy();
    return true;
  }
  const lose = b.gpgpu?.gl?.getExtension('WEBGL_lose_context');
  if (lose) {
    lose.loseContext();
    return true;
  }
  return false;
}
