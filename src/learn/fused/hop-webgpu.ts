/**
 * The relational model's question hop weights as one WGSL program (one thread per query row): the
 * scores against every level's registers and the facts' slots (the same at every level), a "stay"
 * entry, the level biases, and the softmax. tfjs takes six dispatches for it (two products, two
 * adds, a pad, a softmax whose workgroup-per-row reduction is slow on SwiftShader). No gradient of
 * its own: the hop's gradient is written by hand from the weights it returns.
 *
 * q [C, M, T·d + R·d] (M = questions × heads, heads inner), slots [C, F, T·d], registers
 * [C, L·F, R·d], bias [C, Q, 1, L·F + 1]; out [C, M, L·F + 1].
 */
import * as tf from '@tensorflow/tfjs';
import { registerProgramKernel, type WebGpuProgram as Program } from './webgpu-program';

export const HOP_WEIGHTS = 'AmplabHopWeights';

const WORKGROUP = 64;

function program(
  c: number,
  m: number,
  f: number,
  lf: number,
  td: number,
  rd: number,
  heads: number,
): Program {
  const k = lf + 1;
  const sd = td + rd;
  return {
    variableNames: ['q', 'slots', 'registers', 'bias'],
    outputShape: [c, m, k],
    // Everything but the contexts is compiled in (the scores live in registers).
    shaderKey: `amplabHopWeights_${m}_${f}_${lf}_${td}_${rd}_${heads}`,
    dispatchLayout: { x: [0, 1, 2] },
    dispatch: [Math.ceil((c * m) / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    getUserCode: () => `
  fn main(index : i32) {
    if (index >= uniforms.outShape.x * ${m}) { return; }
    let ctx = index / ${m};
    let question = (index % ${m}) / ${heads};
    let qa = index * ${sd};
    var p : array<f32, ${k}>;
    var slot : array<f32, ${f}>;
    for (var j = 0; j < ${f}; j++) {
      var s = 0.0;
      let sa = (ctx * ${f} + j) * ${td};
      for (var e = 0; e < ${td}; e++) { s += q[qa + e] * slots[sa + e]; }
      slot[j] = s;
    }
    let ba = (ctx * ${m / heads} + question) * ${k};
    var top = -3.402823e+38;
    for (var j = 0; j < ${lf}; j++) {
      var s = slot[j % ${f}] + bias[ba + j];
      let ra = (ctx * ${lf} + j) * ${rd};
      for (var e = 0; e < ${rd}; e++) { s += q[qa + ${td} + e] * registers[ra + e]; }
      p[j] = s;
      top = max(top, s);
    }
    p[${lf}] = bias[ba + ${lf}];
    top = max(top, p[${lf}]);
    var total = 0.0;
    for (var j = 0; j < ${k}; j++) {
      p[j] = exp(p[j] - top);
      total += p[j];
    }
    for (var j = 0; j < ${k}; j++) {
      setOutputAtIndex(index * ${k} + j, p[j] / total);
    }
  }`,
  };
}

/** Registers the kernel with the webgpu backend (idempotent; it runs only there). */
export function registerHopWeightsKernel(): void {
  registerProgramKernel(HOP_WEIGHTS, ({ q, slots, registers, bias }) => {
    const [c, m, sd] = q!.shape as [number, number, number];
    const [, f, td] = slots!.shape as [number, number, number];
    const lf = registers!.shape[1]!;
    const heads = m / bias!.shape[1]!;
    return { program: program(c, m, f, lf, td, sd - td, heads), inputs: [q!, slots!, registers!, bias!] };
  });
}

/** The hop's weights [C, M, L·F + 1] (WebGPU only). */
export function hopWeights(
  q: tf.Tensor3D,
  slots: tf.Tensor3D,
  registers: tf.Tensor3D,
  bias: tf.Tensor4D,
): tf.Tensor3D {
  registerHopWeightsKernel();
  return tf.engine().runKernel(HOP_WEIGHTS, { q, slots, registers, bias }) as tf.Tensor3D;
}
