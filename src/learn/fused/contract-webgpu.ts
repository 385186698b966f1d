/**
 * One WGSL program for every small contraction: out[i] = Σ_k a[⟨i, sa⟩ + k·ka] · b[⟨i, sb⟩ + k·kb]
 * over an output of up to four axes, the strides as uniforms (one compiled pipeline for every
 * shape; one more for the variant without b, a plain sum). One thread per output element, no
 * workgroup memory and no barriers: tfjs's tiled products (32×32 tiles, shared memory) and its
 * reductions (a workgroup per output row) run many times slower on SwiftShader for the shapes of
 * the relational model (a few source planes mixed over thousands of columns, sums over 2–8
 * entries), and on a GPU these outputs are a few thousand threads of short loops either way.
 */
import { registerProgramKernel, type WebGpuProgram as Program } from './webgpu-program';

export const CONTRACT = 'AmplabContract';

const WORKGROUP = 64;
/** WebGPU's guaranteed workgroups per dispatch dimension. */
export const MAX_CONTRACT_OUTPUTS = 65535 * WORKGROUP;

/** The kernel's attributes: the output [4 axes], strides of a and b per output axis, the sum's length and steps. */
export interface ContractAttrs {
  shape: [number, number, number, number];
  sa: [number, number, number, number];
  sb: [number, number, number, number];
  k: number;
  ka: number;
  kb: number;
}

/** Outputs per thread: 4 consecutive ones along the last axis where it allows (fewer index sums). */
const perThread = (shape: number[]): number => (shape[3]! % 4 === 0 ? 4 : 1);

function program(shape: number[], withB: boolean): Program {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = perThread(shape);
  const read = (x: string, i: string, stride: string) =>
    v === 1
      ? `${x}[${i}]`
      : `vec4<f32>(${x}[${i}], ${x}[${i} + ${stride}], ${x}[${i} + 2 * ${stride}], ${x}[${i} + 3 * ${stride}])`;
  const term = withB
    ? `${read('A', 'ia', 'uniforms.sa.w')} * ${read('B', 'ib', 'uniforms.sb.w')}`
    : read('A', 'ia', 'uniforms.sa.w');
  return {
    variableNames: withB ? ['A', 'B'] : ['A'],
    outputShape: shape,
    shaderKey: `amplabContract_${withB}_${v}`,
    dispatchLayout: { x: [0, 1, 2, 3] },
    dispatch: [Math.ceil(size / v / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms: 'sa : vec4<i32>, sb : vec4<i32>, kn : i32, ka : i32, kb : i32,',
    getUserCode: () => `
  fn main(index : i32) {
    let first = index * ${v};
    if (first >= uniforms.size) { return; }
    let c = getCoordsFromIndex(first);
    var ia = c.x * uniforms.sa.x + c.y * uniforms.sa.y + c.z * uniforms.sa.z + c.w * uniforms.sa.w;
    ${withB ? 'var ib = c.x * uniforms.sb.x + c.y * uniforms.sb.y + c.z * uniforms.sb.z + c.w * uniforms.sb.w;' : ''}
    var s = ${v === 1 ? '0.0' : 'vec4<f32>(0.0)'};
    for (var k = 0; k < uniforms.kn; k++) {
      s += ${term};
      ia += uniforms.ka;
      ${withB ? 'ib += uniforms.kb;' : ''}
    }
    ${v === 1 ? 'setOutputAtIndex(first, s);' : ['x', 'y', 'z', 'w'].map((e, j) => `setOutputAtIndex(first + ${j}, s.${e});`).join(' ')}
  }`,
  };
}

/** Registers the kernel with the webgpu backend (idempotent; it runs only there). */
export function registerContractKernel(): void {
  registerProgramKernel(CONTRACT, ({ a, b }, attrs) => {
    const { shape, sa, sb, k, ka, kb } = attrs as unknown as ContractAttrs;
    const uniforms = [
      { type: 'int32', data: sa },
      { type: 'int32', data: sb },
      { type: 'int32', data: [k] },
      { type: 'int32', data: [ka] },
      { type: 'int32', data: [kb] },
    ];
    return { program: program(shape, !!b), inputs: b ? [a!, b] : [a!], uniforms };
  });
}
