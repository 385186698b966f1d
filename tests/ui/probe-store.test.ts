import { describe, expect, it } from 'vitest';
import { PROBE_STORAGE_KEY, loadProbe, parseProbe, saveProbe, shortReason } from '../../src/ui/probe-store';

const PROBE = {
  key: 'tfjs 4.22.0 | webgpu x; webgl y; 8 cores; not isolated | cpu,wasm,webgl,webgpu',
  backend: 'webgpu' as const,
  reason: 'WebGPU: 6.1x faster than WASM here',
  examplesPerSecond: { webgpu: 6100, wasm: 1000 },
};

/** A Storage-like map; `fail` makes every access throw, as private modes may. */
function memoryStorage(fail = false): Storage {
  const m = new Map<string, string>();
  const guard = (): void => {
    if (fail) throw new DOMException('denied', 'SecurityError');
  };
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    key: (i) => [...m.keys()][i] ?? null,
    getItem: (k) => (guard(), m.get(k) ?? null),
    setItem: (k, v) => (guard(), void m.set(k, v)),
    removeItem: (k) => void m.delete(k),
  };
}

describe('the kept backend probe', () => {
  it('round-trips through storage', () => {
    const s = memoryStorage();
    saveProbe(PROBE, s);
    expect(JSON.parse(s.getItem(PROBE_STORAGE_KEY)!)).toEqual(PROBE);
    expect(loadProbe(s)).toEqual(PROBE);
  });

  it('treats missing, unreadable and malformed values as none', () => {
    for (const bad of [
      null,
      '',
      '{not json',
      'null',
      '42',
      '[]',
      JSON.stringify({ ...PROBE, key: 1 }),
      JSON.stringify({ ...PROBE, backend: 'quantum' }),
      JSON.stringify({ ...PROBE, reason: undefined }),
      JSON.stringify({ ...PROBE, examplesPerSecond: [1] }),
      JSON.stringify({ ...PROBE, examplesPerSecond: { tpu: 3 } }),
      JSON.stringify({ ...PROBE, examplesPerSecond: { wasm: 'fast' } }),
    ])
      expect(parseProbe(bad), String(bad)).toBeUndefined();
    // Extra fields are dropped, not passed on to the worker.
    expect(parseProbe(JSON.stringify({ ...PROBE, extra: 'x' }))).toEqual(PROBE);
  });

  it('never throws when the browser refuses storage', () => {
    const s = memoryStorage(true);
    expect(() => saveProbe(PROBE, s)).not.toThrow();
    expect(loadProbe(s)).toBeUndefined();
    expect(loadProbe(undefined)).toBeUndefined();
  });
});

describe('the reason in the top bar', () => {
  it('keeps a short reason as it is', () => {
    expect(shortReason('WebGPU: 6.1x faster than WASM here')).toBe('WebGPU: 6.1x faster than WASM here');
  });

  it('leaves parenthesised detail to the tooltip but says when it was measured earlier', () => {
    expect(shortReason('WASM: the only backend worth running here (WebGPU, WebGL: a software GPU)')).toBe(
      'WASM: the only backend worth running here',
    );
    expect(shortReason('WebGPU: 6.1x faster than WASM here (measured earlier in this browser)')).toBe(
      'WebGPU: 6.1x faster than WASM here (measured earlier)',
    );
    expect(shortReason('WASM: the only backend measured here (WebGL: failed: context lost (code 7))')).toBe(
      'WASM: the only backend measured here',
    );
  });

  it('cuts a long reason with an ellipsis', () => {
    const s = shortReason(`No backend could be measured: ${'x'.repeat(100)}`);
    expect(s.length).toBe(60);
    expect(s.endsWith('…')).toBe(true);
  });
});
