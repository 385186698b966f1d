import * as tf from '@tensorflow/tfjs';

/**
 * The part of tfjs-backend-webgpu's WebGPUProgram our WGSL programs fill in (`size` and
 * `uniforms` where a program has uniforms of its own).
 */
export interface WebGpuProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size?: boolean;
  uniforms?: string;
  getUserCode: () => string;
}

/** The webgpu backend, as our kernels call it. */
export interface WebGpuBackendLike {
  runWebGPUProgram(
    program: WebGpuProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
  ): tf.TensorInfo;
}

/** One WGSL program on its inputs (float32 out), with its own uniforms where it has any. */
export interface ProgramRun {
  program: WebGpuProgram;
  inputs: tf.TensorInfo[];
  uniforms?: { type: string; data: number[] }[];
}

/**
 * Registers, once, a webgpu kernel that runs one of our programs (it runs only on that backend;
 * a later call finds it registered).
 */
export function registerProgramKernel(
  kernelName: string,
  run: (inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap) => ProgramRun,
): void {
  if (tf.getKernel(kernelName, 'webgpu')) return;
  tf.registerKernel({
    kernelName,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const r = run(inputs as Record<string, tf.TensorInfo>, attrs ?? {});
      return (backend as WebGpuBackendLike).runWebGPUProgram(r.program, r.inputs, 'float32', r.uniforms);
    },
  });
}
