// Issue 9 item 2: the fused ops (src/learn/fused) give the unfused ops' values and gradients to
// 1e-4 on cpu and wasm, and the models give the same loss and gradients with the switch on and off.
import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseBackend } from '../../src/learn/backend';
import { setFusedOps } from '../../src/learn/fused/switch';
import { fusedCaseErrors, MODEL_CASES, switchMismatch } from './fused-cases';

afterEach(() => setFusedOps({ dense: true, attention: true }));

describe.each(['cpu', 'wasm'] as const)('fused ops on %s', (backend) => {
  it('match the unfused tfjs ops (values and gradients) to 1e-4, leaving no tensor behind', async () => {
    await chooseBackend([backend]);
    const before = tf.memory().numTensors;
    const errors = await fusedCaseErrors();
    expect(tf.memory().numTensors).toBe(before);
    expect(errors.length).toBeGreaterThanOrEqual(29);
    for (const e of errors) expect(e.error, e.name).toBeLessThan(1e-4);
  });

  it.each(MODEL_CASES)(
    'leave the %s unchanged: same logits and gradients with the switch on and off',
    async (_, cfg) => {
      await chooseBackend([backend]);
      const before = tf.memory().numTensors;
      expect(await switchMismatch(cfg)).toBeLessThan(1e-4);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
});
