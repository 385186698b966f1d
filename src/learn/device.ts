/** What this device offers tfjs: its GPUs (hardware or software), cores and isolation. */
import type { BackendName } from '../core/settings';

/** A software GPU (SwiftShader, llvmpipe, lavapipe, Microsoft Basic Render): never faster than WASM. */
export function isSoftwareGpu(description: string): boolean {
  return /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i.test(description);
}

export interface DeviceDescription {
  /** The device in words (WebGPU adapter, WebGL renderer, cores, isolation), for the cache key. */
  text: string;
  /** GPU backends whose adapter or renderer is a software one. */
  software: BackendName[];
}

/** Browser: what this device offers; best effort (in Node: no GPU). */
export async function describeDevice(): Promise<DeviceDescription> {
  const parts: string[] = [];
  const software: BackendName[] = [];
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  try {
    const gpu = (nav as unknown as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
    const adapter = (await gpu?.requestAdapter()) as
      { info?: Record<string, string | boolean>; isFallbackAdapter?: boolean } | null | undefined;
    const i = adapter?.info;
    const text = i ? [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join('/') : '';
    parts.push(i ? `webgpu ${text}` : 'no webgpu');
    if (adapter && (isSoftwareGpu(text) || adapter.isFallbackAdapter || i?.isFallbackAdapter === true))
      software.push('webgpu');
  } catch {
    parts.push('no webgpu');
  }
  try {
    const Canvas = (globalThis as { OffscreenCanvas?: typeof OffscreenCanvas }).OffscreenCanvas;
    const gl = Canvas ? (new Canvas(1, 1).getContext('webgl2') as WebGL2RenderingContext | null) : null;
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl ? String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : '';
    parts.push(gl ? `webgl ${renderer}` : 'no webgl');
    if (gl && isSoftwareGpu(renderer)) software.push('webgl');
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    parts.push('no webgl');
  }
  parts.push(`${nav?.hardwareConcurrency ?? '?'} cores`);
  parts.push(
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ? 'isolated' : 'not isolated',
  );
  return { text: parts.join('; '), software };
}
