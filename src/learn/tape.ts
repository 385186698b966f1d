/**
 * Recording a gradient without copying what it saves. tfjs keeps every tensor a gradient will
 * read as a fresh copy (an Identity kernel each: a quarter of a relational training step's
 * kernels, and on wasm a memcpy each). Tensors never change once made and the backends count
 * references to their data, so a second handle on the same data serves as well: no kernel, no copy.
 */
import * as tf from '@tensorflow/tfjs';

interface EngineInternals {
  nextTensorId(): number;
  /** Tracks a tensor and adds one reference to its data in the backend. */
  incRef(t: tf.Tensor): void;
  clone(t: tf.Tensor): tf.Tensor;
  saveTensorsForBackwardMode(tensors: tf.Tensor[]): tf.Tensor[];
}

type TensorConstructor = new (shape: number[], dtype: tf.DataType, dataId: object, id: number) => tf.Tensor;

/** A new handle on t's data (no kernel); disposing either leaves the other intact. */
export function share<T extends tf.Tensor>(t: T): T {
  const engine = tf.engine() as unknown as EngineInternals;
  const s = new (tf.Tensor as unknown as TensorConstructor)(
    t.shape,
    t.dtype,
    t.dataId,
    engine.nextTensorId(),
  );
  engine.incRef(s);
  return s as T;
}

/**
 * Runs f with every tensor a gradient saves (built-in kernels' and tf.customGrad's) kept as a
 * shared handle, not a copy. The tape disposes the handles after the backward pass as it would
 * the copies. Nested calls are fine; tf.clone is not called inside f (it would share too).
 */
export function withoutSaveCopies<T>(f: () => T): T {
  const engine = tf.engine() as unknown as Partial<EngineInternals>;
  if (Object.prototype.hasOwnProperty.call(engine, 'clone')) return f();
  engine.clone = (t: tf.Tensor) => share(t);
  engine.saveTensorsForBackwardMode = (tensors: tf.Tensor[]) => tensors.map((t) => tf.keep(share(t)));
  try {
    return f();
  } finally {
    delete engine.clone;
    delete engine.saveTensorsForBackwardMode;
  }
}
