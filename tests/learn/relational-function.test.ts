import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/relational-fingerprint.json';
import { useWasm } from './helpers';
import { relationalFingerprint } from './relational-fingerprint';

// The fixture was written by tests/learn/relational-fingerprint.ts before the step's cost was cut
// (commit "relational: fingerprint of the model's function"): how the model is computed may
// change, what it computes may not.
describe('relational model’s function', () => {
  it('gives the recorded logits, loss and gradients for fixed weights, leaving no tensor behind', async () => {
    await useWasm();
    const before = tf.memory().numTensors;
    const now = relationalFingerprint();
    expect(tf.memory().numTensors).toBe(before);
    expect(now.logits.length).toBe(fixture.logits.length);
    const worst = Math.max(...now.logits.map((v, i) => Math.abs(v - fixture.logits[i]!)));
    expect(worst, 'largest logit difference').toBeLessThan(1e-4);
    expect(now.loss).toBeCloseTo(fixture.loss, 5);
    for (const [name, v] of Object.entries(fixture.gradients))
      expect(Math.abs(now.gradients[name]! - v), name).toBeLessThan(1e-4 + 1e-3 * Math.abs(v));
  }, 60_000);
});
