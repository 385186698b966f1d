import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { Curriculum } from '../../src/learn/curriculum';

const settings = { enabled: true, admitAgreement: 0.85, deepestShare: 0.5 };

describe('Curriculum', () => {
  it('starts at depth 1, or with every depth admitted when it is off', () => {
    expect(new Curriculum(4, settings, createRng(1)).admittedDepth).toBe(1);
    expect(new Curriculum(4, { ...settings, enabled: false }, createRng(1)).admittedDepth).toBe(4);
  });

  it('draws deepestShare of the questions at the frontier and the rest uniformly below it', () => {
    const c = new Curriculum(5, settings, createRng(1));
    const rng = createRng(2);
    expect(c.drawDepth(rng)).toBe(1);
    c.admittedDepth = 4;
    const counts = [0, 0, 0, 0, 0];
    const n = 8000;
    for (let i = 0; i < n; i++) counts[c.drawDepth(rng)]!++;
    expect(counts[0]).toBe(0);
    expect(counts[4]! / n).toBeCloseTo(0.5, 1);
    for (const d of [1, 2, 3]) expect(counts[d]! / n).toBeCloseTo(0.5 / 3, 1);
  });
});
