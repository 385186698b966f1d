/**
 * Attention as WGSL programs run through tfjs-backend-webgpu's program interface
 * (backend.runWebGPUProgram), registered as kernels of the webgpu backend only. One thread per
 * query row: the rows are short (the facts of one context), so a row's scores fit in registers
 * and each program is one dispatch where the tfjs ops take several (product, mask add, softmax,
 * product; and twice that for the gradient).
 *
 * Shapes: q [B, M, dk], kT [B, dk, N], v [B, N, dv], mask [B / H, N] (added to every head's and
 * every query's scores), sink [1] (optional: an extra entry with this logit and a zero value).
 */
import type * as tf from '@tensorflow/tfjs';
import { registerProgramKernel, type WebGpuProgram as Program } from './webgpu-program';

export const ATTEND = 'AmplabAttend';
export const ATTEND_PROBS = 'AmplabAttendProbs';
export const ATTEND_SCORES_GRAD = 'AmplabAttendScoresGrad';

const WORKGROUP = 64;

interface Dims {
  rows: number;
  m: number;
  n: number;
  /** Width of queries and keys. */
  dk: number;
  /** Width of values. */
  dv: number;
  heads: number;
  sink: boolean;
}

/** WGSL that leaves row `index`'s attention weights in p[0..N) (and the sink's in pSink). */
function probsSnippet(d: Dims): string {
  return `
    let b = index / ${d.m};
    let ctx = b / ${d.heads};
    var p : array<f32, ${d.n}>;
    var top = ${d.sink ? 'sink[0]' : '-3.402823e+38'};
    for (var j = 0; j < ${d.n}; j++) {
      var s = mask[ctx * ${d.n} + j];
      for (var k = 0; k < ${d.dk}; k++) {
        s += q[index * ${d.dk} + k] * kT[(b * ${d.dk} + k) * ${d.n} + j];
      }
      p[j] = s;
      top = max(top, s);
    }
    var total = ${d.sink ? 'exp(sink[0] - top)' : '0.0'};
    for (var j = 0; j < ${d.n}; j++) {
      p[j] = exp(p[j] - top);
      total += p[j];
    }
    for (var j = 0; j < ${d.n}; j++) {
      p[j] = p[j] / total;
    }`;
}

function program(
  name: string,
  d: Dims,
  variableNames: string[],
  outputShape: number[],
  body: string,
): Program {
  return {
    variableNames,
    outputShape,
    // Everything but the batch is compiled in.
    shaderKey: `${name}_${d.m}_${d.n}_${d.dk}_${d.dv}_${d.heads}_${d.sink}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.ceil(d.rows / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    getUserCode: () => `
  fn main(index : i32) {
    // Rows = B·M from the output's shape: the batch varies, the compiled program is shared.
    if (index >= uniforms.outShape.x * uniforms.outShape.y) { return; }
    ${body}
  }`,
  };
}

function dims(q: tf.TensorInfo, kT: tf.TensorInfo, dv: number, heads: number, sink: boolean): Dims {
  const [bh, m, dk] = q.shape as [number, number, number];
  return { rows: bh * m, m, n: kT.shape[2]!, dk, dv, heads, sink };
}

/** softmax(q·kT + mask)·v: out [B, M, dv]. */
function attendProgram(d: Dims): Program {
  const names = ['q', 'kT', 'v', 'mask', ...(d.sink ? ['sink'] : [])];
  return program(
    'amplabAttend',
    d,
    names,
    [d.rows / d.m, d.m, d.dv],
    `${probsSnippet(d)}
    for (var k = 0; k < ${d.dv}; k++) {
      var o = 0.0;
      for (var j = 0; j < ${d.n}; j++) {
        o += p[j] * v[(b * ${d.n} + j) * ${d.dv} + k];
      }
      setOutputAtIndex(index * ${d.dv} + k, o);
    }`,
  );
}

/** The attention weights: out [B, M, N]. */
function probsProgram(d: Dims): Program {
  const names = ['q', 'kT', 'mask', ...(d.sink ? ['sink'] : [])];
  return program(
    'amplabAttendProbs',
    d,
    names,
    [d.rows / d.m, d.m, d.n],
    `${probsSnippet(d)}
    for (var j = 0; j < ${d.n}; j++) {
      setOutputAtIndex(index * ${d.n} + j, p[j]);
    }`,
  );
}

/**
 * The scores' gradient from the weights p [B, M, N], the output's gradient dO [B, M, dv] and v:
 * dS = p ⊙ (dO·vᵀ − rowsum(p ⊙ dO·vᵀ)), out [B, M, N].
 */
function scoresGradProgram(d: Dims): Program {
  return program(
    'amplabAttendScoresGrad',
    d,
    ['p', 'dO', 'v'],
    [d.rows / d.m, d.m, d.n],
    `
    let b = index / ${d.m};
    var g : array<f32, ${d.n}>;
    var rowDot = 0.0;
    for (var j = 0; j < ${d.n}; j++) {
      var s = 0.0;
      for (var k = 0; k < ${d.dv}; k++) {
        s += dO[index * ${d.dv} + k] * v[(b * ${d.n} + j) * ${d.dv} + k];
      }
      g[j] = s;
      rowDot += p[index * ${d.n} + j] * s;
    }
    for (var j = 0; j < ${d.n}; j++) {
      let pj = p[index * ${d.n} + j];
      setOutputAtIndex(index * ${d.n} + j, pj * (g[j] - rowDot));
    }`,
  );
}

type Attrs = { heads: number };

/** Registers the three kernels with the webgpu backend (idempotent; they run only there). */
export function registerAttentionKernels(): void {
  registerProgramKernel(ATTEND, ({ q, kT, v, mask, sink }, attrs) => {
    const d = dims(q!, kT!, v!.shape[2]!, (attrs as unknown as Attrs).heads, !!sink);
    return { program: attendProgram(d), inputs: [q!, kT!, v!, mask!, ...(sink ? [sink] : [])] };
  });
  registerProgramKernel(ATTEND_PROBS, ({ q, kT, mask, sink }, attrs) => {
    const d = dims(q!, kT!, 0, (attrs as unknown as Attrs).heads, !!sink);
    return { program: probsProgram(d), inputs: [q!, kT!, mask!, ...(sink ? [sink] : [])] };
  });
  registerProgramKernel(ATTEND_SCORES_GRAD, ({ p, dO, v }) => {
    const [bh, m, n] = p!.shape as [number, number, number];
    const d: Dims = { rows: bh * m, m, n, dk: 0, dv: dO!.shape[2]!, heads: 1, sink: false };
    return { program: scoresGradProgram(d), inputs: [p!, dO!, v!] };
  });
}
