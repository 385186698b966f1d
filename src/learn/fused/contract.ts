/**
 * Small contractions as one WGSL program (contract-webgpu.ts) on WebGPU: products with a short
 * inner axis and sums over a few entries, the shapes where tfjs's tiled products and workgroup
 * reductions are slowest on SwiftShader. These ops have no gradient of their own: they are meant for
 * the inside of ops whose gradient is written by hand (the relational model's).
 */
import * as tf from '@tensorflow/tfjs';
import { CONTRACT, MAX_CONTRACT_OUTPUTS, registerContractKernel } from './contract-webgpu';
import { fusedOps } from './switch';

type Four = [number, number, number, number];

/** Inner lengths up to this run as one thread per output; longer sums stay with tfjs's products. */
const MAX_INNER = 512;
/** Partial sums a long inner axis is cut into, where few outputs leave threads idle. */
const SPLIT = 64;

/** Whether the contraction program serves on this backend (WebGPU, hand-written programs on). */
export const contractsHere = (): boolean => fusedOps().attention && tf.getBackend() === 'webgpu';

const four = (v: number[]): Four => [...new Array<number>(4 - v.length).fill(0), ...v] as Four;

/**
 * out[i] = Σ_{k < n} a[⟨i, sa⟩ + k·ka] · b[⟨i, sb⟩ + k·kb] (b null: a plain sum), i over `shape`
 * (up to four axes), a and b read as flat arrays. WebGPU only.
 */
export function contract(
  a: tf.Tensor,
  b: tf.Tensor | null,
  shape: number[],
  sa: number[],
  sb: number[],
  n: number,
  ka: number,
  kb: number,
): tf.Tensor {
  registerContractKernel();
  const flat = (x: tf.Tensor) => (x.rank === 1 ? x : tf.reshape(x, [x.size]));
  const attrs = {
    shape: [...new Array<number>(4 - shape.length).fill(1), ...shape],
    sa: four(sa),
    sb: four(sb),
    k: n,
    ka,
    kb,
  };
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = b ? { a: flat(a), b: flat(b) } : { a: flat(a) };
    const out = tf.engine().runKernel(CONTRACT, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
    return tf.reshape(out, shape);
  });
}

/**
 * a·b for 2D or 3D operands (a 2D operand is shared by every batch), transposes of the last two
 * axes as flags: one contraction program where it serves (WebGPU, a short inner axis), else tf.matMul.
 */
export function smallProduct(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  const ra = a.rank;
  const rb = b.rank;
  const [m, ka] = transposeA ? [a.shape[ra - 1]!, a.shape[ra - 2]!] : [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = ra === 3 ? a.shape[0]! : 1;
  const batchB = rb === 3 ? b.shape[0]! : 1;
  const batch = Math.max(batchA, batchB);
  if (contractsHere() && ra === 2 && rb === 2 && ka > MAX_INNER && ka % SPLIT === 0 && m * n <= 4096) {
    // A long inner axis and few outputs (a weight's gradient): SPLIT partial sums, then their sum.
    const part = ka / SPLIT;
    const [rowA, stepA] = transposeA ? [1, m] : [ka, 1];
    const [colB, stepB] = transposeB ? [ka, 1] : [1, n];
    return tf.tidy(() => {
      const partial = contract(
        a,
        b,
        [m, n, SPLIT],
        [rowA, 0, part * stepA],
        [0, colB, part * stepB],
        part,
        stepA,
        stepB,
      );
      return contract(partial, null, [m, n], [n * SPLIT, SPLIT], [], SPLIT, 1, 0);
    });
  }
  if (
    !contractsHere() ||
    ra < 2 ||
    ra > 3 ||
    rb < 2 ||
    rb > 3 ||
    ka > MAX_INNER ||
    batch * m * n > MAX_CONTRACT_OUTPUTS ||
    (batchA !== batchB && batchA !== 1 && batchB !== 1)
  )
    return tf.matMul(a, b, transposeA, transposeB);
  // a[batch, m, k] (or [batch, k, m]) and b[batch, k, n] (or [batch, n, k]), flat.
  const sa = [batchA === 1 ? 0 : m * ka, transposeA ? 1 : ka, 0];
  const sb = [batchB === 1 ? 0 : ka * n, 0, transposeB ? ka : 1];
  const shape = ra === 2 && rb === 2 ? [m, n] : [batch, m, n];
  return contract(
    a,
    b,
    shape,
    sa.slice(3 - shape.length),
    sb.slice(3 - shape.length),
    ka,
    transposeA ? m : 1,
    transposeB ? 1 : n,
  );
}
