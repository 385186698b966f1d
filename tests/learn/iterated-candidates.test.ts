import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import { ContextEncoder, factArrays, groupByContext, questionArrays, shapeOf } from '../../src/learn/batch';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import { answeringWeights, type ModelConfig } from '../../src/learn/model';
import { iteratedModel } from '../../src/learn/models/iterated';
import type { GridArrays, InitialWeight } from '../../src/learn/models/contract';
import { useWasm } from './helpers';

const task = TASKS.assignments;
const params = resolveParams(task, 'workshop');
const enc = task.encoding(params);
const shape = shapeOf(enc);
const base: ModelConfig = { ...MODEL_CONFIGS.medium, ...TASK_DEFAULTS.assignments.model, candidates: 1 };

/** Candidate k's weights cut out of an R-candidate model: a model of its own (rows/columns per candidate). */
function candidate(w: Record<string, InitialWeight>, r: number, k: number): Record<string, InitialWeight> {
  const out: Record<string, InitialWeight> = {};
  for (const [name, { values, shape: dims }] of Object.entries(w)) {
    if (name === 'mix') continue;
    if (name === 'emb' || name === 'fact_tok') {
      // Columns: R blocks side by side.
      const [rows, cols] = dims as [number, number];
      const width = cols / r;
      const v = new Float32Array(rows * width);
      for (let i = 0; i < rows; i++)
        v.set(values.subarray(i * cols + k * width, i * cols + (k + 1) * width), i * width);
      out[name] = { values: v, shape: [rows, width] };
    } else {
      // Leading rows: R blocks one after another.
      const size = values.length / r;
      const lead = dims[0]! / r;
      out[name] = { values: values.slice(k * size, (k + 1) * size), shape: [lead, ...dims.slice(1)] };
    }
  }
  return out;
}

describe('iterated model with candidate routings', () => {
  it('answers exactly as its most weighted candidate alone would, and trains every candidate on its own', async () => {
    await useWasm();
    const r = 3;
    const rng = createRng(7);
    const init = iteratedModel.init(shape, { ...base, candidates: r }, () => rng.next());
    init.mix!.values.set([0.1, -0.3, 0.4]); // candidate 2 weighs most
    const items = sampleItems(task, rng, params, 3, 4);
    const grouped = groupByContext(items);
    const g: GridArrays = {
      ...factArrays(new ContextEncoder(enc), shape, grouped.contexts),
      perContext: grouped.perContext,
      questions: questionArrays(enc, shape, grouped.rows, grouped.perContext),
    };
    const tensors = (w: Record<string, InitialWeight>) =>
      Object.fromEntries(Object.entries(w).map(([n, x]) => [n, tf.tensor(x.values, x.shape)]));
    const logitsOf = (w: Record<string, InitialWeight>, cfg: ModelConfig, training: boolean) =>
      tf.tidy(() => {
        const t = tensors(w);
        const rep = iteratedModel.encode(t, shape, cfg, g);
        return (
          training
            ? iteratedModel.trainingLogits!(t, shape, cfg, rep, g)
            : iteratedModel.answer(t, shape, cfg, rep, g)
        ).arraySync() as number[][];
      });
    const n = grouped.contexts.length * grouped.perContext;
    const close = (a: number[][], b: number[][]) =>
      a.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(b[i]![j]!, 4)));
    const before = tf.memory().numTensors;
    const mixed = logitsOf(init, { ...base, candidates: r }, false);
    const alone = [0, 1, 2].map((k) => logitsOf(candidate(init, r, k), base, false));
    const training = logitsOf(init, { ...base, candidates: r }, true);
    // What the learner answers with: the kept candidate cut out in the graph, as a model of one.
    const cut = tf.tidy(() => {
      const part = answeringWeights(tensors(init), shape, { ...base, candidates: r });
      expect(part.cfg.candidates).toBe(1);
      const rep = iteratedModel.encode(part.w, shape, part.cfg, g);
      return iteratedModel.answer(part.w, shape, part.cfg, rep, g).arraySync() as number[][];
    });
    expect(tf.memory().numTensors).toBe(before);
    close(cut, alone[2]!);
    close(mixed, alone[2]!);
    // Training: each candidate's logits as a block, then the mixture's.
    expect(training).toHaveLength((r + 1) * n);
    for (let k = 0; k < r; k++) close(training.slice(k * n, (k + 1) * n), alone[k]!);
    // The candidates differ (their starts do), so the check above tells them apart.
    expect(Math.abs(alone[0]![0]![0]! - alone[1]![0]![0]!)).toBeGreaterThan(1e-4);
  }, 60_000);
});
