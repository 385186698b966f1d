// Issue 9 item 3: "auto" measures. The probe's decisions over injected runners (fake backends,
// a fake clock), and the real runner on Node's backends (wasm, cpu): no tensor left behind, even
// when a step throws mid-probe.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../src/learn/backend';
import { nextChunkSteps } from '../../src/learn/chunking';
import {
  chooseBackendByProbe,
  isSoftwareGpu,
  measureTraining,
  probeBackends,
  probeCacheKey,
  probeModel,
  probeOrder,
  probeReason,
  summarizeProbe,
  usableProbe,
  type BackendProbe,
  type ProbeRunner,
} from '../../src/learn/backend-probe';

/** A fake clock the fake runners advance: each "step" costs the backend's ms per step. */
function fakeDevice(
  msPerStep: Partial<Record<BackendName, number>>,
  failAt: Partial<Record<BackendName, number>> = {},
) {
  let t = 0;
  const calls: { backend: BackendName; share: number }[] = [];
  const run: ProbeRunner = async (backend, share) => {
    calls.push({ backend, share });
    const per = msPerStep[backend];
    if (per === undefined) throw new Error(`${backend} is not available`);
    t += per; // warm-up step
    let steps = 0;
    const t0 = t;
    while (steps < 2 || t - t0 < share) {
      if (failAt[backend] === steps) throw new Error(`${backend} lost its device at step ${steps}`);
      t += per;
      steps += 1;
    }
    return { examples: steps * 64, seconds: (t - t0) / 1000 };
  };
  return { run, calls, now: () => t };
}

