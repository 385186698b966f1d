/**
 * Model X as the learner sees it: the model a configuration picks (attention or relational, two
 * implementations of models/contract.ts), and the loss on its logits.
 */
import * as tf from '@tensorflow/tfjs';
import { attentionModel } from './models/attention';
import type { AnswerModel, EncodedContexts, ForwardFlops, GridArrays, ModelConfig, ModelShape, Weights } from './models/contract';
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
  return (cfg.relational ? relationalModel : attentionModel) as unknown as AnswerModel;
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

export function contextRepTensors(rep: ContextRep): tf.Tensor[] {
  return rep.tensors();
}

/** Forward FLOPs (multiply-adds × 2) per context and per question, for the bench's efficiency figure. */
export function forwardFlops(shape: ModelShape, cfg: ModelConfig): ForwardFlops {
  return modelFor(cfg).flops(shape, cfg);
}

/** Mean over weighted examples of −log p(target class); targetMask is 0 on the target's entries, −1e9 elsewhere. */
export function lossFromLogits(
  logits: tf.Tensor2D,
  targetMask: Float32Array,
  weights: Float32Array,
): tf.Scalar {
  const [n, k] = logits.shape;
  const tm = tf.tensor2d(targetMask, [n, k]);
  const wt = tf.tensor1d(weights);
  const all = tf.logSumExp(logits, 1);
  const target = tf.logSumExp(tf.add(logits, tm), 1);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  return tf.div(tf.sum(tf.mul(tf.sub(all, target), wt)), Math.max(1, total)) as tf.Scalar;
}
