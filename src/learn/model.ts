/**
 * Model X as the learner sees it: the model a configuration picks (attention, relational or iterated,
 * implementations of models/contract.ts), and the loss on its logits.
 */
import * as tf from '@tensorflow/tfjs';
import { attentionModel } from './models/attention';
import type {
  AnswerModel,
  EncodedContexts,
  ForwardFlops,
  GridArrays,
  ModelConfig,
  ModelShape,
  Weights,
} from './models/contract';
import { iteratedModel } from './models/iterated';
import { relationalModel } from './models/relational';

export type {
  AnswerModel,
  EncodedContexts,
  ForwardFlops,
  GridArrays,
  ModelConfig,
  ModelShape,
  Weights,
} from './models/contract';
export { NEG, outputWidth } from './models/contract';

/** The encoded contexts of whichever model encoded them. */
export type ContextRep = EncodedContexts;

export function modelFor(cfg: ModelConfig): AnswerModel {
  const model = cfg.iterated ? iteratedModel : cfg.relational ? relationalModel : attentionModel;
  return model as unknown as AnswerModel;
}

/** Fresh weights as variables, initialised from a seeded stream `rng` (uniform [0,1)). */
export function initWeights(
  shape: ModelShape,
  cfg: ModelConfig,
  rng: () => number,
): Record<string, tf.Variable> {
  const init = modelFor(cfg).init(shape, cfg, rng);
  return Object.fromEntries(
    Object.entries(init).map(([name, { values, shape: dims }]) => [
      name,
      tf.tidy(() => tf.variable(tf.tensor(values, dims), true)),
    ]),
  );
}

export function encodeContexts(w: Weights, shape: ModelShape, cfg: ModelConfig, g: GridArrays): ContextRep {
  return modelFor(cfg).encode(w, shape, cfg, g);
}

/** Logits [C·Q, outputWidth] for the grid's questions against already encoded contexts. */
export function answerLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: ContextRep,
  g: GridArrays,
): tf.Tensor2D {
  return modelFor(cfg).answer(w, shape, cfg, rep, g);
}

/** Logits to train on: B blocks of answerLogits' shape, stacked (B = 1 for most models). */
export function trainingLogits(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  rep: ContextRep,
  g: GridArrays,
): tf.Tensor2D {
  const model = modelFor(cfg);
  return model.trainingLogits
    ? model.trainingLogits(w, shape, cfg, rep, g)
    : model.answer(w, shape, cfg, rep, g);
}

/**
 * The weights and configuration X answers with: the model's answering part where it has one
 * (`made` then holds the new tensors, which the caller disposes), else `w` and `cfg` themselves.
 */
export function answeringWeights(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
): { w: Weights; cfg: ModelConfig; made: tf.Tensor[] } {
  const part = modelFor(cfg).answering;
  const partCfg = part?.cfg(cfg) ?? cfg;
  if (!part || partCfg === cfg) return { w, cfg, made: [] };
  const cut = tf.tidy(() => part.weights(w, shape, cfg));
  return { w: cut, cfg: partCfg, made: Object.values(cut) };
}

/**
 * What update `update` (0-based) trains: the whole model until its answering part has `settled`
 * or `cfg.candidateUpdates` updates are made, then only that part, cut from `w` inside the
 * gradient's scope (the cut's gradient lands on that part's own weights; the rest stay as they are).
 */
export function trainingPart(
  w: Weights,
  shape: ModelShape,
  cfg: ModelConfig,
  update: number,
  settled: boolean,
): { w: Weights; cfg: ModelConfig } {
  const part = modelFor(cfg).answering;
  const whole = !settled && (cfg.candidateUpdates === undefined || update < cfg.candidateUpdates);
  if (!part || whole) return { w, cfg };
  const partCfg = part.cfg(cfg);
  return partCfg === cfg ? { w, cfg } : { w: part.weights(w, shape, cfg), cfg: partCfg };
}

/** Whether the model answers with a part of itself (one of several candidates). */
export function answersInPart(cfg: ModelConfig): boolean {
  const part = modelFor(cfg).answering;
  return part !== undefined && part.cfg(cfg) !== cfg;
}

/** 1 once the model's answering part has settled, 0 before; null for a model that answers whole. */
export function answeringSettled(w: Weights, cfg: ModelConfig): tf.Scalar | null {
  return answersInPart(cfg) ? modelFor(cfg).answering!.settled(w, cfg) : null;
}

export function contextRepTensors(rep: ContextRep): tf.Tensor[] {
  return rep.tensors();
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, for the bench's efficiency figure. */
export function forwardFlops(shape: ModelShape, cfg: ModelConfig): ForwardFlops {
  return modelFor(cfg).flops(shape, cfg);
}

/**
 * Mean over weighted examples of −log p(target class); targetMask is 0 on the target's entries,
 * −1e9 elsewhere. The gradient is written out, w·(softmax(logits) − softmax(logits + mask)) / Σw:
 * a few kernels where tfjs's derived gradient of two logSumExps took about ninety.
 */
export function lossFromLogits(
  logits: tf.Tensor2D,
  targetMask: Float32Array,
  weights: Float32Array,
): tf.Scalar {
  const [n, k] = logits.shape;
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  const tm = tf.tensor2d(targetMask, [n, k]);
  // Each example's weight over the batch's total, as a column.
  const wt = tf.tensor2d(
    weights.map((w) => w / Math.max(1, total)),
    [n, 1],
  );
  const loss = tf.customGrad(((x: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
    // The mask and weights too: the tape frees what the loss's scope made before the gradient runs.
    save([x, tm, wt]);
    const perExample = tf.sub(tf.logSumExp(x, 1, true), tf.logSumExp(tf.add(x, tm), 1, true));
    return {
      value: tf.sum(tf.mul(perExample, wt)),
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const [sx, sm, sw] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const diff = tf.sub(tf.softmax(sx), tf.softmax(tf.add(sx, sm)));
        return tf.mul(diff, tf.mul(sw, dy));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor2D) => tf.Scalar;
  return loss(logits);
}