describe('probeBackends (pure, fake backends)', () => {
  it('picks the backend that is faster here, whatever the default order says', async () => {
    const d = fakeDevice({ webgpu: 100, webgl: 40, wasm: 10 });
    const out = await probeBackends(['webgpu', 'webgl', 'wasm', 'cpu'], d.run, { now: d.now });
    expect(out.best).toBe('wasm');
    expect(out.reason).toBe(
      'WASM: 4.0x faster than WebGL here (examples/s: WASM 6,400, WebGL 1,600, WebGPU 640)',
    );
    // CPU is not probed once anything else ran.
    expect(d.calls.map((c) => c.backend)).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(out.entries.at(-1)).toEqual({ backend: 'cpu', skipped: 'not measured: never faster than WASM' });
    const fast = fakeDevice({ webgpu: 2, webgl: 40, wasm: 12.2 });
    const out2 = await probeBackends(['webgpu', 'webgl', 'wasm'], fast.run, { now: fast.now });
    expect(out2.best).toBe('webgpu');
    expect(out2.reason).toBe(
      'WebGPU: 6.1x faster than WASM here (examples/s: WebGPU 32,000, WASM 5,246, WebGL 1,600)',
    );
  });

  it('skips a backend that throws mid-probe and tries the next', async () => {
    const d = fakeDevice({ webgpu: 1, webgl: 20, wasm: 10 }, { webgpu: 1 });
    const out = await probeBackends(['webgpu', 'webgl', 'wasm'], d.run, { now: d.now });
    expect(out.best).toBe('wasm');
    const gpu = out.entries.find((e) => e.backend === 'webgpu');
    expect(gpu?.examplesPerSecond).toBeUndefined();
    expect(gpu?.skipped).toBe('failed: webgpu lost its device at step 1');
    expect(out.entries.find((e) => e.backend === 'webgl')?.examplesPerSecond).toBeGreaterThan(0);
    expect(out.reason).toBe('WASM: 2.0x faster than WebGL here (examples/s: WASM 6,400, WebGL 3,200)');
  });

  it('a backend that cannot start is skipped; one survivor is said to be the only one measured', async () => {
    const d = fakeDevice({ wasm: 10 });
    const out = await probeBackends(['webgpu', 'wasm'], d.run, { now: d.now });
    expect(out.best).toBe('wasm');
    expect(out.reason).toBe('WASM: the only backend measured here (WebGPU: failed: webgpu is not available)');
  });

  it('respects the time budget: shares it out, and skips the rest once it is spent', async () => {
    const d = fakeDevice({ wasm: 10, webgpu: 10, webgl: 10 });
    await probeBackends(['webgpu', 'webgl', 'wasm'], d.run, { now: d.now, budgetMs: 900, minShareMs: 50 });
    // Each turn gets what is left over the backends still to run (warm-ups count against it).
    expect(d.calls.map((c) => Math.round(c.share))).toEqual([300, 295, 280]);
    expect(d.now()).toBeLessThanOrEqual(900 + 3 * 20);

    // A backend whose warm-up alone eats the budget leaves no time for those after it.
    const slow = fakeDevice({ wasm: 10, webgpu: 3000, webgl: 5 });
    const out = await probeBackends(['webgpu', 'webgl', 'wasm'], slow.run, { now: slow.now, budgetMs: 2000 });
    expect(slow.calls.map((c) => c.backend)).toEqual(['wasm', 'webgpu']);
    expect(out.entries.find((e) => e.backend === 'webgl')?.skipped).toMatch(/2\.0 s probe was spent/);
    expect(out.best).toBe('wasm');
  });

  it('measures at least one backend even when the budget is gone, and says when none ran', async () => {
    const d = fakeDevice({ wasm: 10 });
    const out = await probeBackends(['wasm'], d.run, { now: d.now, budgetMs: 0 });
    expect(out.best).toBe('wasm');
    expect(out.reason).toBe('WASM: the only backend on offer here');
    const none = await probeBackends(['webgpu', 'webgl'], fakeDevice({}).run, { now: d.now });
    expect(none.best).toBeUndefined();
    expect(none.reason).toMatch(
      /^No backend could be measured \(WebGPU: failed: webgpu is not available; WebGL/,
    );
  });

  it('summarizes a probe cut short at its time limit', () => {
    const cut = summarizeProbe(
      ['webgpu', 'webgl', 'wasm', 'cpu'],
      [{ backend: 'wasm', examplesPerSecond: 4850 }],
    );
    expect(cut.best).toBe('wasm');
    expect(cut.entries.map((e) => e.skipped ?? e.backend)).toEqual([
      'wasm',
      'not measured in time',
      'not measured in time',
      'not measured: never faster than WASM',
    ]);
    expect(cut.reason).toBe('WASM: the only backend measured here (WebGPU, WebGL: not measured in time)');
    const nothing = summarizeProbe(['webgpu', 'cpu'], []);
    expect(nothing.best).toBeUndefined();
    expect(nothing.entries.map((e) => e.skipped)).toEqual(['not measured in time', 'not measured in time']);
  });

  it('orders the probe cheap-to-start first and CPU last', () => {
    expect(probeOrder(['webgpu', 'webgl', 'wasm', 'cpu'])).toEqual(['wasm', 'webgpu', 'webgl', 'cpu']);
    expect(probeOrder(['cpu', 'cpu'])).toEqual(['cpu']);
    expect(
      probeReason([
        { backend: 'webgl', examplesPerSecond: 100 },
        { backend: 'wasm', examplesPerSecond: 98 },
      ]),
    ).toBe('WebGL: as fast as WASM here (within 5%; examples/s: WebGL 100, WASM 98)');
  });
});

describe('software GPUs', () => {
  it('are recognised from the adapter or renderer text', () => {
    expect(isSoftwareGpu('google/swiftshader')).toBe(true);
    expect(
      isSoftwareGpu(
        'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      ),
    ).toBe(true);
    expect(isSoftwareGpu('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareGpu('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11)')).toBe(true);
    expect(isSoftwareGpu('nvidia/hopper')).toBe(false);
    expect(isSoftwareGpu('ANGLE (NVIDIA, Vulkan 1.3.277 (NVIDIA H200 (0x00002335)), NVIDIA)')).toBe(false);
  });
});

describe('the probe cache key', () => {
  it('changes with the tfjs version, the device, the backends and the model, not with their order', () => {
    const base = {
      tfjsVersion: '4.22.0',
      device: 'webgpu nvidia/hopper; 16 cores',
      backends: ['webgpu', 'wasm'] as BackendName[],
      model: probeModel({ task: 'union-find' }),
    };
    const key = probeCacheKey(base);
    expect(key).toBe('tfjs 4.22.0 | webgpu nvidia/hopper; 16 cores | wasm,webgpu | medium');
    // Permutation runs the relational model: a probe on union find does not speak for it.
    expect(probeCacheKey({ ...base, model: probeModel({ task: 'permutation' }) })).toBe(
      'tfjs 4.22.0 | webgpu nvidia/hopper; 16 cores | wasm,webgpu | medium heads=2 hops=4 relational=true selfLayers=3',
    );
    expect(probeModel({ task: 'wildcard' })).toBe('medium sink=true');
    expect(probeModel({ task: 'union-find', modelSize: 'small', model: { hops: 3 } })).toBe('small hops=3');
    // Tasks on the same model share one probe.
    expect(probeModel({ task: 'shortest-path' })).toBe(probeModel({ task: 'union-find' }));
    expect(probeCacheKey({ ...base, backends: ['wasm', 'webgpu'] })).toBe(key);
    expect(probeCacheKey({ ...base, tfjsVersion: '4.23.0' })).not.toBe(key);
    expect(probeCacheKey({ ...base, device: 'webgpu intel/gen-12lp; 8 cores' })).not.toBe(key);
    expect(probeCacheKey({ ...base, backends: ['wasm'] })).not.toBe(key);
    const kept: BackendProbe = {
      key,
      backend: 'webgpu',
      reason: 'WebGPU: 6.1x faster than WASM here',
      examplesPerSecond: {},
    };
    expect(usableProbe(kept, key, ['webgpu', 'wasm'])).toBe(true);
    expect(usableProbe(kept, key + 'x', ['webgpu', 'wasm'])).toBe(false);
    // The remembered winner was lost since (skipped by the page): probe again.
    expect(usableProbe(kept, key, ['wasm'])).toBe(false);
    expect(usableProbe(undefined, key, ['wasm'])).toBe(false);
  });
});

describe('measureTraining (real steps on Node backends)', () => {
  const config = {
    task: 'permutation',
    preset: 'workshop',
    seed: 1,
    modelSize: 'small',
    batchSize: 16,
  } as const;

  it('measures wasm and cpu, leaving no tensor behind', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const out = await probeBackends(['wasm', 'cpu'], (b, share) => measureTraining(b, config, share), {
      budgetMs: 400,
      minShareMs: 50,
    });
    expect(out.entries.map((e) => [e.backend, e.examplesPerSecond !== undefined])).toEqual([
      ['wasm', true],
      ['cpu', false],
    ]);
    expect(out.best).toBe('wasm');
    expect(tf.memory().numTensors).toBe(before);
    const cpu = await measureTraining('cpu', config, 10);
    expect(cpu.examples).toBeGreaterThanOrEqual(16);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('times chunks of the size the worker would train, not one-step chunks', async () => {
    // A clock that moves 10 ms per reading: a one-step chunk looks like 10 ms a step, so the
    // worker's rule asks for 12-step chunks on cpu; the round's end (6 steps) cuts the first short.
    let t = 0;
    const chunks: number[] = [];
    const sample = await measureTraining('cpu', { ...config, stepsPerRound: 6 }, 5, {
      now: () => (t += 10),
      beforeChunk: (_, n) => chunks.push(n),
    });
    expect(nextChunkSteps('cpu', 1, 10)).toBe(12);
    expect(chunks).toEqual([0, 1, 2]);
    expect(sample.examples).toBe(4 * 16);
  }, 120_000);

  it('a backend that fails mid-probe leaks nothing and the next backend is measured', async () => {
    const before = tf.memory().numTensors;
    const out = await probeBackends(
      ['cpu', 'wasm'],
      (b, share) =>
        measureTraining(b, config, share, {
          beforeChunk: (backend, chunk) => {
            if (backend === 'wasm' && chunk === 2) throw new Error('simulated device loss');
          },
        }),
      { budgetMs: 300, minShareMs: 50 },
    );
    expect(out.entries[0]).toEqual({ backend: 'wasm', skipped: 'failed: simulated device loss' });
    expect(out.entries[1]?.backend).toBe('cpu');
    expect(out.entries[1]?.examplesPerSecond).toBeGreaterThan(0);
    expect(out.best).toBe('cpu');
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});

describe('chooseBackendByProbe (injected measurements, real backend start)', () => {
  const config = { task: 'permutation', preset: 'workshop', seed: 1, modelSize: 'small' } as const;
  const refuse = () => Promise.reject(new Error('must not measure'));

  it('starts the measured winner, hands the page a probe to keep, and trusts it next time', async () => {
    const measure = async () => [
      { backend: 'webgl' as const, examplesPerSecond: 50 },
      { backend: 'wasm' as const, examplesPerSecond: 500 },
    ];
    const first = await chooseBackendByProbe(['webgl', 'wasm', 'cpu'], config, undefined, { measure });
    expect(first.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(first.reason).toBe('WASM: 10.0x faster than WebGL here (examples/s: WASM 500, WebGL 50)');
    expect(first.probe).toMatchObject({ backend: 'wasm', examplesPerSecond: { wasm: 500, webgl: 50 } });
    expect(first.probe?.key).toMatch(
      /^tfjs \d+\.\d+\.\d+ \| .* \| cpu,wasm,webgl \| small heads=2 hops=4 relational=true selfLayers=3$/,
    );

    const again = await chooseBackendByProbe(['webgl', 'wasm', 'cpu'], config, first.probe, {
      measure: refuse,
    });
    expect(again.backend).toBe('wasm');
    expect(again.reason).toBe(
      'WASM: 10.0x faster than WebGL here (examples/s: WASM 500, WebGL 50) (measured earlier in this browser)',
    );
    expect(again.probe).toBeUndefined();
  });

  it('a winner that does not start again falls back in order; no measurement keeps the default order', async () => {
    // WebGL "measured" faster, but Node has no WebGL: the next in the order starts.
    const gone = await chooseBackendByProbe(['webgl', 'wasm', 'cpu'], config, undefined, {
      measure: async () => [
        { backend: 'webgl', examplesPerSecond: 900 },
        { backend: 'wasm', skipped: 'failed: lost mid-probe' },
      ],
    });
    expect(gone.backend).toBe('wasm');
    expect(gone.reason).toBe('WebGL was fastest in the probe but did not start again');
    expect(gone.probe).toBeUndefined();

    const none = await chooseBackendByProbe(['webgl', 'wasm', 'cpu'], config, undefined, {
      measure: async () => [],
    });
    expect(none.backend).toBe('wasm');
    expect(none.probe).toBeUndefined();
    expect(none.reason).toMatch(/^No backend could be measured .*; using the default order$/);
  });

  it('with one backend worth running, nothing is measured', async () => {
    const only = await chooseBackendByProbe(['wasm', 'cpu'], config, undefined, { measure: refuse });
    expect(only.backend).toBe('wasm');
    expect(only.reason).toBe('WASM: the only backend worth running here');
    expect(only.probe).toMatchObject({ backend: 'wasm', examplesPerSecond: {} });
  });
});
