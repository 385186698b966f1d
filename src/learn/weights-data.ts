/** Model weights as plain data (base64 of float32 little-endian): snapshots, and the baseline's thread. */
import type { SnapshotWeights } from '../core/run-format';

export function float32ToBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

export function base64ToFloat32(data: string, expected: number): Float32Array {
  if (typeof data !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(data))
    throw new Error('weights are not base64');
  const bin = atob(data);
  if (bin.length !== expected * 4)
    throw new Error(`weights hold ${bin.length} bytes, expected ${expected * 4}`);
  const view = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) view.setUint8(i, bin.charCodeAt(i));
  const out = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!Number.isFinite(v)) throw new Error('weights hold a value that is not a finite number');
    out[i] = v;
  }
  return out;
}

/** Checks every variable's name and shape against the model, then decodes (nothing assigned yet). */
export function decodeWeights(
  target: Record<string, { readonly shape: readonly number[]; readonly size: number }>,
  data: SnapshotWeights | null | undefined,
  what: string,
): Map<string, Float32Array> {
  if (!data || typeof data !== 'object') throw new Error(`the snapshot has no weights for ${what}`);
  const names = Object.keys(target);
  const given = Object.keys(data);
  const extra = given.filter((n) => !Object.prototype.hasOwnProperty.call(target, n));
  if (extra.length > 0 || given.length !== names.length)
    throw new Error(`the weights for ${what} do not fit this model (variables differ)`);
  const out = new Map<string, Float32Array>();
  for (const name of names) {
    const w = data[name];
    const shape = target[name]!.shape;
    if (
      !w ||
      !Array.isArray(w.shape) ||
      w.shape.length !== shape.length ||
      w.shape.some((d, i) => d !== shape[i])
    )
      throw new Error(`the weights for ${what} do not fit this model (${name} has the wrong shape)`);
    out.set(name, base64ToFloat32(w.data, target[name]!.size));
  }
  return out;
}
