/**
 * A fingerprint of the relational model's function: logits and loss gradient for fixed weights on
 * a fixed permutation batch (every weight's gradient projected on a seeded random direction). A
 * rewrite of how the model is computed must leave it unchanged (within float tolerance).
 *   node --import tsx tests/learn/relational-fingerprint.ts > tests/learn/fixtures/relational-fingerprint.json
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../src/core/rng';
import { resolveParams } from '../../src/core/task';
import { TASKS } from '../../src/core/tasks';
import { sampleItems } from '../../src/learn/amplify';
import {
  ContextEncoder,
  factArrays,
  groupByContext,
  questionArrays,
  shapeOf,
  targetMask,
} from '../../src/learn/batch';
import { MODEL_CONFIGS, TASK_DEFAULTS } from '../../src/learn/defaults';
import {
  answerLogits,
  encodeContexts,
  initWeights,
  lossFromLogits,
  outputWidth,
} from '../../src/learn/model';

export interface Fingerprint {
  logits: number[];
  loss: number;
  /** Per weight name: Σ grad·u for a seeded uniform u in [−1, 1). */
  gradients: Record<string, number>;
}

export function relationalFingerprint(): Fingerprint {
  const task = TASKS.permutation;
  const params = resolveParams(task, 'workshop');
  const d = TASK_DEFAULTS.permutation;
  const cfg = { ...MODEL_CONFIGS[d.modelSize], ...d.model };
  const enc = task.encoding(params);
  const shape = shapeOf(enc);
  const rng = createRng(7);
  const weights = initWeights(shape, cfg, () => rng.next());
  const items = sampleItems(task, rng, params, 4, 4);
  const grouped = groupByContext(items);
  const g = {
    ...factArrays(new ContextEncoder(enc), shape, grouped.contexts),
    perContext: grouped.perContext,
    questions: questionArrays(enc, shape, grouped.rows, grouped.perContext),
  };
  const classes: (number | null)[] = new Array(grouped.contexts.length * grouped.perContext).fill(null);
  items.forEach((it, i) => {
    const [ci, qi] = grouped.where[i]!;
    classes[ci * grouped.perContext + qi] = enc.answerToClass(task.solve(it.ctx, it.question));
  });
  const width = outputWidth(shape, cfg);
  const { mask, weights: ws } = targetMask(
    classes,
    grouped.perContext,
    width,
    shape.answerClasses,
    g.pointerClass,
    shape.maxFacts,
    cfg.pointer,
  );
  const names = Object.keys(weights);
  const logits = tf.tidy(() => answerLogits(weights, shape, cfg, encodeContexts(weights, shape, cfg, g), g));
  const { value, grads } = tf.variableGrads(() =>
    lossFromLogits(answerLogits(weights, shape, cfg, encodeContexts(weights, shape, cfg, g), g), mask, ws),
  );
  const gradients: Record<string, number> = {};
  const dir = createRng(11);
  for (const n of names) {
    const gv = grads[weights[n]!.name]!.dataSync();
    let s = 0;
    for (let i = 0; i < gv.length; i++) s += gv[i]! * (2 * dir.next() - 1);
    gradients[n] = s;
  }
  const out = { logits: Array.from(logits.dataSync()), loss: value.dataSync()[0]!, gradients };
  tf.dispose([logits, value, ...Object.values(grads), ...Object.values(weights)]);
  return out;
}

if (process.argv[1]?.endsWith('relational-fingerprint.ts')) {
  const { useWasm } = await import('./helpers');
  await useWasm();
  process.stdout.write(JSON.stringify(relationalFingerprint()) + '\n');
}
